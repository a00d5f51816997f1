package clv

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"
)

// tb is what near needs of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
}

func near(t tb, what string, got, want, rel float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > rel*math.Max(math.Abs(want), 1e-300) {
		t.Errorf("%s = %.15g, want %.15g (rel tol %g)", what, got, want, rel)
	}
}

func sum(x int, tx, T float64) Summary { return Summary{Frequency: x, Recency: tx, T: T} }

// Reference values below were computed with mpmath at 40-60 significant
// digits from the papers' formulas as printed (the untransformed ₂F₁ with up
// to 10⁷ terms, the Pareto/NBD likelihood as its integral form).

func TestSpecialFunctions(t *testing.T) {
	for _, c := range []struct{ a, b, c, y, want float64 }{
		{0.5, 0.3, 2.1, 0.5, 0.1037574261606650356},
		{3.0, -0.2, 2.5, 3.0, 1.8056759675741109135},
		{1200.25, -0.2071, 1201.2, 0.9, 0.68604079463402168141},
		{5000.25, 0.5, 5001.0, 20.0, 1.5635330439850238327},
		{0.25, 1e-9, 2.2, 1.5, 0.13670380497483861267},
		{10.0, 2.0, 12.5, 100.0, 0.49991837445720498554},
	} {
		// Where the series certifies its value, the value must be right;
		// elsewhere the models fall back to quadrature (tested there).
		if g, rel := oneMinusHypOverB(c.a, c.b, c.c, c.y); rel <= 1e-12 {
			near(t, "oneMinusHypOverB", g, c.want, 1e-12)
		}
	}
	for _, c := range []struct{ b, c, z, want float64 }{
		{2.5, 3.7, 0.3, 1.2622579352093608296},
		{26.55, 27.76, 0.999, 60.185473595559464856},
		{1.6, 30.2, 0.95, 1.0548051876114425062},
		{0.5, 0.6, 0.5, 1.7954871754170291983},
	} {
		f, _, _, _ := hyp1(c.b, c.c, c.z)
		near(t, "hyp1", f, c.want, 1e-12)
	}
	// ψ at points with known closed forms.
	near(t, "digamma(1)", digamma(1), -0.57721566490153286061, 1e-15)
	near(t, "digamma(0.5)", digamma(0.5), -1.96351002602142347944, 1e-15)
	near(t, "digamma(1e-3)", digamma(1e-3), -1000.5755719318103005, 1e-14)
	near(t, "digamma(123.4)", digamma(123.4), 4.81137377511627741914, 1e-14)
}

func TestBGNBDReference(t *testing.T) {
	m := BGNBD{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	// Hardie's note 027 reference values.
	near(t, "LL x=0", m.LogLikelihood(sum(0, 0, 40)), -0.599473818199593, 1e-12)
	near(t, "LL x=200", m.LogLikelihood(sum(200, 38, 40)), 100.795693092706, 1e-12)
	near(t, "LL x=10000", m.LogLikelihood(sum(10000, 9999, 10000)), -10015.2928130538, 1e-12)

	p := BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258}
	for _, c := range []struct {
		m        BGNBD
		x        int
		tx, T, t float64
		want     float64
	}{
		{p, 2, 30.43, 38.86, 39, 1.2259111998992229465},
		{p, 500, 38, 40, 10, 6.4092581118445607674e-6},
		{p, 5000, 39.9, 40, 52, 312.65535546752554651},
		{BGNBD{0.2426, 4.4135, 1.0000001, 2.4258}, 3, 20, 40, 39, 0.87603580363746426562},
		{BGNBD{0.25, 4, 0.5, 2.5}, 0, 0, 40, 100, 0.48078020809124368997},
	} {
		near(t, "BG/NBD E[X(t)|x]", c.m.ExpectedPurchases(sum(c.x, c.tx, c.T), c.t), c.want, 1e-10)
	}
	// a = 1 exactly: the Pfaff form has no singularity there.
	at1 := BGNBD{0.2426, 4.4135, 1, 2.4258}.ExpectedPurchases(sum(3, 20, 40), 39)
	near(t, "E at a=1 (limit)", at1, 0.87603580363746426562, 1e-6)
}

