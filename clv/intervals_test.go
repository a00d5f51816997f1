package clv

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"
)

// Nominal 90% intervals for a portfolio's expected purchases, from models
// fitted to data simulated with known parameters, cover the expectation
// under the true parameters 85% to 95% of the time.
func TestPredictIntervalsCoverage(t *testing.T) {
	truth := BGNBD{R: 0.5, Alpha: 3, A: 0.9, B: 3, Unit: UnitWeek}
	const reps, customers, horizon = 200, 500, 26.0
	covered := 0
	for rep := range uint64(reps) {
		rng := rand.New(rand.NewPCG(rep, 2026))
		T := make([]float64, customers)
		for i := range T {
			T[i] = 52 * (1 - rng.Float64())
		}
		ss := truth.Simulate(rng, T)
		m, fr, err := FitBGNBD(context.Background(), Compress(ss), FitOptions{Unit: UnitWeek})
		if err != nil {
			t.Fatalf("replicate %d: %v", rep, err)
		}
		iv, err := PredictIntervals(context.Background(), m, &fr, ss, nil, horizon, IntervalOptions{Draws: 100, Seed: rep})
		if err != nil {
			t.Fatalf("replicate %d: %v", rep, err)
		}
		want := 0.0
		for _, s := range ss {
			want += truth.ExpectedPurchases(s, horizon)
		}
		if iv.ExpectedPurchases.Low <= want && want <= iv.ExpectedPurchases.High {
			covered++
		}
	}
	if c := float64(covered) / reps; c < 0.85 || c > 0.95 {
		t.Errorf("nominal 90%% intervals covered the truth in %d of %d replicates (%.1f%%)", covered, reps, 100*c)
	} else {
		t.Logf("coverage %d of %d", covered, reps)
	}
}

// fittedCDNOWLike returns a BG/NBD fit to simulated weekly data.
func fittedCDNOWLike(t *testing.T, n int) (BGNBD, FitReport, []Summary) {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	T := make([]float64, n)
	for i := range T {
		T[i] = 39 * (1 - rng.Float64())
	}
	ss := (BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4, Unit: UnitWeek}).Simulate(rng, T)
	m, rep, err := FitBGNBD(context.Background(), Compress(ss), FitOptions{Unit: UnitWeek})
	if err != nil {
		t.Fatal(err)
	}
	return m, rep, ss
}

// Intervals are reproducible from their seed, contain the point estimates
// of a well-identified fit, and widen with the level.
func TestPredictIntervalsProperties(t *testing.T) {
	m, rep, ss := fittedCDNOWLike(t, 2000)
	ss = ss[:200]
	a, err := PredictIntervals(context.Background(), m, &rep, ss, nil, 39, IntervalOptions{Seed: 7, Draws: 300})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := PredictIntervals(context.Background(), m, &rep, ss, nil, 39, IntervalOptions{Seed: 7, Draws: 300})
	if a.ExpectedPurchases != b.ExpectedPurchases || a.Customers[17] != b.Customers[17] {
		t.Error("same seed, different intervals")
	}
	wide, _ := PredictIntervals(context.Background(), m, &rep, ss, nil, 39, IntervalOptions{Seed: 7, Draws: 300, Level: 0.99})
	point, _ := Predict(m, ss, 39)
	total := 0.0
	for i, p := range point {
		total += p.ExpectedPurchases
		c := a.Customers[i]
		if !(c.ProbabilityAlive.Low <= c.ProbabilityAlive.High && c.ProbabilityAlive.Low >= 0 && c.ProbabilityAlive.High <= 1) {
			t.Errorf("customer %d: P(alive) interval %+v", i, c.ProbabilityAlive)
		}
		w := wide.Customers[i].ExpectedPurchases
		if w.Low > c.ExpectedPurchases.Low || w.High < c.ExpectedPurchases.High {
			t.Errorf("customer %d: 99%% interval %+v inside the 90%% one %+v", i, w, c.ExpectedPurchases)
		}
	}
	if e := a.ExpectedPurchases; !(e.Low < total && total < e.High) {
		t.Errorf("portfolio expected purchases %v outside its interval %+v", total, e)
	}
	if a.Level != 0.9 || len(a.Customers) != len(ss) || a.Customers[3].ID != ss[3].ID {
		t.Errorf("level %v, %d customers", a.Level, len(a.Customers))
	}
}

