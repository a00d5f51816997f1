package clv

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// simulateCovariates draws n customers with covariates z₁ ~ N(0, 1) and
// z₂ ∈ {0, 1}, ages uniform on (0, maxT], from m's customer models.
func simulateCovariates(t testing.TB, rng *rand.Rand, m CovariateModel, n int, maxT float64) ([]Pattern, Covariates) {
	t.Helper()
	cov := Covariates{Names: m.Covariates()}
	ps := make([]Pattern, n)
	for i := range ps {
		z := []float64{rng.NormFloat64(), float64(rng.IntN(2))}
		c, err := m.For(z)
		if err != nil {
			t.Fatal(err)
		}
		s := c.Simulate(rng, []float64{maxT * (1 - rng.Float64())})
		if s == nil {
			t.Fatalf("no simulation for %v", z)
		}
		ps[i] = Pattern{Frequency: s[0].Frequency, Recency: s[0].Recency, T: s[0].T, Weight: 1}
		cov.Values = append(cov.Values, z)
	}
	return ps, cov
}

// covLik returns the likelihood with covariates of m's kind.
func covLik(d *covRows, m int, pnbd bool) likelihood {
	if pnbd {
		return pnbdCovLik{d, m}
	}
	return bgCovLik{d, m}
}

func TestCovariateGradients(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pnbd := rapid.Bool().Draw(t, "pnbd")
		groups := 3
		if pnbd {
			groups = 2
		}
		pos := func(name string) float64 { return math.Exp(rapid.Float64Range(-2, 2).Draw(t, name)) }
		p := []float64{pos("r"), pos("alpha"), pos("a|s"), pos("b|beta")}
		for g := range 2 * groups {
			p = append(p, rapid.Float64Range(-1, 1).Draw(t, "gamma"+string(rune('0'+g))))
		}
		x := rapid.IntRange(0, 20).Draw(t, "x")
		T := rapid.Float64Range(0.5, 60).Draw(t, "T")
		tx := 0.0
		if x > 0 {
			tx = T * rapid.Float64Range(0.01, 1).Draw(t, "tx/T")
		}
		z := []float64{rapid.Float64Range(-2, 2).Draw(t, "z1"), float64(rapid.IntRange(0, 1).Draw(t, "z2"))}
		d, _, _, err := prepareCovariates([]Pattern{{Frequency: x, Recency: tx, T: T, Weight: 1}}, Covariates{Names: []string{"z1", "z2"}, Values: [][]float64{z}})
		if err != nil {
			t.Fatal(err)
		}
		lk := covLik(d, 2, pnbd)
		g := make([]float64, len(p))
		ll := totalLogLik(lk, p, g, 1)
		if math.IsNaN(ll) || math.IsInf(ll, 0) {
			t.Fatalf("log-likelihood %v at %v", ll, p)
		}
		for j := range p {
			h := 1e-6 * math.Max(1, math.Abs(p[j]))
			q := append([]float64(nil), p...)
			q[j] = p[j] + h
			up := totalLogLik(lk, q, nil, 1)
			q[j] = p[j] - h
			down := totalLogLik(lk, q, nil, 1)
			fd := (up - down) / (2 * h)
			if math.Abs(fd-g[j]) > 1e-4*math.Max(1, math.Abs(fd)) {
				t.Fatalf("pnbd=%v p=%v x=%d tx=%v T=%v z=%v: d/dp%d analytic %v, finite difference %v", pnbd, p, x, tx, T, z, j, g[j], fd)
			}
		}
	})
}

// With every coefficient 0 the likelihood with covariates is the model's
// own, whatever the covariates.
func TestCovariatesAtZeroAreThePlainModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	ps, cov := simulateCovariates(t, rng, BGNBDCovariates{Base: BGNBD{R: 0.3, Alpha: 4, A: 0.8, B: 2.5}, Names: []string{"z1", "z2"},
		Purchase: []float64{0, 0}, DropoutA: []float64{0, 0}, DropoutB: []float64{0, 0}}, 500, 52)
	d, _, _, err := prepareCovariates(ps, cov)
	if err != nil {
		t.Fatal(err)
	}
	plain := newPatternData(basePatterns(d))
	for _, pnbd := range []bool{false, true} {
		p := []float64{0.3, 4, 0.8, 2.5}
		var want float64
		if pnbd {
			want = totalLogLik(newPnbdLik(plain), p, nil, 1)
		} else {
			want = totalLogLik(bgLik{plain, 0}, p, nil, 1)
		}
		groups := 3
		if pnbd {
			groups = 2
		}
		got := totalLogLik(covLik(d, 2, pnbd), append(p, make([]float64, 2*groups)...), nil, 1)
		if math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Errorf("pnbd=%v: log-likelihood with zero coefficients %v, without covariates %v", pnbd, got, want)
		}
	}
}