func TestParetoNBDReference(t *testing.T) {
	for _, c := range []struct {
		m         ParetoNBD
		x         int
		tx, T     float64
		ll, alive float64
	}{
		{ParetoNBD{0.5533, 10.5776, 0.6062, 11.6679}, 2, 30.43, 38.86, -9.5542942020350187098, 0.86912109570405913373},
		{ParetoNBD{0.5533, 10.5776, 0.6062, 11.6679}, 0, 0, 38.86, -0.52122774292329049927, 0.29509925952537556938},
		{ParetoNBD{0.5533, 20.0, 0.6062, 2.0}, 5, 10, 39, -16.364423741505155619, 0.05595735256669371437},
		{ParetoNBD{0.5533, 2.0, 0.6062, 20.0}, 5, 10, 39, -13.156390134900885485, 0.015470517280186382788},
		{ParetoNBD{1, 5, 1, 5}, 3, 20, 30, -12.137150813634362662, 0.53314907701231787628},
		{ParetoNBD{0.5533, 10.5776, 0.6062, 11.6679}, 10000, 9000, 10000, -8974.6806652352378223, 0},
		{ParetoNBD{0.5533, 10.5776, 0.6062, 11.6679}, 4, 39, 39, -15.30527951779255512, 1},
		{ParetoNBD{0.5533, 10.5776, 0.6062, 11.6679}, 26, 30.86, 31, -39.130652831683305966, 0.99791798922184349069},
	} {
		s := sum(c.x, c.tx, c.T)
		near(t, "Pareto/NBD LL", c.m.LogLikelihood(s), c.ll, 1e-11)
		if got := c.m.ProbabilityAlive(s); math.Abs(got-c.alive) > 1e-12 {
			t.Errorf("P(alive) %+v x=%d = %.15g, want %.15g", c.m, c.x, got, c.alive)
		}
	}
}

// TestCDNOWPublished checks the fits and predictions against the published
// CDNOW figures (REFERENCES.md).
func TestCDNOWPublished(t *testing.T) {
	data := Compress(cdnow(t))
	ctx := context.Background()
	bg, rep, err := FitBGNBD(ctx, data, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "BG/NBD r", bg.R, 0.242593, 1e-4)
	near(t, "BG/NBD alpha", bg.Alpha, 4.413532, 1e-4)
	near(t, "BG/NBD a", bg.A, 0.792886, 1e-4)
	near(t, "BG/NBD b", bg.B, 2.425752, 1e-4)
	near(t, "BG/NBD LL", rep.LogLikelihood, -9582.4256, 1e-6)
	if !rep.Converged || rep.N != 2357 || len(rep.StdErrors) != 4 {
		t.Errorf("report %+v", rep)
	}
	c1 := sum(2, 30.43, 38.86)
	near(t, "E customer 1", bg.ExpectedPurchases(c1, 39), 1.226, 1e-3)
	near(t, "P(alive) customer 1", bg.ProbabilityAlive(c1), 0.7266, 1e-3)
	for i, want := range []float64{0.0532, 0.4318, 1.1950, 1.8580} {
		tt := []float64{1, 10, 39, 78}[i]
		near(t, "E[X(t)] new", bg.ExpectedPurchasesNew(tt), want, 2e-3)
	}
	// R BTYD's documented values, at its rounded parameters.
	btyd := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	near(t, "P(X(39)=0)", btyd.ProbabilityPurchasesNew(0, 39), 0.5737864, 1e-6)
	near(t, "P(X(2)=10)", btyd.ProbabilityPurchasesNew(10, 2), 1.07869e-07, 1e-5)
	for i, want := range []float64{0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638} {
		near(t, "P(X(30)=n)", btyd.ProbabilityPurchasesNew(11+i, 30), want, 1e-6)
	}

	mbg, rep, err := FitMBGNBD(ctx, data, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "MBG/NBD r", mbg.R, 0.524838, 1e-4)
	near(t, "MBG/NBD b", mbg.B, 1.614000, 1e-4)
	near(t, "MBG/NBD LL", rep.LogLikelihood, -9582.1327, 1e-6)

	pn, rep, err := FitParetoNBD(ctx, data, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "Pareto/NBD r", pn.R, 0.553276, 1e-3)
	near(t, "Pareto/NBD alpha", pn.Alpha, 10.577612, 1e-3)
	near(t, "Pareto/NBD s", pn.S, 0.606213, 3e-3)
	near(t, "Pareto/NBD beta", pn.Beta, 11.667907, 1e-2)
	near(t, "Pareto/NBD LL", rep.LogLikelihood, -9594.9739, 1e-6)
	near(t, "Pareto/NBD SE(beta)", rep.StdErrors["beta"], 6.2, 0.05)
	// R BTYD walkthrough customer.
	c := sum(26, 30.86, 31)
	near(t, "Pareto/NBD E[52]", pn.ExpectedPurchases(c, 52), 25.46, 2e-3)
	near(t, "Pareto/NBD P(alive)", pn.ProbabilityAlive(c), 0.9979, 1e-3)
}

