package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/clvkit/clvkit/clv"
)

// fitCmd: clvtool fit -model bgnbd|mbgnbd|pnbd|bgbb|sbg|gg -in FILE [-penalty X] [-allow-boundary]
// [-covariates COL,COL [-covariate-penalty X]]
func fitCmd(args []string, out *bufio.Writer, stderr io.Writer) error {
	fs := flag.NewFlagSet("fit", flag.ContinueOnError)
	model := fs.String("model", "", "model: bgnbd, mbgnbd, pnbd, bgbb, sbg or gg")
	in := fs.String("in", "", "input CSV (- for standard input); columns depend on the model, see 'clvtool help'")
	penalty := fs.Float64("penalty", 0, "L2 penalty on the parameters (lifetimes' penalizer_coef)")
	unit := fs.String("unit", "day", "time unit of recency and T in the input (day, week or month), recorded in the model (bgnbd, mbgnbd, pnbd)")
	allowBoundary := fs.Bool("allow-boundary", false, "print a fit that ends at a boundary estimate (with a warning) instead of failing")
	covariates := fs.String("covariates", "", "comma-separated numeric columns of -in: time-invariant covariates of the purchase and dropout processes (bgnbd, pnbd)")
	covPenalty := fs.Float64("covariate-penalty", 0, "L2 penalty on the covariate coefficients")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := openInput(*in)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	defer f.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	u, err := clv.ParseUnit(*unit)
	if err != nil {
		return fmt.Errorf("fit: -unit: %w", err)
	}
	var cov []string
	if *covariates != "" {
		for _, c := range strings.Split(*covariates, ",") {
			cov = append(cov, strings.TrimSpace(c))
		}
		if *model != "bgnbd" && *model != "pnbd" {
			return fmt.Errorf("fit: -covariates is for -model bgnbd or pnbd, not %q", *model)
		}
	}
	if *covPenalty != 0 && cov == nil {
		return fmt.Errorf("fit: -covariate-penalty needs -covariates")
	}
	opts := clv.FitOptions{Penalty: *penalty, Unit: u, CovariatePenalty: *covPenalty}
	var m clv.Model
	var rep clv.FitReport
	if cov != nil {
		m, rep, err = fitCovariates(ctx, *model, f, cov, opts)
	} else {
		m, rep, err = fitModel(ctx, *model, f, opts)
	}
	if err != nil {
		if !*allowBoundary || !errors.Is(err, clv.ErrBoundary) {
			if errors.Is(err, clv.ErrBoundary) {
				return fmt.Errorf("fit: %s: %w (rerun with -allow-boundary to print it anyway)", *in, err)
			}
			return fmt.Errorf("fit: %s: %w", *in, err)
		}
		fmt.Fprintf(stderr, "clvtool: warning: fit: %s: boundary estimate printed because of -allow-boundary: %s\n", *in, rep.Boundary)
	}
	b, err := clv.MarshalModel(m, &rep)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	out.Write(b)
	out.WriteByte('\n')
	return nil
}

func fitModel(ctx context.Context, model string, r io.Reader, opts clv.FitOptions) (clv.Model, clv.FitReport, error) {
	switch model {
	case "bgnbd", "mbgnbd", "pnbd":
		data, err := readPatterns(r)
		if err != nil {
			return nil, clv.FitReport{}, err
		}
		switch model {
		case "bgnbd":
			return wrap(clv.FitBGNBD(ctx, data, opts))
		case "mbgnbd":
			return wrap(clv.FitMBGNBD(ctx, data, opts))
		default:
			return wrap(clv.FitParetoNBD(ctx, data, opts))
		}
	case "bgbb":
		ps, _, err := readBGBB(r)
		if err != nil {
			return nil, clv.FitReport{}, err
		}
		return wrap(clv.FitBGBB(ctx, ps, opts))
	case "sbg":
		obs, err := readCohort(r)
		if err != nil {
			return nil, clv.FitReport{}, err
		}
		return wrap(clv.FitSBG(ctx, obs, opts))
	case "gg":
		obs, err := readSpend(r)
		if err != nil {
			return nil, clv.FitReport{}, err
		}
		return wrap(clv.FitGammaGamma(ctx, obs, opts))
	}
	if _, err := clv.Describe(model); err != nil {
		return nil, clv.FitReport{}, fmt.Errorf("-model: %w", err)
	}
	return nil, clv.FitReport{}, fmt.Errorf("-model %q: clvtool cannot fit it yet", model)
}

// fitCovariates fits bgnbd or pnbd with the covariate columns cov of r.
func fitCovariates(ctx context.Context, model string, r io.Reader, cov []string, opts clv.FitOptions) (clv.Model, clv.FitReport, error) {
	if err := (clv.Covariates{Names: cov}).Validate(); err != nil {
		return nil, clv.FitReport{}, fmt.Errorf("-covariates: %w", err)
	}
	rows, err := readSummaries(r, false, cov)
	if err != nil {
		return nil, clv.FitReport{}, err
	}
	ps := make([]clv.Pattern, len(rows))
	for i, row := range rows {
		ps[i] = clv.Pattern{Frequency: row.s.Frequency, Recency: row.s.Recency, T: row.s.T, Weight: row.weight}
	}
	z := covariatesOf(cov, rows)
	if model == "pnbd" {
		return wrap(clv.FitParetoNBDCovariates(ctx, ps, z, opts))
	}
	return wrap(clv.FitBGNBDCovariates(ctx, ps, z, opts))
}

// wrap widens a concrete model to clv.Model, keeping a nil model nil.
func wrap[M clv.Model](m M, rep clv.FitReport, err error) (clv.Model, clv.FitReport, error) {
	if err != nil {
		var ce *clv.ConvergenceError
		if !errors.As(err, &ce) {
			return nil, rep, err
		}
	}
	return m, rep, err
}
