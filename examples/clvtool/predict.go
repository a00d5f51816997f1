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
)

// loadModel reads a model JSON file (only "model" and "params" are needed).
func loadModel(path string) (clv.TransactionModel, error) {
	if path == "" {
		return nil, fmt.Errorf("-params FILE is required")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, _, err := clv.UnmarshalModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// predictCmd: clvtool predict -model M -params FIT.json -in FILE -horizon t
func predictCmd(args []string, out *bufio.Writer) error {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	model := fs.String("model", "", "model: bgnbd, mbgnbd or pnbd (must match the parameters file)")
	params := fs.String("params", "", "JSON file with the model's parameters (as clvtool fit prints)")
	in := fs.String("in", "", "summary CSV: id,frequency,recency,T (- for standard input)")
	horizon := fs.Float64("horizon", math.NaN(), "horizon t in the data's unit: expected purchases in (T, T+t]")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if math.IsNaN(*horizon) || *horizon < 0 || math.IsInf(*horizon, 0) {
		return fmt.Errorf("predict: -horizon t is required (a finite non-negative number)")
	}
	m, err := loadModel(*params)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	if *model != "" && *model != m.Name() {
		return fmt.Errorf("predict: -model %s but %s holds a %s model", *model, *params, m.Name())
	}
	f, err := openInput(*in)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	defer f.Close()
	rows, err := readSummaries(f, false)
	if err != nil {
		return fmt.Errorf("predict: %s: %w", *in, err)
	}
	ss := make([]clv.Summary, len(rows))
	for i, r := range rows {
		ss[i] = r.s
	}
	preds, err := clv.Predict(m, ss, *horizon)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	w := csv.NewWriter(out)
	_ = w.Write([]string{"id", "p_alive", "expected_purchases"})
	for _, p := range preds {
		_ = w.Write([]string{p.ID, strconv.FormatFloat(p.ProbabilityAlive, 'g', -1, 64), strconv.FormatFloat(p.ExpectedPurchases, 'g', -1, 64)})
	}
	w.Flush()
	return w.Error()
}