// models returns a generator of valid models of the three kinds, over a
// wide range of parameters.
func genModel(t *rapid.T) TransactionModel {
	p := func(name string) float64 { return math.Exp(rapid.Float64Range(-3, 3).Draw(t, name)) }
	switch rapid.IntRange(0, 2).Draw(t, "kind") {
	case 0:
		return BGNBD{p("r"), p("alpha"), p("a"), p("b")}
	case 1:
		return MBGNBD{p("r"), p("alpha"), p("a"), p("b")}
	default:
		return ParetoNBD{p("r"), p("alpha"), p("s"), p("beta")}
	}
}

func genSummary(t *rapid.T) Summary {
	T := rapid.Float64Range(0, 200).Draw(t, "T")
	x := rapid.IntRange(0, 60).Draw(t, "x")
	tx := 0.0
	if x > 0 {
		tx = rapid.Float64Range(0, T).Draw(t, "tx")
	}
	return Summary{Frequency: x, Recency: tx, T: T}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func TestPropPredictionBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m, s := genModel(t), genSummary(t)
		h := rapid.Float64Range(0, 100).Draw(t, "t")
		pa := m.ProbabilityAlive(s)
		if !(pa >= 0 && pa <= 1) {
			t.Fatalf("%+v: P(alive) = %v", m, pa)
		}
		if _, ok := m.(BGNBD); ok && s.Frequency == 0 && pa != 1 {
			t.Fatalf("BG/NBD P(alive) at x=0 is %v, want exactly 1", pa)
		}
		pat := m.ProbabilityAliveAt(s, h)
		if !(pat >= 0 && pat <= pa+1e-12) {
			t.Fatalf("%+v: P(alive at T+%v) = %v > P(alive) %v", m, h, pat, pa)
		}
		if e := m.ExpectedPurchases(s, 0); e != 0 {
			t.Fatalf("E at t=0 = %v", e)
		}
		e1 := m.ExpectedPurchases(s, h)
		e2 := m.ExpectedPurchases(s, h*1.5+0.1)
		if !(e1 >= 0 && finite(e1) && e2 >= e1*(1-1e-12)) {
			t.Fatalf("%+v %+v: E(%v) = %v, E(larger) = %v", m, s, h, e1, e2)
		}
		n1, n2 := m.ExpectedPurchasesNew(h), m.ExpectedPurchasesNew(h*1.5+0.1)
		if !(n1 >= 0 && finite(n1) && n2 >= n1*(1-1e-12)) {
			t.Fatalf("%+v: new E(%v) = %v, larger %v", m, h, n1, n2)
		}
		if ll := m.LogLikelihood(s); !finite(ll) {
			t.Fatalf("%+v %+v: LL = %v", m, s, ll)
		}
	})
}

