package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strconv"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// loadModel reads a model JSON file (only "model" and "params" are needed)
// and the fit report it holds, if any.
func loadModel(path, want string) (clv.Model, *clv.FitReport, error) {
	if path == "" {
		return nil, nil, fmt.Errorf("a parameters file is required")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	m, rep, err := clv.UnmarshalModel(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if want != "" && want != m.Name() {
		return nil, nil, fmt.Errorf("-model %s but %s holds a %s model", want, path, m.Name())
	}
	return m, rep, nil
}

func ftoaG(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// intervalFlags are the flags of intervals that reflect parameter
// uncertainty, shared by predict and value.
type intervalFlags struct {
	level *float64
	draws *int
	seed  *uint64
}

func addIntervalFlags(fs *flag.FlagSet) intervalFlags {
	return intervalFlags{
		level: fs.Float64("interval", 0, "add _low and _high columns: intervals of this nominal coverage in (0, 1), e.g. 0.9, from draws of the fitted parameters (needs the fit report in -params)"),
		draws: fs.Int("draws", 500, "parameter draws for -interval"),
		seed:  fs.Uint64("seed", 1, "seed of the draws for -interval: the same seed, the same intervals"),
	}
}

func (f intervalFlags) on() bool { return *f.level != 0 }

func (f intervalFlags) options() clv.IntervalOptions {
	return clv.IntervalOptions{Level: *f.level, Draws: *f.draws, Seed: *f.seed}
}

// check refuses a level outside (0, 1) before any input is read.
func (f intervalFlags) check() error {
	if f.on() && !(*f.level > 0 && *f.level < 1) {
		return fmt.Errorf("-interval %v: want a coverage in (0, 1), e.g. 0.9", *f.level)
	}
	return nil
}

// interruptible returns a context that an interrupt (Ctrl-C) cancels, for
// the long computations of -interval; the process ends soon after anyway.
func interruptible() context.Context {
	ctx, _ := signal.NotifyContext(context.Background(), os.Interrupt)
	return ctx
}

// portfolioNote writes a portfolio interval to standard error.
func portfolioNote(stderr io.Writer, what string, level float64, iv clv.Interval) {
	fmt.Fprintf(stderr, "clvtool: portfolio %s, %g%% interval: [%s, %s]\n", what, 100*level, ftoaG(iv.Low), ftoaG(iv.High))
}

// transactionInput is a transaction model (with covariates or not) and the
// summaries it scores, read in its unit.
type transactionInput struct {
	plain clv.TransactionModel
	cov   clv.CovariateModel
	ss    []clv.Summary
	z     *clv.Covariates // nil without covariates
}

// readTransactionInput reads the summaries (and covariate columns) that m
// scores.
func readTransactionInput(m clv.Model, r io.Reader, withMoney bool) (transactionInput, error) {
	var in transactionInput
	var names []string
	var unit clv.Unit
	switch mm := m.(type) {
	case clv.CovariateModel:
		in.cov, names, unit = mm, mm.Covariates(), mm.TimeUnit()
	case clv.TransactionModel:
		in.plain, unit = mm, mm.TimeUnit()
	default:
		return in, fmt.Errorf("a %s model does not predict purchases", m.Name())
	}
	rows, err := readSummaries(r, withMoney, names)
	if err != nil {
		return in, err
	}
	in.ss = make([]clv.Summary, len(rows))
	for i, r := range rows {
		in.ss[i] = r.s
		in.ss[i].Unit = unit // the input is in the model's unit
	}
	if names != nil {
		z := covariatesOf(names, rows)
		in.z = &z
	}
	return in, nil
}

// predictCmd: clvtool predict -model M -params FIT.json -in FILE -horizon t [-interval L]
func predictCmd(args []string, out *bufio.Writer, stderr io.Writer) error {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	model := fs.String("model", "", "model: bgnbd, mbgnbd, pnbd or bgbb (must match the parameters file)")
	params := fs.String("params", "", "JSON file with the model's parameters (as clvtool fit prints)")
	in := fs.String("in", "", "summary CSV (- for standard input): id,frequency,recency,T (and the model's covariate columns), or frequency,recency,n_periods[,id] for bgbb")
	horizon := fs.Float64("horizon", math.NaN(), "horizon: time t in the data's unit (bgbb: whole opportunities m)")
	ivf := addIntervalFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if math.IsNaN(*horizon) || *horizon < 0 || *horizon > clv.MaxHorizon {
		return fmt.Errorf("predict: -horizon is required: a number in [0, %g]", clv.MaxHorizon)
	}
	if err := ivf.check(); err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	m, rep, err := loadModel(*params, *model)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	f, err := openInput(*in)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	defer f.Close()
	w := csv.NewWriter(out)
	header := []string{"id", "p_alive", "expected_purchases"}
	if ivf.on() {
		header = append(header, "p_alive_low", "p_alive_high", "expected_purchases_low", "expected_purchases_high")
	}
	_ = w.Write(header)
	switch mm := m.(type) {
	case clv.BGBB:
		if ivf.on() {
			return fmt.Errorf("predict: -interval is for bgnbd, mbgnbd and pnbd models")
		}
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
	case clv.TransactionModel, clv.CovariateModel:
		ti, err := readTransactionInput(m, f, false)
		if err != nil {
			return fmt.Errorf("predict: %s: %w", *in, err)
		}
		var preds []clv.Prediction
		if ti.cov != nil {
			preds, err = clv.PredictCovariates(ti.cov, ti.ss, *ti.z, *horizon)
		} else {
			preds, err = clv.Predict(ti.plain, ti.ss, *horizon)
		}
		if err != nil {
			return fmt.Errorf("predict: %w", err)
		}
		var iv clv.PredictionIntervals
		if ivf.on() {
			if iv, err = clv.PredictIntervals(interruptible(), m, rep, ti.ss, ti.z, *horizon, ivf.options()); err != nil {
				return fmt.Errorf("predict: -interval: %w", err)
			}
		}
		for i, p := range preds {
			row := []string{p.ID, ftoaG(p.ProbabilityAlive), ftoaG(p.ExpectedPurchases)}
			if ivf.on() {
				c := iv.Customers[i]
				row = append(row, ftoaG(c.ProbabilityAlive.Low), ftoaG(c.ProbabilityAlive.High),
					ftoaG(c.ExpectedPurchases.Low), ftoaG(c.ExpectedPurchases.High))
			}
			_ = w.Write(row)
		}
		if ivf.on() {
			portfolioNote(stderr, "expected purchases", iv.Level, iv.ExpectedPurchases)
		}
	default:
		return fmt.Errorf("predict: a %s model does not predict purchases (use bgnbd, mbgnbd, pnbd or bgbb)", m.Name())
	}
	w.Flush()
	return w.Error()
}

// valueCmd: clvtool value -model M -params FIT.json -spend GG.json -in FILE -steps N -step-length L -discount d [-interval L]
func valueCmd(args []string, out *bufio.Writer, stderr io.Writer) error {
	fs := flag.NewFlagSet("value", flag.ContinueOnError)
	model := fs.String("model", "", "transaction model: bgnbd, mbgnbd or pnbd (must match the parameters file)")
	params := fs.String("params", "", "JSON file with the transaction model's parameters")
	spend := fs.String("spend", "", "JSON file with the Gamma-Gamma spend model's parameters")
	in := fs.String("in", "", "summary CSV: id,frequency,recency,T,monetary_value (and the model's covariate columns; - for standard input)")
	steps := fs.Int("steps", 0, "number of future steps N")
	stepLength := fs.Float64("step-length", 0, "length L of a step in the data's unit (e.g. 4.345 weeks a month, as lifetimes)")
	discount := fs.Float64("discount", 0, "discount rate d per step: step i is divided by (1+d)^i")
	margin := fs.Float64("margin", 1, "share of spend kept as profit, in (0, 1]")
	ivf := addIntervalFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := ivf.check(); err != nil {
		return fmt.Errorf("value: %w", err)
	}
	m, rep, err := loadModel(*params, *model)
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	switch m.(type) {
	case clv.TransactionModel, clv.CovariateModel:
	default:
		return fmt.Errorf("value: -params holds a %s model; want bgnbd, mbgnbd or pnbd", m.Name())
	}
	sm, srep, err := loadModel(*spend, "gg")
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
	ti, err := readTransactionInput(m, f, true)
	if err != nil {
		return fmt.Errorf("value: %s: %w", *in, err)
	}
	gg := sm.(clv.GammaGamma)
	opts := clv.ValueOptions{Steps: *steps, StepLength: *stepLength, DiscountRate: *discount, Margin: *margin}
	var vs []clv.CustomerValue
	if ti.cov != nil {
		vs, err = clv.LifetimeValueCovariates(ti.cov, gg, ti.ss, *ti.z, opts)
	} else {
		vs, err = clv.LifetimeValue(ti.plain, gg, ti.ss, opts)
	}
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	var iv clv.ValueIntervals
	if ivf.on() {
		if iv, err = clv.LifetimeValueIntervals(interruptible(), m, rep, gg, srep, ti.ss, ti.z, opts, ivf.options()); err != nil {
			return fmt.Errorf("value: -interval: %w", err)
		}
	}
	w := csv.NewWriter(out)
	header := []string{"id", "expected_spend", "clv"}
	if ivf.on() {
		header = append(header, "clv_low", "clv_high")
	}
	_ = w.Write(header)
	for i, v := range vs {
		row := []string{v.ID, v.SpendPerPurchase.StringFixed(2), v.Value.StringFixed(2)}
		if ivf.on() {
			c := iv.Customers[i].Value
			row = append(row, money2(c.Low), money2(c.High))
		}
		_ = w.Write(row)
	}
	if ivf.on() {
		portfolioNote(stderr, "lifetime value", iv.Level, iv.Total)
	}
	w.Flush()
	return w.Error()
}

// money2 prints an interval bound in money to the cent, rounded as values
// are (clv.Money).
func money2(v float64) string {
	d, ok := clv.Money(v)
	if !ok {
		return ftoaG(v)
	}
	return d.StringFixed(2)
}
