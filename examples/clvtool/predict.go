package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// loadModel reads a model JSON file (only "model" and "params" are needed).
func loadModel(path, want string) (clv.Model, error) {
	if path == "" {
		return nil, fmt.Errorf("a parameters file is required")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, _, err := clv.UnmarshalModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if want != "" && want != m.Name() {
		return nil, fmt.Errorf("-model %s but %s holds a %s model", want, path, m.Name())
	}
	return m, nil
}

func ftoaG(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// predictCmd: clvtool predict -model M -params FIT.json -in FILE -horizon t
func predictCmd(args []string, out *bufio.Writer) error {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	model := fs.String("model", "", "model: bgnbd, mbgnbd, pnbd or bgbb (must match the parameters file)")
	params := fs.String("params", "", "JSON file with the model's parameters (as clvtool fit prints)")
	in := fs.String("in", "", "summary CSV (- for standard input): id,frequency,recency,T, or frequency,recency,n_periods[,id] for bgbb")
	horizon := fs.Float64("horizon", math.NaN(), "horizon: time t in the data's unit (bgbb: whole opportunities m)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if math.IsNaN(*horizon) || *horizon < 0 || *horizon > clv.MaxHorizon {
		return fmt.Errorf("predict: -horizon is required: a number in [0, %g]", clv.MaxHorizon)
	}
	m, err := loadModel(*params, *model)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	f, err := openInput(*in)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	defer f.Close()
	w := csv.NewWriter(out)
	_ = w.Write([]string{"id", "p_alive", "expected_purchases"})
	switch mm := m.(type) {
	case clv.BGBB:
		if *horizon != math.Trunc(*horizon) || *horizon > clv.MaxOpportunities {
			return fmt.Errorf("predict: bgbb -horizon %v: want a whole number of opportunities, at most %d", *horizon, clv.MaxOpportunities)
		}
		ps, ids, err := readBGBB(f)
		if err != nil {
			return fmt.Errorf("predict: %s: %w", *in, err)
		}
		for i, p := range ps {
			pa, e := mm.ProbabilityAlive(p, 0), mm.ExpectedPurchases(p, int(*horizon))
			if !(pa >= 0 && pa <= 1) || !(e >= 0) || math.IsInf(e, 0) {
				return fmt.Errorf("predict: %s: row for id %q: P(alive) %v, expected purchases %v: %w", *in, clip.Value(ids[i]), pa, e, clv.ErrInaccurate)
			}
			_ = w.Write([]string{ids[i], ftoaG(pa), ftoaG(e)})
		}
	case clv.TransactionModel:
		rows, err := readSummaries(f, false)
		if err != nil {
			return fmt.Errorf("predict: %s: %w", *in, err)
		}
		ss := make([]clv.Summary, len(rows))
		for i, r := range rows {
			ss[i] = r.s
			ss[i].Unit = mm.TimeUnit() // the input is in the model's unit
		}
		preds, err := clv.Predict(mm, ss, *horizon)
		if err != nil {
			return fmt.Errorf("predict: %w", err)
		}
		for _, p := range preds {
			_ = w.Write([]string{p.ID, ftoaG(p.ProbabilityAlive), ftoaG(p.ExpectedPurchases)})
		}
	default:
		return fmt.Errorf("predict: a %s model does not predict purchases (use bgnbd, mbgnbd, pnbd or bgbb)", m.Name())
	}
	w.Flush()
	return w.Error()
}

// valueCmd: clvtool value -model M -params FIT.json -spend GG.json -in FILE -steps N -step-length L -discount d
func valueCmd(args []string, out *bufio.Writer) error {
	fs := flag.NewFlagSet("value", flag.ContinueOnError)
	model := fs.String("model", "", "transaction model: bgnbd, mbgnbd or pnbd (must match the parameters file)")
	params := fs.String("params", "", "JSON file with the transaction model's parameters")
	spend := fs.String("spend", "", "JSON file with the Gamma-Gamma spend model's parameters")
	in := fs.String("in", "", "summary CSV: id,frequency,recency,T,monetary_value (- for standard input)")
	steps := fs.Int("steps", 0, "number of future steps N")
	stepLength := fs.Float64("step-length", 0, "length L of a step in the data's unit (e.g. 4.345 weeks a month, as lifetimes)")
	discount := fs.Float64("discount", 0, "discount rate d per step: step i is divided by (1+d)^i")
	margin := fs.Float64("margin", 1, "share of spend kept as profit, in (0, 1]")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := loadModel(*params, *model)
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	tm, ok := m.(clv.TransactionModel)
	if !ok {
		return fmt.Errorf("value: -params holds a %s model; want bgnbd, mbgnbd or pnbd", m.Name())
	}
	sm, err := loadModel(*spend, "gg")
	if err != nil {
		return fmt.Errorf("value: -spend: %w", err)
	}
	if *margin <= 0 || *margin > 1 {
		return fmt.Errorf("value: -margin %v: want a share in (0, 1]", *margin)
	}
	f, err := openInput(*in)
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	defer f.Close()
	rows, err := readSummaries(f, true)
	if err != nil {
		return fmt.Errorf("value: %s: %w", *in, err)
	}
	ss := make([]clv.Summary, len(rows))
	for i, r := range rows {
		ss[i] = r.s
		ss[i].Unit = tm.TimeUnit() // the input is in the model's unit
	}
	vs, err := clv.LifetimeValue(tm, sm.(clv.GammaGamma), ss, clv.ValueOptions{
		Steps: *steps, StepLength: *stepLength, DiscountRate: *discount, Margin: *margin,
	})
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	w := csv.NewWriter(out)
	_ = w.Write([]string{"id", "expected_spend", "clv"})
	for _, v := range vs {
		_ = w.Write([]string{v.ID, v.SpendPerPurchase.StringFixed(2), v.Value.StringFixed(2)})
	}
	w.Flush()
	return w.Error()
}