// TestPropPMF checks that the pmf sums to one and its mean is the expected
// number of purchases, for new customers and conditionally.
func TestPropPMF(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genModel(t)
		// Moderate parameters keep the pmf's mass within the terms summed.
		h := rapid.Float64Range(0.1, 20).Draw(t, "t")
		s := genSummary(t)
		if m.ExpectedPurchasesNew(h) > 20 || m.ExpectedPurchases(s, h) > 20 {
			t.Skip("mass too spread for a truncated sum")
		}
		for _, cond := range []bool{false, true} {
			want := m.ExpectedPurchasesNew(h)
			if cond {
				want = m.ExpectedPurchases(s, h)
			}
			total, mean, last := 0.0, 0.0, 1.0
			n := 0
			for ; n < 5000; n++ {
				var p float64
				if cond {
					p = m.ProbabilityPurchases(s, n, h)
				} else {
					p = m.ProbabilityPurchasesNew(n, h)
				}
				if !(p >= -1e-15 && p <= 1+1e-12) {
					t.Fatalf("%+v: P(X=%d) = %v", m, n, p)
				}
				total += p
				mean += float64(n) * p
				last = p
				if n > 50 && float64(n)*float64(n)*p < 1e-12 {
					break
				}
			}
			// Partial sums never exceed their limits; once the tail is
			// negligible (n²·p(n) tiny bounds it for the polynomial tails
			// of these mixtures) they must reach them.
			if total > 1+1e-9 || mean > want*(1+1e-9)+1e-12 {
				t.Fatalf("%+v cond=%v s=%+v t=%v: Σp = %v, mean %v > E = %v", m, cond, s, h, total, mean, want)
			}
			if float64(n)*float64(n)*last < 1e-12 && (math.Abs(total-1) > 1e-8 || math.Abs(mean-want) > 1e-6*math.Max(1, want)) {
				t.Fatalf("%+v cond=%v s=%+v t=%v: Σp = %v, mean %v, E = %v", m, cond, s, h, total, mean, want)
			}
		}
	})
}

// TestPropGradients compares the analytic gradients of the likelihoods with
// central finite differences.
func TestPropGradients(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genModel(t)
		s := genSummary(t)
		var lk likelihood
		d := newPatternData([]Pattern{{Frequency: s.Frequency, Recency: s.Recency, T: s.T, Weight: 1}})
		var p []float64
		switch mm := m.(type) {
		case BGNBD:
			lk, p = bgLik{d, 0}, []float64{mm.R, mm.Alpha, mm.A, mm.B}
		case MBGNBD:
			lk, p = bgLik{d, 1}, []float64{mm.R, mm.Alpha, mm.A, mm.B}
		case ParetoNBD:
			lk, p = newPnbdLik(d), []float64{mm.R, mm.Alpha, mm.S, mm.Beta}
		}
		g := make([]float64, 4)
		lk.prepare(p, true).block(0, 1, g)
		for j := range 4 {
			h := 1e-6 * p[j]
			q := append([]float64(nil), p...)
			q[j] = p[j] + h
			up := lk.prepare(q, false).block(0, 1, nil)
			q[j] = p[j] - h
			down := lk.prepare(q, false).block(0, 1, nil)
			fd := (up - down) / (2 * h)
			if math.Abs(fd-g[j]) > 1e-4*math.Max(1, math.Abs(fd)) {
				t.Fatalf("%T %v s=%+v: d/dp%d analytic %v, finite difference %v", m, p, s, j, g[j], fd)
			}
		}
	})
}

func TestPropExtremeInputsFinite(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genModel(t)
		T := rapid.Float64Range(0, 10000).Draw(t, "T")
		x := rapid.IntRange(0, 10000).Draw(t, "x")
		tx := 0.0
		if x > 0 {
			tx = rapid.Float64Range(0, T).Draw(t, "tx")
		}
		s := sum(x, tx, T)
		h := rapid.Float64Range(0, 1000).Draw(t, "t")
		for name, v := range map[string]float64{
			"LL": m.LogLikelihood(s), "P(alive)": m.ProbabilityAlive(s), "P(alive at)": m.ProbabilityAliveAt(s, h),
			"E": m.ExpectedPurchases(s, h), "E new": m.ExpectedPurchasesNew(h),
		} {
			if !finite(v) {
				t.Fatalf("%T %+v s=%+v t=%v: %s = %v", m, m, s, h, name, v)
			}
		}
	})
}

