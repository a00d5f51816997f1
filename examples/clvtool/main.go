// Command clvtool runs the clvkit models from the command line, for analysts
// and for checking the SDK against other tools.
//
// Usage:
//
//	clvtool summarize -in FILE -customer COL -time COL [-amount COL] [-time-layout LAYOUT]
//	                  [-unit day|week|month] [-period day|week|month] [-tz ZONE]
//	                  -end YYYY-MM-DD [-calibration-end YYYY-MM-DD]
//
//	clvtool fit -model bgnbd|mbgnbd|pnbd|bgbb|sbg|gg -in FILE [-penalty X] [-unit day|week|month]
//	            [-covariates COL,COL... [-covariate-penalty X]]
//	clvtool predict [-model M] -params FIT.json -in FILE -horizon t
//	                [-interval LEVEL [-draws N] [-seed S]]
//	clvtool value [-model M] -params FIT.json -spend GG.json -in FILE -steps N
//	              -step-length L -discount d [-margin m] [-interval LEVEL [-draws N] [-seed S]]
//
// summarize writes per-customer summaries as CSV to standard output:
// id,frequency,recency,T[,monetary_value], or with -calibration-end
// id,frequency_cal,recency_cal,T_cal,[monetary_value_cal,]frequency_holdout,
// [monetary_value_holdout,]duration_holdout.
//
// fit reads, by model: bgnbd, mbgnbd, pnbd: id,frequency,recency,T with an
// optional weight column; bgbb: frequency,recency,n_periods with optional
// weight and id; sbg: period,alive (survivors at the start of consecutive
// periods from 0, the cohort size); gg: frequency,monetary_value (other
// columns ignored; customers with frequency 0 are left out and counted as
// "excluded"). It prints one JSON object: the model, its parameters and the
// fit report (log_likelihood, n, converged, iterations, std_errors, aic,
// bic).
// A fit that does not converge, or that ends at a boundary estimate (a
// parameter running to the edge of its domain, a flat likelihood, a
// parameter the data cannot identify: see "boundary" in the report), prints
// nothing, explains on standard error and exits non-zero. With
// -allow-boundary a boundary fit is printed (converged false, "boundary"
// saying why) with a warning on standard error, and the exit status is 0.
//
// fit -covariates (bgnbd and pnbd) reads those numeric columns beside the
// summaries — time-invariant covariates such as the acquisition channel
// (one 0/1 column per level but one) or the size of the first purchase —
// and fits their effects on the purchase and dropout processes jointly with
// the model (R's CLVTools parameterisation). The JSON then holds the
// coefficients by group and covariate under "covariates" ("purchase" and
// "dropout" for pnbd; "purchase", "a" and "b" for bgnbd), their order under
// "covariate_order", and their standard errors in "std_errors" as
// "group.covariate". predict and value read the same columns from -in for
// such a model.
//
// Every fit also prints "covariance" (rows and columns named by
// "covariance_of"): the asymptotic covariance of the estimates. predict and
// value -interval LEVEL read it and add columns p_alive_low, p_alive_high,
// expected_purchases_low, expected_purchases_high (predict) or clv_low,
// clv_high (value): the central LEVEL of each quantity over -draws draws of
// the parameters from that distribution (seeded by -seed, so reproducible);
// the portfolio total's interval is written to standard error.
//
// fit records -unit (default day), the unit of recency and T in its input,
// in the model's JSON ("unit"); predict and value read their summaries in
// the model's unit.
//
// predict reads such a JSON object (only "model" and "params" are needed)
// and summaries, and prints id,p_alive,expected_purchases: P(alive) at T and
// the expected purchases in (T, T+t], one row per input row in input order.
// For bgbb the horizon is a whole number of opportunities and ids default to
// the row index.
//
// value prints id,expected_spend,clv, where clv = margin × Σ_{i=1..N} spend ×
// (E[X(i·L)] − E[X((i−1)·L)] | history)/(1+d)^i and spend is the
// Gamma-Gamma conditional expected spend; money is printed to the cent
// (rounded half to even).
//
// Numbers are printed with as many digits as it takes to read them back
// exactly. Nothing is written to standard output unless the whole command
// succeeds: errors name the row and go to standard error, and the exit
// status is then non-zero. Numeric fields longer than 64 characters are
// errors, and values echoed in errors are cut to 40 characters.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

const usage = `usage: clvtool COMMAND [flags]

commands:
  summarize   transaction log -> per-customer summaries (CSV)
  fit         summaries -> model parameters and fit report (JSON)
  predict     model + summaries -> P(alive) and expected purchases (CSV)
  value       model + spend model + summaries -> lifetime value in money (CSV)

run 'clvtool COMMAND -h' for the flags of a command`

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "summarize" || os.Args[1] == "fit") {
		collectLess()
	}
	if err := runWith(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "clvtool:", err)
		}
		os.Exit(2)
	}
}

// run executes one command, writing its result to stdout and warnings to
// standard error.
func run(args []string, stdout io.Writer) error { return runWith(args, stdout, os.Stderr) }

// runWith executes one command. Its output is kept in memory and written to
// stdout only when the whole command succeeds, so a failure never leaves a
// partial table (a header, half the rows) behind.
func runWith(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	var buf chunkBuffer
	w := bufio.NewWriterSize(&buf, 1<<16)
	var err error
	switch args[0] {
	case "summarize":
		err = summarize(args[1:], w, stderr)
	case "fit":
		err = fitCmd(args[1:], w, stderr)
	case "predict":
		err = predictCmd(args[1:], w, stderr)
	case "value":
		err = valueCmd(args[1:], w, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stderr, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err = buf.WriteTo(stdout)
	return err
}

// chunkBuffer holds a command's output until the command succeeds, in
// chunks of 1 MiB: unlike a bytes.Buffer it never copies what it holds to
// grow (a summary table runs to tens of megabytes).
type chunkBuffer struct{ chunks [][]byte }

func (b *chunkBuffer) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if len(b.chunks) == 0 || len(b.chunks[len(b.chunks)-1]) == 1<<20 {
			b.chunks = append(b.chunks, make([]byte, 0, 1<<20))
		}
		last := &b.chunks[len(b.chunks)-1]
		k := min(len(p), 1<<20-len(*last))
		*last, p = append(*last, p[:k]...), p[k:]
	}
	return n, nil
}

// WriteTo writes what b holds to w.
func (b *chunkBuffer) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, c := range b.chunks {
		k, err := w.Write(c)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// collectLess makes the garbage collector run when the heap has grown by
// twice the live data rather than once, unless GOGC is set. summarize and
// fit keep most of what they allocate to the end (every customer's state;
// the patterns and the fit's tables), so each collection marks nearly all
// of the heap for little garbage: collecting half as often saves about a
// tenth of the time, and memory stays proportional to the customers or the
// patterns. main sets it for the process, before those commands, not the
// commands themselves, so that tests running commands side by side leave
// the collector alone.
func collectLess() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
}

// openInput opens the -in file, or standard input for "-".
func openInput(path string) (io.ReadCloser, error) {
	if path == "" {
		return nil, errors.New("-in FILE is required")
	}
	if path == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	return os.Open(path)
}
