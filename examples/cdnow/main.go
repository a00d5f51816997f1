// Command cdnow runs a CDNOW-style analysis (Fader, Hardie & Lee 2005) on a
// transaction log given on the command line: summaries with a holdout,
// BG/NBD and Pareto/NBD fits, the conditional-expectation check, Gamma-Gamma
// spend and a year of customer lifetime value, as Python lifetimes'
// tutorial does.
//
// Usage:
//
//	go run ./examples/cdnow -in testdata/cdnow_sample.csv [-customer customer_id] [-time date] [-amount amount]
//	    [-calibration-end 1997-09-30] [-end 1998-06-30]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "cdnow:", err)
		}
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("cdnow", flag.ContinueOnError)
	in := fs.String("in", "", "transaction log CSV (required)")
	cust := fs.String("customer", "customer_id", "customer column")
	tcol := fs.String("time", "date", "date column")
	amount := fs.String("amount", "amount", "amount column")
	calEnd := fs.String("calibration-end", "1997-09-30", "calibration end (inclusive)")
	end := fs.String("end", "1998-06-30", "observation end (inclusive)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return errors.New("-in FILE is required")
	}
	ce, err := time.Parse(time.DateOnly, *calEnd)
	if err != nil {
		return fmt.Errorf("-calibration-end: %w", err)
	}
	oe, err := time.Parse(time.DateOnly, *end)
	if err != nil {
		return fmt.Errorf("-end: %w", err)
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := clv.NewCSVReader(bufio.NewReader(f), clv.CSVOptions{Customer: *cust, Time: *tcol, Amount: *amount})
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	s, err := clv.NewSummarizer(clv.SummaryOptions{End: oe, CalibrationEnd: ce, Unit: clv.UnitWeek})
	if err != nil {
		return err
	}
	// Each customer's first-day spend, a covariate below, is read in the
	// same pass.
	first := map[string]firstDay{}
	txs := func(yield func(clv.Transaction) bool) {
		for t := range r.Transactions() {
			day := clv.CalendarDay(t.Time, time.UTC)
			f, seen := first[t.Customer]
			switch {
			case !seen || day < f.day:
				first[t.Customer] = firstDay{day, t.Amount}
			case day == f.day:
				first[t.Customer] = firstDay{day, f.spend.Add(t.Amount)}
			}
			if !yield(t) {
				return
			}
		}
	}
	if err := s.AddAll(txs); err != nil {
		return err
	}
	if r.Err() != nil {
		return fmt.Errorf("%s: %w", *in, r.Err())
	}
	split, err := s.Split()
	if err != nil {
		return err
	}
	cal := make([]clv.Summary, len(split))
	for i, sp := range split {
		cal[i] = sp.Calibration
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	fmt.Fprintf(w, "%s: %d customers, calibration to %s, holdout to %s (%.1f weeks)\n", *in, len(cal), *calEnd, *end, split[0].DurationHoldout)
	ctx := context.Background()
	data := clv.Compress(cal)
	bg, bgRep, err := clv.FitBGNBD(ctx, data, clv.FitOptions{Unit: clv.UnitWeek})
	if err != nil {
		return err
	}
	pn, pnRep, err := clv.FitParetoNBD(ctx, data, clv.FitOptions{Unit: clv.UnitWeek})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "BG/NBD     r=%.4f alpha=%.4f a=%.4f b=%.4f       LL %.2f  BIC %.1f\n", bg.R, bg.Alpha, bg.A, bg.B, bgRep.LogLikelihood, bgRep.BIC)
	fmt.Fprintf(w, "Pareto/NBD r=%.4f alpha=%.4f s=%.4f beta=%.4f   LL %.2f  BIC %.1f\n", pn.R, pn.Alpha, pn.S, pn.Beta, pnRep.LogLikelihood, pnRep.BIC)
	for _, m := range []clv.TransactionModel{bg, pn} {
		rep, err := clv.EvaluateHoldout(m, split, clv.HoldoutOptions{})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n%s holdout: predicted %.1f, actual %.0f, MAE %.3f, RMSE %.3f, correlation %.3f\n",
			m.Name(), rep.TotalPredicted, rep.TotalActual, rep.MAE, rep.RMSE, rep.Correlation)
		for _, c := range rep.ByFrequency {
			plus := " "
			if c.AndAbove {
				plus = "+"
			}
			fmt.Fprintf(w, "  x=%d%s  %4d customers  actual %.3f  predicted %.3f\n", c.Frequency, plus, c.Customers, c.MeanActual, c.MeanPredicted)
		}
	}
	gg, ggRep, err := clv.FitGammaGamma(ctx, clv.SpendObservations(cal), clv.FitOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nGamma-Gamma p=%.4f q=%.4f gamma=%.4f on %.0f repeat buyers (%d without repeats left out)\n", gg.P, gg.Q, gg.Gamma, ggRep.N, ggRep.Excluded)
	values, err := clv.LifetimeValue(bg, gg, cal, clv.ValueOptions{Steps: 12, StepLength: 4.345, DiscountRate: 0.01})
	if err != nil {
		return err
	}
	p := clv.SummarizeValues(values)
	fmt.Fprintf(w, "12-month value (BG/NBD × Gamma-Gamma, 1%% a month): total %s, mean %s\n", p.Total.StringFixed(2), p.Mean.StringFixed(2))
	for _, v := range clv.RankByValue(values)[:5] {
		fmt.Fprintf(w, "  customer %s: %s\n", v.ID, v.Value.StringFixed(2))
	}
	// How sure are we? Both fits' parameter uncertainty, as a 90% interval.
	iv, err := clv.LifetimeValueIntervals(ctx, bg, &bgRep, gg, &ggRep, cal, nil,
		clv.ValueOptions{Steps: 12, StepLength: 4.345, DiscountRate: 0.01}, clv.IntervalOptions{Level: 0.9, Draws: 300, Seed: 1})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  90%% interval of the total from the fits' uncertainty: %.0f to %.0f\n", iv.Total.Low, iv.Total.High)
	return covariateEffects(ctx, w, cal, first)
}

// firstDay is a customer's first purchase day and what they spent on it.
type firstDay struct {
	day   int64
	spend decimal.Decimal
}

// covariateEffects fits Pareto/NBD with the size of each customer's first
// purchase as a covariate — ln(1 + first-day spend), centred — and prints
// its effects on purchasing and dropout with their standard errors.
func covariateEffects(ctx context.Context, w io.Writer, cal []clv.Summary, first map[string]firstDay) error {
	z := make([]float64, len(cal))
	mean := 0.0
	for i, s := range cal {
		z[i] = math.Log1p(first[s.ID].spend.InexactFloat64())
		mean += z[i] / float64(len(cal))
	}
	cov := clv.Covariates{Names: []string{"first_spend"}, Values: make([][]float64, len(cal))}
	data := make([]clv.Pattern, len(cal))
	for i, s := range cal {
		cov.Values[i] = []float64{z[i] - mean}
		data[i] = clv.Pattern{Frequency: s.Frequency, Recency: s.Recency, T: s.T, Weight: 1}
	}
	m, rep, err := clv.FitParetoNBDCovariates(ctx, data, cov, clv.FitOptions{Unit: clv.UnitWeek})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nPareto/NBD with ln(1 + first-day spend) as a covariate: LL %.2f\n", rep.LogLikelihood)
	for _, g := range m.Groups() {
		est, se := m.Coefficients(g)["first_spend"], rep.StdErrors[g+".first_spend"]
		fmt.Fprintf(w, "  %-8s effect %+.3f ± %.3f (z = %+.2f)\n", g, est, se, est/se)
	}
	return nil
}