// TestFitRecoversSimulated fits each model to data simulated from known
// parameters and checks every estimate lies within four standard errors.
func TestFitRecoversSimulated(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 20 000 simulated customers per model")
	}
	rng := rand.New(rand.NewPCG(7, 11))
	T := make([]float64, 20000)
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	ctx := context.Background()
	truth := map[string][]float64{
		"bgnbd":  {0.4, 5, 0.8, 2.5},
		"mbgnbd": {0.5, 6, 0.9, 1.6},
		"pnbd":   {0.6, 10, 0.7, 12},
	}
	for name, p := range truth {
		var sim []Summary
		var fitted []float64
		var rep FitReport
		var err error
		switch name {
		case "bgnbd":
			sim = BGNBD{p[0], p[1], p[2], p[3]}.Simulate(rng, T, UnitWeek)
			var f BGNBD
			f, rep, err = FitBGNBD(ctx, Compress(sim), FitOptions{})
			fitted = []float64{f.R, f.Alpha, f.A, f.B}
		case "mbgnbd":
			sim = MBGNBD{p[0], p[1], p[2], p[3]}.Simulate(rng, T, UnitWeek)
			var f MBGNBD
			f, rep, err = FitMBGNBD(ctx, Compress(sim), FitOptions{})
			fitted = []float64{f.R, f.Alpha, f.A, f.B}
		case "pnbd":
			sim = ParetoNBD{p[0], p[1], p[2], p[3]}.Simulate(rng, T, UnitWeek)
			var f ParetoNBD
			f, rep, err = FitParetoNBD(ctx, Compress(sim), FitOptions{})
			fitted = []float64{f.R, f.Alpha, f.S, f.Beta}
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		names := bgNames
		if name == "pnbd" {
			names = pnbdNames
		}
		for j, n := range names {
			se := rep.StdErrors[n]
			if !(se > 0) || math.Abs(fitted[j]-p[j]) > 4*se {
				t.Errorf("%s %s: fitted %v, true %v, SE %v", name, n, fitted[j], p[j], se)
			}
		}
	}
}

