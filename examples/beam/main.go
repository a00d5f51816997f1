// Command beam runs clvkit's whole flow on Apache Beam: transaction logs in
// any number of CSV files are summarised per customer, compressed to
// weighted patterns, fitted once (BG/NBD, and Gamma-Gamma when there is an
// amount) and every customer is scored with the fitted model.
//
// Usage:
//
//	go run . -input 'DIR/*.csv' -customer COL -time COL [-amount COL] -end YYYY-MM-DD
//	    [-calibration-end YYYY-MM-DD] [-unit day|week|month] [-period day|week|month]
//	    [-time-layout LAYOUT] [-tz ZONE] [-skip-negative] [-horizon T] [-shards N] -output DIR
//	    [--runner prism|dataflow|flink|spark|... runner flags]
//
// It writes to -output:
//
//   - summaries.csv: one row per customer, the bytes clvtool summarize writes
//     on the concatenated log (split summaries with -calibration-end);
//   - model.json: the BG/NBD fit, as clvtool fit -model bgnbd prints it;
//   - spend.json (with -amount): the Gamma-Gamma fit, as clvtool fit -model gg
//     prints it;
//   - scores.csv: id,p_alive,expected_purchases for a horizon of -horizon
//     units (52 weeks by default), as clvtool predict prints them.
//
// With -shards N (default 1), summaries and scores are written as N files
// each (summaries-0000k-of-0000N.csv...) by a hash of the customer ID, each
// sorted by ID: a file is written by one worker, which holds its customers.
// With -calibration-end the models are fitted on, and score, the
// calibration summaries. The input and output may be on any file system
// Beam knows (local paths, gs://...). The runner is Prism, in process,
// unless --runner says otherwise: see the README for Dataflow and Flink.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/clvkit/clvkit/clv"
)

func main() {
	// Beam replaces the default slog logger in beam.Init; keep it to
	// warnings so that a run prints what matters.
	beamlog.LogLevel = "warn"
	cfg, err := parseFlags(flag.CommandLine, os.Args[1:])
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "beam:", err)
		}
		os.Exit(2)
	}
	beam.Init()
	if err := run(context.Background(), cfg, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "beam:", err)
		os.Exit(1)
	}
}

// parseFlags reads the command line into a checked config.
func parseFlags(fs *flag.FlagSet, args []string) (config, error) {
	var c config
	fs.StringVar(&c.Input, "input", "", "glob of the transaction log CSV files, each with a header row (required)")
	fs.StringVar(&c.Customer, "customer", "", "column holding the customer ID (required)")
	fs.StringVar(&c.Time, "time", "", "column holding the purchase time (required)")
	fs.StringVar(&c.Amount, "amount", "", "column holding the amount (optional; needed for the spend model)")
	fs.StringVar(&c.TimeLayout, "time-layout", time.DateOnly, "Go time layout of the time column (RFC 3339 is always accepted)")
	fs.StringVar(&c.Unit, "unit", "day", "unit of recency, T and the horizon: day, week (7 days) or month (30.4375 days)")
	fs.StringVar(&c.Period, "period", "day", "aggregation period: day, week (Monday-based) or month")
	fs.StringVar(&c.TZ, "tz", "UTC", "IANA time zone in which calendar days are read")
	fs.StringVar(&c.End, "end", "", "observation end, YYYY-MM-DD, inclusive (required)")
	fs.StringVar(&c.CalibrationEnd, "calibration-end", "", "calibration end, YYYY-MM-DD, inclusive (optional)")
	fs.BoolVar(&c.SkipNegative, "skip-negative", false, "drop rows with a negative amount (refunds) instead of failing")
	horizon := fs.Float64("horizon", math.NaN(), "horizon of expected_purchases in -unit (default: 52 weeks)")
	fs.StringVar(&c.Output, "output", "", "directory to write summaries.csv, model.json, spend.json and scores.csv to (required)")
	fs.IntVar(&c.Shards, "shards", 1, "files to write summaries and scores in, by a hash of the customer ID (each sorted by ID and written by one worker)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, req := range []struct{ name, v string }{{"input", c.Input}, {"customer", c.Customer}, {"time", c.Time}, {"end", c.End}, {"output", c.Output}} {
		if req.v == "" {
			return config{}, fmt.Errorf("-%s is required", req.name)
		}
	}
	c.Horizon = *horizon
	if math.IsNaN(c.Horizon) {
		u, err := clv.ParseUnit(c.Unit)
		if err != nil {
			return config{}, fmt.Errorf("-unit: %w", err)
		}
		c.Horizon = 52 * 7 / u.Days()
	}
	if _, _, err := c.options(); err != nil {
		return config{}, err
	}
	return c, nil
}

// run builds the pipeline, runs it on the runner --runner names (Prism by
// default) and reports its counters on stderr as clvtool summarize does.
func run(ctx context.Context, cfg config, stderr io.Writer) error {
	if !strings.Contains(cfg.Output, "://") {
		if err := os.MkdirAll(cfg.Output, 0o755); err != nil {
			return err
		}
	}
	p, s := beam.NewPipelineWithRoot()
	if _, err := buildPipeline(s, cfg); err != nil {
		return err
	}
	res, err := beamx.RunWithMetrics(ctx, p)
	if err != nil {
		return err
	}
	if res != nil {
		reportCounters(res.Metrics(), cfg, stderr)
	}
	return nil
}
