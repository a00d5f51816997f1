package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/clvkit/clvkit/clv"
)

// fitCmd: clvtool fit -model bgnbd|mbgnbd|pnbd -in FILE [-penalty X]
func fitCmd(args []string, out *bufio.Writer) error {
	fs := flag.NewFlagSet("fit", flag.ContinueOnError)
	model := fs.String("model", "", "model: bgnbd, mbgnbd or pnbd")
	in := fs.String("in", "", "summary CSV: id,frequency,recency,T[,weight] (- for standard input)")
	penalty := fs.Float64("penalty", 0, "L2 penalty on the parameters (lifetimes' penalizer_coef)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := openInput(*in)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	defer f.Close()
	rows, err := readSummaries(f, false)
	if err != nil {
		return fmt.Errorf("fit: %s: %w", *in, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := clv.FitOptions{Penalty: *penalty}
	data := patterns(rows)
	var m clv.TransactionModel
	var rep clv.FitReport
	switch *model {
	case "bgnbd":
		m, rep, err = clv.FitBGNBD(ctx, data, opts)
	case "mbgnbd":
		m, rep, err = clv.FitMBGNBD(ctx, data, opts)
	case "pnbd":
		m, rep, err = clv.FitParetoNBD(ctx, data, opts)
	default:
		return fmt.Errorf("fit: -model %q: want bgnbd, mbgnbd or pnbd", *model)
	}
	var ce *clv.ConvergenceError
	if err != nil && !errors.As(err, &ce) {
		return fmt.Errorf("fit: %w", err)
	}
	b, merr := clv.MarshalModel(m, &rep)
	if merr != nil {
		return fmt.Errorf("fit: %w", merr)
	}
	out.Write(b)
	out.WriteByte('\n')
	if ce != nil {
		// The best point is printed (converged: false) and the exit status says it failed.
		out.Flush()
		return fmt.Errorf("fit: %w", err)
	}
	return nil
}