// Fitting data simulated with known effects recovers them within four
// standard errors, and the estimates' standard errors and covariance are
// reported for every coefficient.
func TestFitCovariatesRecoversEffects(t *testing.T) {
	bg := BGNBDCovariates{Base: BGNBD{R: 0.5, Alpha: 3, A: 0.9, B: 3, Unit: UnitWeek}, Names: []string{"spend", "partner"},
		Purchase: []float64{0.4, -0.3}, DropoutA: []float64{0.2, 0.5}, DropoutB: []float64{-0.1, 0.1}}
	pn := ParetoNBDCovariates{Base: ParetoNBD{R: 0.6, Alpha: 5, S: 0.8, Beta: 10, Unit: UnitWeek}, Names: []string{"spend", "partner"},
		Purchase: []float64{0.4, -0.3}, Dropout: []float64{-0.5, 0.6}}
	for seed := range uint64(3) {
		for _, truth := range []CovariateModel{bg, pn} {
			rng := rand.New(rand.NewPCG(seed, 77))
			ps, cov := simulateCovariates(t, rng, truth, 4000, 78)
			var got CovariateModel
			var rep FitReport
			var err error
			if truth.Name() == "pnbd" {
				got, rep, err = FitParetoNBDCovariates(context.Background(), ps, cov, FitOptions{Unit: UnitWeek})
			} else {
				got, rep, err = FitBGNBDCovariates(context.Background(), ps, cov, FitOptions{Unit: UnitWeek})
			}
			if err != nil {
				t.Fatalf("seed %d %s: %v", seed, truth.Name(), err)
			}
			if len(rep.CovarianceOf) != 4+len(truth.Groups())*2 || len(rep.Covariance) != len(rep.CovarianceOf) {
				t.Fatalf("covariance of %v: %d rows", rep.CovarianceOf, len(rep.Covariance))
			}
			for _, g := range truth.Groups() {
				for name, want := range truth.Coefficients(g) {
					est := got.Coefficients(g)[name]
					se := rep.StdErrors[g+"."+name]
					if !(se > 0) || math.Abs(est-want) > 4*se {
						t.Errorf("seed %d %s %s.%s: estimate %.3f ± %.3f, truth %v", seed, truth.Name(), g, name, est, se, want)
					}
				}
			}
		}
	}
}

// A fit's input order does not matter, nor the order of equal rows.
func TestFitCovariatesPermutationInvariant(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	truth := ParetoNBDCovariates{Base: ParetoNBD{R: 0.6, Alpha: 5, S: 0.8, Beta: 10}, Names: []string{"a", "b"},
		Purchase: []float64{0.3, 0}, Dropout: []float64{0, 0.4}}
	ps, cov := simulateCovariates(t, rng, truth, 800, 40)
	m1, r1, err1 := FitParetoNBDCovariates(context.Background(), ps, cov, FitOptions{})
	perm := rng.Perm(len(ps))
	ps2, cov2 := make([]Pattern, len(ps)), Covariates{Names: cov.Names, Values: make([][]float64, len(ps))}
	for i, j := range perm {
		ps2[i], cov2.Values[i] = ps[j], cov.Values[j]
	}
	m2, r2, err2 := FitParetoNBDCovariates(context.Background(), ps2, cov2, FitOptions{Workers: 1})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if r1.LogLikelihood != r2.LogLikelihood || m1.Base != m2.Base || m1.Purchase[0] != m2.Purchase[0] || m1.Dropout[1] != m2.Dropout[1] {
		t.Errorf("permuted input: %+v %v, was %+v %v", m2, r2.LogLikelihood, m1, r1.LogLikelihood)
	}
}

