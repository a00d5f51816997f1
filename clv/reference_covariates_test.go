package clv

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"
)

// The covariate models against an independent implementation:
// testdata/covariates/gen.py (scipy to maximise, mpmath at 30 digits to
// evaluate) on the 2,357 CDNOW customers with the size of their first
// purchase and whether it was several CDs as covariates. See the README
// there.

type covRefModel struct {
	Params        []string            `json:"params"`
	GammaGroups   map[string][]string `json:"gamma_groups"`
	MLE           map[string]json.RawMessage
	LogLikelihood string                     `json:"log_likelihood"`
	StdErrors     map[string]json.RawMessage `json:"std_errors"`
	Points        []map[string]json.RawMessage
}

// covRefGroups maps our coefficient groups to the reference's.
var covRefGroups = map[string]map[string]string{
	"pnbd":  {"purchase": "purchase", "dropout": "dropout"},
	"bgnbd": {"purchase": "purchase", "a": "dropout_a", "b": "dropout_b"},
}

func loadCovariateReference(t *testing.T) (ps []Pattern, cov Covariates, ids []string, ref map[string]covRefModel) {
	t.Helper()
	f, err := os.Open("testdata/covariates/cdnow_covariates.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cov.Names = []string{"first_spend", "first_multi"}
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
		ps = append(ps, Pattern{Frequency: int(num(r[1])), Recency: num(r[2]), T: num(r[3]), Weight: 1})
		cov.Values = append(cov.Values, []float64{num(r[4]), num(r[5])})
	}
	b, err := os.ReadFile("testdata/covariates/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	ref = map[string]covRefModel{}
	for _, m := range []string{"pnbd", "bgnbd"} {
		var cm covRefModel
		if err := json.Unmarshal(raw[m], &cm); err != nil {
			t.Fatal(err)
		}
		ref[m] = cm
	}
	return ps, cov, ids, ref
}

// refVector returns a reference parameter set in our order: the base
// parameters, then each of our groups' coefficients in covariate order.
func refVector(t *testing.T, model string, groups []string, names []string, p map[string]json.RawMessage) []float64 {
	t.Helper()
	d, _ := Describe(model)
	var out []float64
	for _, n := range d.Params {
		var v float64
		if err := json.Unmarshal(p[n], &v); err != nil {
			t.Fatalf("%s %s: %v", model, n, err)
		}
		out = append(out, v)
	}
	for _, g := range groups {
		var coef map[string]float64
		if err := json.Unmarshal(p[covRefGroups[model][g]], &coef); err != nil {
			t.Fatalf("%s %s: %v", model, g, err)
		}
		for _, n := range names {
			out = append(out, coef[n])
		}
	}
	return out
}

func refFloat(t *testing.T, raw json.RawMessage) float64 {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var v float64
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The log-likelihood with covariates, in total and per customer, at twelve
// points (the optimum and points around it) is the reference's to 1e-10.
func TestCovariateLikelihoodReference(t *testing.T) {
	ps, cov, ids, ref := loadCovariateReference(t)
	d, _, _, err := prepareCovariates(ps, cov)
	if err != nil {
		t.Fatal(err)
	}
	row := map[string]int{}
	for i, id := range ids {
		row[id] = i
	}
	for _, model := range []string{"pnbd", "bgnbd"} {
		pnbd := model == "pnbd"
		groups := BGNBDCovariates{}.Groups()
		if pnbd {
			groups = ParetoNBDCovariates{}.Groups()
		}
		for k, pt := range ref[model].Points {
			p := refVector(t, model, groups, cov.Names, pt)
			got := totalLogLik(covLik(d, 2, pnbd), p, nil, 1)
			want := refFloat(t, pt["log_likelihood"])
			if math.Abs(got-want) > 1e-10*math.Abs(want) {
				t.Errorf("%s point %d: log-likelihood %.15g, reference %.15g (rel %.2g)", model, k, got, want, math.Abs(got-want)/math.Abs(want))
			}
			var customers map[string]string
			if err := json.Unmarshal(pt["customers"], &customers); err != nil {
				t.Fatal(err)
			}
			for id, s := range customers {
				i := row[id]
				one, _, _, err := prepareCovariates(ps[i:i+1], Covariates{Names: cov.Names, Values: cov.Values[i : i+1]})
				if err != nil {
					t.Fatal(err)
				}
				got := totalLogLik(covLik(one, 2, pnbd), p, nil, 1)
				want, _ := strconv.ParseFloat(s, 64)
				if math.Abs(got-want) > 1e-10*math.Max(1, math.Abs(want)) {
					t.Errorf("%s point %d customer %s: %.15g, reference %.15g", model, k, id, got, want)
				}
			}
		}
	}
}

// The fits reach the reference's maximum: the same log-likelihood to 1e-6,
// the same estimates to 1e-4 and standard errors to 1e-3 (relative).
func TestFitCovariatesReference(t *testing.T) {
	ps, cov, _, ref := loadCovariateReference(t)
	ctx := context.Background()
	for _, model := range []string{"pnbd", "bgnbd"} {
		var m CovariateModel
		var rep FitReport
		var err error
		if model == "pnbd" {
			m, rep, err = FitParetoNBDCovariates(ctx, ps, cov, FitOptions{Unit: UnitWeek})
		} else {
			m, rep, err = FitBGNBDCovariates(ctx, ps, cov, FitOptions{Unit: UnitWeek})
		}
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		r := ref[model]
		if want := refFloat(t, json.RawMessage(strconv.Quote(r.LogLikelihood))); math.Abs(rep.LogLikelihood-want) > 1e-6 {
			t.Errorf("%s: maximised log-likelihood %.10f, reference %.10f", model, rep.LogLikelihood, want)
		}
		want := refVector(t, model, m.Groups(), cov.Names, r.MLE)
		wantSE := refVector(t, model, m.Groups(), cov.Names, r.StdErrors)
		_, got, _ := paramVector(m)
		for i, name := range rep.CovarianceOf {
			// Coefficients near 0 are compared on their standard error's
			// scale.
			scale := math.Max(math.Abs(want[i]), wantSE[i])
			if math.Abs(got[i]-want[i]) > 1e-4*scale {
				t.Errorf("%s %s: %.8g, reference %.8g", model, name, got[i], want[i])
			}
			if se := rep.StdErrors[name]; math.Abs(se-wantSE[i]) > 1e-3*wantSE[i] {
				t.Errorf("%s %s: standard error %.6g, reference %.6g", model, name, se, wantSE[i])
			}
		}
	}
}
