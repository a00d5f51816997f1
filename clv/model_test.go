package clv

import (
	"errors"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

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
		lk.prepare(p, true, 1).block(0, 1, g)
		for j := range 4 {
			h := 1e-6 * p[j]
			q := append([]float64(nil), p...)
			q[j] = p[j] + h
			up := lk.prepare(q, false, 1).block(0, 1, nil)
			q[j] = p[j] - h
			down := lk.prepare(q, false, 1).block(0, 1, nil)
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

func TestModelJSONRoundTrip(t *testing.T) {
	for _, m := range []Model{BGNBD{R: 0.1, Alpha: 2.5, A: 0.3, B: 4}, MBGNBD{R: 1.0 / 3, Alpha: 7, A: 0.9, B: 1.6}, ParetoNBD{R: 0.55, Alpha: 10.5, S: 0.6, Beta: 11.7},
		BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.78}, SBG{Alpha: 0.704, Beta: 1.182}, GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.45}} {
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
	f.Add([]byte(`{"model":"pnbd","params":{"r":0.5,"alpha":10,"s":0.6,"beta":11},"unit":"week","covariates":{"purchase":{"z":0.3},"dropout":{"z":-1}},"covariate_order":["z"]}`))
	f.Add([]byte(`{"model":"bgnbd","params":{"r":0.24,"alpha":4.4,"a":0.79,"b":2.4},"covariates":{"purchase":{"x":1,"y":0},"a":{"x":0,"y":0},"b":{"y":2,"x":1e300}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, _, err := UnmarshalModel(b)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("UnmarshalModel accepted an invalid model: %v", err)
		}
		if cm, ok := m.(CovariateModel); ok {
			// Written back and read again, the same coefficients in the
			// same order; a customer's own model is valid or an error.
			out, err := MarshalModel(cm, nil)
			if err != nil {
				t.Fatalf("MarshalModel(%+v): %v", cm, err)
			}
			back, _, err := UnmarshalModel(out)
			if err != nil || !slices.Equal(back.(CovariateModel).Covariates(), cm.Covariates()) {
				t.Fatalf("round trip of %s: %v", out, err)
			}
			z := make([]float64, len(cm.Covariates()))
			if c, err := cm.For(z); err == nil && c.Validate() != nil {
				t.Fatalf("For gave an invalid model %+v", c)
			}
			return
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
	m := BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258}
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