func TestCovariatesHostile(t *testing.T) {
	ctx := context.Background()
	ps := []Pattern{{Frequency: 1, Recency: 2, T: 5, Weight: 1}, {Frequency: 0, T: 3, Weight: 1}}
	for name, tc := range map[string]struct {
		cov  Covariates
		want string
	}{
		"no names":      {Covariates{Values: [][]float64{{1}, {2}}}, "without names"},
		"empty name":    {Covariates{Names: []string{""}, Values: [][]float64{{1}, {2}}}, "empty name"},
		"repeated name": {Covariates{Names: []string{"a", "a"}, Values: [][]float64{{1, 1}, {2, 2}}}, "appears twice"},
		"short row":     {Covariates{Names: []string{"a", "b"}, Values: [][]float64{{1, 1}, {2}}}, "row 1"},
		"NaN":           {Covariates{Names: []string{"a"}, Values: [][]float64{{math.NaN()}, {2}}}, "finite"},
		"Inf":           {Covariates{Names: []string{"a"}, Values: [][]float64{{1}, {math.Inf(-1)}}}, "finite"},
		"rows":          {Covariates{Names: []string{"a"}, Values: [][]float64{{1}}}, "1 rows of covariates for 2 patterns"},
	} {
		_, _, err := FitBGNBDCovariates(ctx, ps, tc.cov, FitOptions{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: BG/NBD error %v, want %q", name, err, tc.want)
		}
		_, _, err = FitParetoNBDCovariates(ctx, ps, tc.cov, FitOptions{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Pareto/NBD error %v, want %q", name, err, tc.want)
		}
	}
	if _, _, err := FitBGNBDCovariates(ctx, ps, Covariates{Names: []string{"a"}, Values: [][]float64{{1}, {1}}}, FitOptions{CovariatePenalty: -1}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("negative covariate penalty: %v", err)
	}
	m := BGNBDCovariates{Base: BGNBD{R: 1, Alpha: 1, A: 1, B: 1}, Names: []string{"a"}, Purchase: []float64{800}, DropoutA: []float64{0}, DropoutB: []float64{0}}
	if _, err := m.For([]float64{1}); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("α underflowing to 0: %v", err)
	}
	if _, err := m.For([]float64{1, 2}); err == nil {
		t.Error("two values for one covariate: no error")
	}
	if err := (BGNBDCovariates{Base: m.Base, Names: []string{"a"}, Purchase: []float64{math.NaN()}, DropoutA: []float64{0}, DropoutB: []float64{0}}).Validate(); err == nil {
		t.Error("NaN coefficient: valid")
	}
	if err := (ParetoNBDCovariates{Base: ParetoNBD{R: 1, Alpha: 1, S: 1, Beta: 1}, Names: []string{"a"}, Purchase: []float64{0}}).Validate(); err == nil {
		t.Error("missing dropout coefficients: valid")
	}
}

// A covariate that never varies cannot be told from the base parameters:
// the fit says so instead of reporting an effect.
func TestFitCovariateWithoutVariation(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	ps := (BGNBD{R: 0.5, Alpha: 3, A: 0.9, B: 3}).Simulate(rng, make52(300))
	data := Compress(ps)
	cov := Covariates{Names: []string{"flat"}, Values: make([][]float64, len(data))}
	for i := range cov.Values {
		cov.Values[i] = []float64{1}
	}
	_, rep, err := FitBGNBDCovariates(context.Background(), data, cov, FitOptions{})
	if !errors.Is(err, ErrBoundary) || !strings.Contains(rep.Boundary, "flat") {
		t.Errorf("constant covariate: %v (boundary %q)", err, rep.Boundary)
	}
}

func make52(n int) []float64 {
	T := make([]float64, n)
	for i := range T {
		T[i] = float64(1 + i%52)
	}
	return T
}

func TestCovariateModelJSONRoundTrip(t *testing.T) {
	for _, m := range []CovariateModel{
		BGNBDCovariates{Base: BGNBD{R: 0.5, Alpha: 3, A: 0.9, B: 3, Unit: UnitWeek}, Names: []string{"zeta", "alpha"},
			Purchase: []float64{0.4, -0.3}, DropoutA: []float64{0.2, 0.5}, DropoutB: []float64{-0.1, 0.1}},
		ParetoNBDCovariates{Base: ParetoNBD{R: 0.6, Alpha: 5, S: 0.8, Beta: 10}, Names: []string{"x"},
			Purchase: []float64{0.1}, Dropout: []float64{-0.25}},
	} {
		b, err := MarshalModel(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := UnmarshalModel(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !strings.Contains(string(b), `"covariate_order":`) || !strings.Contains(string(b), `"purchase":{`) {
			t.Errorf("JSON %s", b)
		}
		gm := got.(CovariateModel)
		if gm.TimeUnit() != m.TimeUnit() || strings.Join(gm.Covariates(), ",") != strings.Join(m.Covariates(), ",") {
			t.Errorf("round trip of %s: %+v", b, got)
		}
		for _, g := range m.Groups() {
			for n, v := range m.Coefficients(g) {
				if gm.Coefficients(g)[n] != v {
					t.Errorf("%s.%s: %v, want %v", g, n, gm.Coefficients(g)[n], v)
				}
			}
		}
	}
	for _, bad := range []string{
		`{"model":"bgnbd","params":{"r":1,"alpha":1,"a":1,"b":1},"covariates":{"purchase":{"x":1}}}`,
		`{"model":"pnbd","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariates":{"purchase":{"x":1},"dropout":{"y":1}}}`,
		`{"model":"pnbd","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariates":{"purchase":{"x":1},"dropout":{"x":1},"b":{"x":1}}}`,
		`{"model":"gg","params":{"p":1,"q":2,"v":1},"covariates":{"purchase":{"x":1}}}`,
	} {
		if _, _, err := UnmarshalModel([]byte(bad)); !errors.Is(err, ErrInvalidParams) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// More attacks from a review.
func TestCovariatesReviewAttacks(t *testing.T) {
	// Coefficients of the wrong length: an error, never a panic or zeros.
	m := BGNBDCovariates{Base: BGNBD{R: 1, Alpha: 1, A: 1, B: 1}, Names: []string{"z"}, Purchase: []float64{1, 2}, DropoutA: []float64{0}, DropoutB: nil}
	if _, err := m.For([]float64{1}); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("For with two coefficients for one covariate: %v", err)
	}
	// A covariate penalty needs covariates.
	data := Compress((BGNBD{R: 0.5, Alpha: 3, A: 0.9, B: 3}).Simulate(rand.New(rand.NewPCG(1, 1)), make52(200)))
	if _, _, err := FitBGNBD(context.Background(), data, FitOptions{CovariatePenalty: 1e-9}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("covariate penalty on a fit without covariates: %v", err)
	}
	// One sentinel per message.
	err := (Covariates{Names: []string{"x", "x"}}).Validate()
	if err == nil || strings.Count(err.Error(), "clv:") != 1 {
		t.Errorf("repeated name: %v", err)
	}
	err = BGNBDCovariates{Base: BGNBD{R: 1, Alpha: 1, A: 1, B: 1}, Names: []string{"x", "x"}, Purchase: []float64{0, 0}, DropoutA: []float64{0, 0}, DropoutB: []float64{0, 0}}.Validate()
	if !errors.Is(err, ErrInvalidParams) || strings.Count(err.Error(), "clv:") != 1 {
		t.Errorf("repeated name in a model: %v", err)
	}
	// Fitted coefficient vectors do not share memory.
	rng := rand.New(rand.NewPCG(4, 4))
	ps, cov := simulateCovariates(t, rng, BGNBDCovariates{Base: BGNBD{R: 0.5, Alpha: 3, A: 0.9, B: 3}, Names: []string{"a", "b"},
		Purchase: []float64{0.2, 0}, DropoutA: []float64{0, 0}, DropoutB: []float64{0, 0}}, 1000, 52)
	fit, _, err := FitBGNBDCovariates(context.Background(), ps, cov, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before := fit.DropoutA[0]
	_ = append(fit.Purchase, 99)
	if fit.DropoutA[0] != before {
		t.Error("appending to Purchase changed DropoutA")
	}
	if _, _, err := UnmarshalModel([]byte(`{"model":"pnbd","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariate_order":["x"]}`)); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("covariate_order without covariates: %v", err)
	}
}
