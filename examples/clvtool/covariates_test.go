package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// covariateTable returns a summary CSV with columns id,frequency,recency,T,
// monetary_value,spend,partner simulated from a Pareto/NBD with covariate
// effects.
func covariateTable(t *testing.T, n int) string {
	t.Helper()
	m := clv.ParetoNBDCovariates{Base: clv.ParetoNBD{R: 0.6, Alpha: 5, S: 0.8, Beta: 10, Unit: clv.UnitWeek},
		Names: []string{"spend", "partner"}, Purchase: []float64{0.4, -0.3}, Dropout: []float64{-0.5, 0.6}}
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("id,frequency,recency,T,monetary_value,spend,partner\n")
	for i := range n {
		z := []float64{rng.NormFloat64(), float64(rng.IntN(2))}
		c, err := m.For(z)
		if err != nil {
			t.Fatal(err)
		}
		s := c.Simulate(rng, []float64{52 * (1 - rng.Float64())})[0]
		mv := 0.0
		if s.Frequency > 0 {
			mv = 20 + float64(i%13)
		}
		fmt.Fprintf(&b, "c%d,%d,%v,%v,%v,%v,%v\n", i, s.Frequency, s.Recency, s.T, mv, z[0], z[1])
	}
	return b.String()
}

func TestFitPredictValueWithCovariates(t *testing.T) {
	in := writeFile(t, "cov.csv", covariateTable(t, 1500))
	for _, model := range []string{"pnbd", "bgnbd"} {
		out, err := runTool(t, "fit", "-model", model, "-unit", "week", "-in", in, "-covariates", "spend, partner")
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		var fit struct {
			Covariates     map[string]map[string]float64 `json:"covariates"`
			CovariateOrder []string                      `json:"covariate_order"`
			StdErrors      map[string]float64            `json:"std_errors"`
			Converged      bool                          `json:"converged"`
		}
		if err := json.Unmarshal([]byte(out), &fit); err != nil {
			t.Fatal(err)
		}
		groups := map[string][]string{"pnbd": {"purchase", "dropout"}, "bgnbd": {"purchase", "a", "b"}}[model]
		if !fit.Converged || len(fit.Covariates) != len(groups) || strings.Join(fit.CovariateOrder, ",") != "spend,partner" {
			t.Fatalf("%s: %s", model, out)
		}
		for _, g := range groups {
			for _, c := range []string{"spend", "partner"} {
				if _, ok := fit.Covariates[g][c]; !ok || !(fit.StdErrors[g+"."+c] > 0) {
					t.Errorf("%s: %s.%s missing or without a standard error: %s", model, g, c, out)
				}
			}
		}
		params := writeFile(t, "fit.json", out)
		plain, err := runTool(t, "predict", "-params", params, "-in", in, "-horizon", "26")
		if err != nil {
			t.Fatal(err)
		}
		withIv, err := runTool(t, "predict", "-params", params, "-in", in, "-horizon", "26", "-interval", "0.9", "-draws", "50")
		if err != nil {
			t.Fatal(err)
		}
		a, _ := csv.NewReader(strings.NewReader(plain)).ReadAll()
		b, _ := csv.NewReader(strings.NewReader(withIv)).ReadAll()
		if len(a) != 1501 || len(b) != 1501 || strings.Join(b[0], ",") != "id,p_alive,expected_purchases,p_alive_low,p_alive_high,expected_purchases_low,expected_purchases_high" {
			t.Fatalf("%s: %d and %d rows, header %v", model, len(a), len(b), b[0])
		}
		for i := 1; i < len(a); i++ {
			lo, _ := strconv.ParseFloat(b[i][5], 64)
			hi, _ := strconv.ParseFloat(b[i][6], 64)
			if strings.Join(b[i][:3], ",") != strings.Join(a[i], ",") || !(lo <= hi) {
				t.Fatalf("%s row %d: %v vs %v", model, i, b[i], a[i])
			}
		}
		// The rows are clv.PredictCovariates' for the model read back.
		m, _, err := clv.UnmarshalModel([]byte(out))
		if err != nil {
			t.Fatal(err)
		}
		cm := m.(clv.CovariateModel)
		c0, _ := cm.For([]float64{0, 0})
		if c0.TimeUnit() != clv.UnitWeek {
			t.Errorf("unit %v", c0.TimeUnit())
		}
		gg, err := runTool(t, "fit", "-model", "gg", "-in", in)
		if err != nil {
			t.Fatal(err)
		}
		spend := writeFile(t, "gg.json", gg)
		v, err := runTool(t, "value", "-params", params, "-spend", spend, "-in", in, "-steps", "6", "-step-length", "4", "-interval", "0.8", "-draws", "40")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(v, "id,expected_spend,clv,clv_low,clv_high\n") || strings.Count(v, "\n") != 1501 {
			t.Errorf("value: %.200s", v)
		}
	}
}

func TestCovariateErrors(t *testing.T) {
	in := writeFile(t, "cov.csv", "id,frequency,recency,T,z\na,1,2,5,0.5\nb,0,0,3,x\n")
	noCov := writeFile(t, "plain.json", `{"model":"pnbd","params":{"r":1,"alpha":1,"s":1,"beta":1},"unit":"week"}`)
	withCov := writeFile(t, "cov.json", `{"model":"pnbd","params":{"r":1,"alpha":1,"s":1,"beta":1},"unit":"week","covariates":{"purchase":{"w":1},"dropout":{"w":0}}}`)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"fit", "-model", "sbg", "-in", in, "-covariates", "z"}, "-covariates is for"},
		{[]string{"fit", "-model", "pnbd", "-in", in, "-covariate-penalty", "0.1"}, "-covariate-penalty needs -covariates"},
		{[]string{"fit", "-model", "pnbd", "-in", in, "-covariates", "z,z"}, "appears twice"},
		{[]string{"fit", "-model", "pnbd", "-in", in, "-covariates", "nope"}, `missing column "nope"`},
		{[]string{"fit", "-model", "pnbd", "-in", in, "-covariates", "z"}, `row 3, column "z": value "x" is not a finite number`},
		{[]string{"predict", "-params", noCov, "-in", in, "-horizon", "1", "-interval", "1.5"}, "-interval 1.5"},
		{[]string{"predict", "-params", noCov, "-in", in, "-horizon", "1", "-interval", "0.9"}, "no covariance"},
		{[]string{"predict", "-params", withCov, "-in", in, "-horizon", "1"}, `missing column "w"`},
	} {
		var out bytes.Buffer
		err := run(tc.args, &out)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
		if out.Len() != 0 {
			t.Errorf("%v: wrote %q on failure", tc.args, out.String())
		}
	}
}