func TestLifetimeValueIntervals(t *testing.T) {
	m, rep, ss := fittedCDNOWLike(t, 2000)
	rng := rand.New(rand.NewPCG(8, 8))
	var obs []SpendObservation
	for i := range ss {
		// Gamma-Gamma spend: ν ~ Gamma(4, 15) per customer, each purchase
		// from Gamma(6, ν); the summary holds the mean of the repeat ones.
		nu := distuv.Gamma{Alpha: 4, Beta: 15, Src: rng}.Rand()
		sum := 0.0
		for range ss[i].Frequency {
			sum += distuv.Gamma{Alpha: 6, Beta: nu, Src: rng}.Rand()
		}
		if ss[i].Frequency > 0 {
			ss[i].MonetaryValue = decimal.NewFromFloat(math.Round(100*sum/float64(ss[i].Frequency)) / 100)
		}
		if ss[i].Frequency > 0 {
			obs = append(obs, SpendObservation{Frequency: ss[i].Frequency, Mean: ss[i].MonetaryValue.InexactFloat64(), Weight: 1})
		}
	}
	gg, grep, err := FitGammaGamma(context.Background(), obs, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ss = ss[:300]
	opts := ValueOptions{Steps: 12, StepLength: 4.345, DiscountRate: 0.01}
	vals, err := LifetimeValue(m, gg, ss, opts)
	if err != nil {
		t.Fatal(err)
	}
	both, err := LifetimeValueIntervals(context.Background(), m, &rep, gg, &grep, ss, nil, opts, IntervalOptions{Seed: 1, Draws: 200})
	if err != nil {
		t.Fatal(err)
	}
	known, err := LifetimeValueIntervals(context.Background(), m, &rep, gg, nil, ss, nil, opts, IntervalOptions{Seed: 1, Draws: 200})
	if err != nil {
		t.Fatal(err)
	}
	total := SummarizeValues(vals).Total.InexactFloat64()
	if !(both.Total.Low < total && total < both.Total.High) {
		t.Errorf("portfolio value %v outside %+v", total, both.Total)
	}
	// Uncertain spend parameters widen the portfolio's interval.
	if both.Total.High-both.Total.Low <= known.Total.High-known.Total.Low {
		t.Errorf("with spend uncertainty %+v, without %+v", both.Total, known.Total)
	}
}

func TestIntervalsWithCovariates(t *testing.T) {
	truth := ParetoNBDCovariates{Base: ParetoNBD{R: 0.6, Alpha: 5, S: 0.8, Beta: 10, Unit: UnitWeek}, Names: []string{"spend", "partner"},
		Purchase: []float64{0.4, -0.3}, Dropout: []float64{-0.5, 0.6}}
	rng := rand.New(rand.NewPCG(11, 12))
	ps, cov := simulateCovariates(t, rng, truth, 1500, 52)
	m, rep, err := FitParetoNBDCovariates(context.Background(), ps, cov, FitOptions{Unit: UnitWeek})
	if err != nil {
		t.Fatal(err)
	}
	ss := make([]Summary, 100)
	for i := range ss {
		ss[i] = Summary{ID: string(rune('A' + i%26)), Frequency: ps[i].Frequency, Recency: ps[i].Recency, T: ps[i].T, Unit: UnitWeek}
	}
	sub := Covariates{Names: cov.Names, Values: cov.Values[:100]}
	point, err := PredictCovariates(m, ss, sub, 26)
	if err != nil {
		t.Fatal(err)
	}
	iv, err := PredictIntervals(context.Background(), m, &rep, ss, &sub, 26, IntervalOptions{Draws: 200, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, p := range point {
		total += p.ExpectedPurchases
	}
	if e := iv.ExpectedPurchases; !(e.Low < total && total < e.High) {
		t.Errorf("portfolio %v outside %+v", total, e)
	}
	vals, err := LifetimeValueCovariates(m, FixedSpend{Amount: decimal.NewFromInt(20)}, ss, sub, ValueOptions{Steps: 6, StepLength: 4})
	if err != nil || len(vals) != 100 {
		t.Fatal(err)
	}
	// The same customer with other covariates has another model.
	c0, _ := m.For([]float64{0, 0})
	c1, _ := m.For([]float64{1, 1})
	if c0.(ParetoNBD).Alpha == c1.(ParetoNBD).Alpha {
		t.Error("covariates change nothing")
	}
}

func TestIntervalsHostile(t *testing.T) {
	m, rep, ss := fittedCDNOWLike(t, 500)
	ss = ss[:10]
	noCov := rep
	noCov.Covariance = nil
	badOrder := rep
	badOrder.CovarianceOf = []string{"alpha", "r", "a", "b"}
	notPD := rep
	notPD.Covariance = [][]float64{{1, 2, 0, 0}, {2, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}
	nan := rep
	nan.Covariance = [][]float64{{math.NaN(), 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}
	short := rep
	short.Covariance = [][]float64{{1}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}
	for name, tc := range map[string]struct {
		m    Model
		rep  *FitReport
		cov  *Covariates
		t    float64
		opts IntervalOptions
		want string
	}{
		"nil model":                    {nil, &rep, nil, 1, IntervalOptions{}, "nil model"},
		"nil report":                   {m, nil, nil, 1, IntervalOptions{}, "no covariance"},
		"no covariance":                {m, &noCov, nil, 1, IntervalOptions{}, "no covariance"},
		"other order":                  {m, &badOrder, nil, 1, IntervalOptions{}, "covariance is of"},
		"not PD":                       {m, &notPD, nil, 1, IntervalOptions{}, "positive definite"},
		"NaN":                          {m, &nan, nil, 1, IntervalOptions{}, "covariance entry"},
		"short row":                    {m, &short, nil, 1, IntervalOptions{}, "covariance row 0"},
		"level 1":                      {m, &rep, nil, 1, IntervalOptions{Level: 1}, "interval level"},
		"level NaN":                    {m, &rep, nil, 1, IntervalOptions{Level: math.NaN()}, "interval level"},
		"one draw":                     {m, &rep, nil, 1, IntervalOptions{Draws: 1}, "draws"},
		"too many draws":               {m, &rep, nil, 1, IntervalOptions{Draws: MaxDraws + 1}, "draws"},
		"negative t":                   {m, &rep, nil, -1, IntervalOptions{}, "horizon"},
		"covariates for a plain model": {m, &rep, &Covariates{Names: []string{"a"}, Values: make([][]float64, 10)}, 1, IntervalOptions{}, "has none"},
	} {
		_, err := PredictIntervals(context.Background(), tc.m, tc.rep, ss, tc.cov, tc.t, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	bad := append([]Summary{{ID: "x", Frequency: 2, Recency: 5, T: 3, Unit: UnitWeek}}, ss...)
	if _, err := PredictIntervals(context.Background(), m, &rep, bad, nil, 1, IntervalOptions{}); !errors.Is(err, ErrInvalidSummary) {
		t.Errorf("invalid summary: %v", err)
	}
	if _, err := LifetimeValueIntervals(context.Background(), m, &rep, nil, nil, ss, nil, ValueOptions{Steps: 1, StepLength: 1}, IntervalOptions{}); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("nil spend model: %v", err)
	}
	if _, err := LifetimeValueIntervals(context.Background(), m, &rep, FixedSpend{Amount: decimal.NewFromInt(1)}, &rep, ss, nil, ValueOptions{Steps: 1, StepLength: 1}, IntervalOptions{}); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("spend report for a fixed spend: %v", err)
	}
}

// A custom model that is not one of the package's.
type customModel struct{ BGNBD }

// Attacks from a review: none may panic, each must say what is wrong.
func TestIntervalsRefuseWhatTheyCannotDraw(t *testing.T) {
	m, rep, ss := fittedCDNOWLike(t, 500)
	ss = ss[:20]
	ctx := context.Background()
	short := rep
	short.Covariance = rep.Covariance[:1]
	asym := rep
	asym.Covariance = make([][]float64, 4)
	for i := range asym.Covariance {
		asym.Covariance[i] = slices.Clone(rep.Covariance[i])
	}
	asym.Covariance[3][0] += 1e6
	other := rep
	other.Model = "mbgnbd"
	for name, tc := range map[string]struct {
		m    Model
		rep  *FitReport
		want string
	}{
		"short covariance":       {m, &short, "1 rows for 4 parameters"},
		"asymmetric covariance":  {m, &asym, "not symmetric"},
		"another model's report": {m, &other, `"mbgnbd" fit report for a bgnbd model`},
		"a custom model":         {customModel{m}, &rep, "not a clv.customModel"},
		"a BG/BB":                {BGBB{Alpha: 1, Beta: 1, Gamma: 1, Delta: 1}, &rep, "not a clv.BGBB"},
	} {
		_, err := PredictIntervals(ctx, tc.m, tc.rep, ss, nil, 10, IntervalOptions{Draws: 10})
		if !errors.Is(err, ErrInvalidParams) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	// A pointer to a model is the model.
	p, err := PredictIntervals(ctx, &m, &rep, ss, nil, 10, IntervalOptions{Draws: 10})
	v, _ := PredictIntervals(ctx, m, &rep, ss, nil, 10, IntervalOptions{Draws: 10})
	if err != nil || p.ExpectedPurchases != v.ExpectedPurchases {
		t.Errorf("pointer: %v %+v, value %+v", err, p.ExpectedPurchases, v.ExpectedPurchases)
	}
	if _, err := LifetimeValueIntervals(ctx, m, &rep, customSpend{}, &rep, ss, nil, ValueOptions{Steps: 1, StepLength: 1}, IntervalOptions{Draws: 10}); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("a spend report for a custom spend model: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := PredictIntervals(cancelled, m, &rep, ss, nil, 10, IntervalOptions{Draws: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

type customSpend struct{ BGNBD }

func (customSpend) SpendPerPurchase(Summary) (decimal.Decimal, error) {
	return decimal.NewFromInt(1), nil
}

// Draws that leave the region where the models can value a customer are
// replaced and counted, not fatal: a Gamma-Gamma whose q is near 1 draws
// some q ≤ 1 (infinite mean spend).
func TestIntervalsReplaceDrawsTheModelsCannotValue(t *testing.T) {
	m, rep, ss := fittedCDNOWLike(t, 2000)
	ss = ss[:50]
	for i := range ss {
		if ss[i].Frequency > 0 {
			ss[i].MonetaryValue = decimal.NewFromInt(int64(20 + i%7))
		}
	}
	gg := GammaGamma{P: 6, Q: 1.6, Gamma: 15}
	grep := FitReport{Model: "gg", CovarianceOf: []string{"p", "q", "gamma"},
		Covariance: [][]float64{{1, 0, 0}, {0, 0.09, 0}, {0, 0, 4}}}
	iv, err := LifetimeValueIntervals(context.Background(), m, &rep, gg, &grep, ss, nil, ValueOptions{Steps: 6, StepLength: 4}, IntervalOptions{Draws: 200, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if iv.Replaced == 0 || iv.Replaced > 20 {
		t.Errorf("%d draws replaced", iv.Replaced)
	}
	// Far too uncertain: most draws fail, and that is an error.
	grep.Covariance[1][1] = 4
	if _, err := LifetimeValueIntervals(context.Background(), m, &rep, gg, &grep, ss, nil, ValueOptions{Steps: 6, StepLength: 4}, IntervalOptions{Draws: 200, Seed: 2}); !errors.Is(err, ErrInaccurate) || !strings.Contains(err.Error(), "q =") {
		t.Errorf("hopeless spend model: %v", err)
	}
}