func TestFitCompressedEqualsExpanded(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	T := make([]float64, 3000)
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	sim := BGNBD{0.4, 3, 0.8, 2.5}.Simulate(rng, T, UnitWeek)
	ones := make([]Pattern, len(sim))
	for i, s := range sim {
		ones[i] = Pattern{Frequency: s.Frequency, Recency: s.Recency, T: s.T, Weight: 1}
	}
	ctx := context.Background()
	a, ra, err := FitBGNBD(ctx, Compress(sim), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, rb, err := FitBGNBD(ctx, ones, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A fit merges identical histories itself (in canonical order), so
	// compressed and expanded data give the same fit, bit for bit.
	if ra.Patterns != rb.Patterns || ra.Patterns >= len(ones) {
		t.Errorf("patterns: compressed %d, expanded %d, customers %d", ra.Patterns, rb.Patterns, len(ones))
	}
	if a != b || ra.LogLikelihood != rb.LogLikelihood {
		t.Errorf("compressed fit %+v (LL %v) != expanded fit %+v (LL %v)", a, ra.LogLikelihood, b, rb.LogLikelihood)
	}
}

func TestFitErrorsAndOptions(t *testing.T) {
	ctx := context.Background()
	if _, _, err := FitBGNBD(ctx, nil, FitOptions{}); !errors.Is(err, ErrNoData) {
		t.Errorf("empty data: %v", err)
	}
	if _, _, err := FitParetoNBD(ctx, []Pattern{{Frequency: 1, Recency: 5, T: 3, Weight: 1}}, FitOptions{}); !errors.Is(err, ErrInvalidSummary) {
		t.Errorf("recency > T: %v", err)
	}
	data := Compress(cdnow(t))
	if _, _, err := FitBGNBD(ctx, data, FitOptions{Penalty: -1}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("negative penalty: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := FitBGNBD(cancelled, data, FitOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	var iters int
	_, rep, err := FitBGNBD(ctx, data, FitOptions{MaxIterations: 2, Progress: func(p FitProgress) { iters = p.Iteration }})
	var ce *ConvergenceError
	if !errors.As(err, &ce) || !errors.Is(err, ErrNotConverged) || len(ce.Params) != 4 || rep.Converged {
		t.Errorf("2 iterations: err %v, report %+v", err, rep)
	}
	if iters == 0 {
		t.Error("progress callback never called")
	}
	// A penalty shrinks the parameters towards zero.
	free, _, _ := FitBGNBD(ctx, data, FitOptions{})
	pen, _, err := FitBGNBD(ctx, data, FitOptions{Penalty: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if sumSq([]float64{pen.R, pen.Alpha, pen.A, pen.B}) >= sumSq([]float64{free.R, free.Alpha, free.A, free.B}) {
		t.Errorf("penalty did not shrink: %+v vs %+v", pen, free)
	}
	// Results do not depend on the number of workers.
	big := make([]Pattern, 0, 3*blockSize)
	for i := range 3 * blockSize {
		big = append(big, Pattern{Frequency: i % 7, Recency: float64(i%7) * 0.5, T: 10 + float64(i%13), Weight: 1})
	}
	one, _, _ := FitBGNBD(ctx, big, FitOptions{Workers: 1})
	two, _, _ := FitBGNBD(ctx, big, FitOptions{Workers: 2})
	if one != two {
		t.Errorf("workers changed the result: %+v vs %+v", one, two)
	}
}

func TestModelJSONRoundTrip(t *testing.T) {
	for _, m := range []Model{BGNBD{0.1, 2.5, 0.3, 4}, MBGNBD{1.0 / 3, 7, 0.9, 1.6}, ParetoNBD{0.55, 10.5, 0.6, 11.7},
		BGBB{1.2, 0.75, 0.66, 2.78}, SBG{0.704, 1.182}, GammaGamma{6.25, 3.74, 15.45}} {
		rep := &FitReport{LogLikelihood: -12.5, N: 10, Iterations: 3, Converged: true, StdErrors: map[string]float64{"r": 0.1}}
		b, err := MarshalModel(m, rep)
		if err != nil {
			t.Fatal(err)
		}
		back, brep, err := UnmarshalModel(b)
		if err != nil {
			t.Fatal(err)
		}
		if back != m || brep == nil || brep.LogLikelihood != -12.5 || brep.Model != m.Name() {
			t.Errorf("round trip of %s: %+v %+v from %s", m.Name(), back, brep, b)
		}
	}
	for _, bad := range []string{
		`{"model":"bgnbd","params":{"r":1,"alpha":1,"a":1}}`,
		`{"model":"bgnbd","params":{"r":1,"alpha":1,"a":1,"b":-2}}`,
		`{"model":"bgnbd","params":{"r":1,"alpha":1,"a":1,"b":2,"s":1}}`,
		`{"model":"xyz","params":{}}`,
		`{"version":2,"model":"pnbd","params":{"r":1,"alpha":1,"s":1,"beta":1}}`,
		`not json`,
	} {
		if _, _, err := UnmarshalModel([]byte(bad)); !errors.Is(err, ErrInvalidParams) {
			t.Errorf("%s: got %v, want ErrInvalidParams", bad, err)
		}
	}
}

func FuzzUnmarshalModel(f *testing.F) {
	f.Add([]byte(`{"version":1,"model":"bgnbd","params":{"r":0.24,"alpha":4.4,"a":0.79,"b":2.4}}`))
	f.Add([]byte(`{"model":"pnbd","params":{"r":0.5,"alpha":10,"s":0.6,"beta":11}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, _, err := UnmarshalModel(b)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("UnmarshalModel accepted an invalid model: %v", err)
		}
		tm, ok := m.(TransactionModel)
		if !ok {
			return
		}
		for _, s := range []Summary{sum(0, 0, 10), sum(3, 5, 10)} {
			if v := tm.ExpectedPurchases(s, 5); !finite(v) || v < 0 {
				t.Fatalf("%+v: E = %v", m, v)
			}
		}
	})
}

func TestPredict(t *testing.T) {
	m := BGNBD{0.2426, 4.4135, 0.7929, 2.4258}
	preds, err := Predict(m, []Summary{{ID: "a", Frequency: 2, Recency: 30.43, T: 38.86}, {ID: "b", T: 10}}, 39)
	if err != nil {
		t.Fatal(err)
	}
	if preds[0].ID != "a" || preds[1].ProbabilityAlive != 1 {
		t.Errorf("predictions %+v", preds)
	}
	near(t, "Predict E", preds[0].ExpectedPurchases, 1.2259111998992229465, 1e-10)
	if _, err := Predict(m, []Summary{{ID: "bad", Frequency: 1, Recency: 5, T: 4}}, 1); !errors.Is(err, ErrInvalidSummary) {
		t.Errorf("invalid summary: %v", err)
	}
	if _, err := Predict(m, nil, -1); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("negative horizon: %v", err)
	}
	if _, err := Predict(BGNBD{}, nil, 1); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("zero model: %v", err)
	}
}
