package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/clvkit/clvkit/clv"
)

func summarize(args []string, out *bufio.Writer, stderr io.Writer) error {
	fs := flag.NewFlagSet("summarize", flag.ContinueOnError)
	in := fs.String("in", "", "transaction log CSV with a header row (- for standard input)")
	cust := fs.String("customer", "", "column holding the customer ID")
	tcol := fs.String("time", "", "column holding the purchase time")
	amount := fs.String("amount", "", "column holding the amount (optional)")
	layout := fs.String("time-layout", time.DateOnly, "Go time layout of the time column (RFC 3339 is always accepted)")
	unit := fs.String("unit", "day", "unit of recency and T: day, week (7 days) or month (30.4375 days)")
	period := fs.String("period", "day", "aggregation period: day, week (Monday-based) or month")
	tz := fs.String("tz", "UTC", "IANA time zone in which calendar days are read")
	end := fs.String("end", "", "observation end, YYYY-MM-DD, inclusive (required)")
	calEnd := fs.String("calibration-end", "", "calibration end, YYYY-MM-DD, inclusive (optional)")
	skipNeg := fs.Bool("skip-negative", false, "drop rows with a negative amount (refunds) instead of failing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("summarize: unexpected argument %q", fs.Arg(0))
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("summarize: -tz: %w", err)
	}
	opts := clv.SummaryOptions{Location: loc}
	if opts.Unit, err = clv.ParseUnit(*unit); err != nil {
		return fmt.Errorf("summarize: -unit: %w", err)
	}
	if opts.Period, err = clv.ParsePeriod(*period); err != nil {
		return fmt.Errorf("summarize: -period: %w", err)
	}
	if *end == "" {
		return fmt.Errorf("summarize: -end YYYY-MM-DD is required")
	}
	if opts.End, err = time.ParseInLocation(time.DateOnly, *end, loc); err != nil {
		return fmt.Errorf("summarize: -end: %w", err)
	}
	if *calEnd != "" {
		if opts.CalibrationEnd, err = time.ParseInLocation(time.DateOnly, *calEnd, loc); err != nil {
			return fmt.Errorf("summarize: -calibration-end: %w", err)
		}
	}
	s, err := clv.NewSummarizer(opts)
	if err != nil {
		return fmt.Errorf("summarize: %w", err)
	}
	f, err := openInput(*in)
	if err != nil {
		return fmt.Errorf("summarize: %w", err)
	}
	defer f.Close()
	r, err := clv.NewCSVReader(f, clv.CSVOptions{
		Customer: *cust, Time: *tcol, Amount: *amount, TimeLayout: *layout, Location: loc, SkipNegative: *skipNeg,
	})
	if err != nil {
		return fmt.Errorf("summarize: %s: %w", *in, err)
	}
	if err := s.AddCSV(r); err != nil {
		return fmt.Errorf("summarize: %s: %w", *in, err)
	}
	if s.Len() == 0 {
		if s.Ignored() == 0 {
			return fmt.Errorf("summarize: %s: %w: no transactions", *in, clv.ErrNoData)
		}
		return fmt.Errorf("summarize: %s: %w: all %d transactions are after -end %s", *in, clv.ErrNoData, s.Ignored(), *end)
	}
	if n := s.Ignored(); n > 0 {
		fmt.Fprintf(stderr, "clvtool: summarize: ignored %d transactions after -end %s (%d customers bought only after it)\n", n, *end, s.IgnoredCustomers())
	}
	if n := r.Skipped(); n > 0 {
		fmt.Fprintf(stderr, "clvtool: summarize: skipped %d rows with a negative amount (-skip-negative)\n", n)
	}
	money := *amount != ""
	if *calEnd == "" {
		return clv.WriteSummariesCSV(out, slices.Values(s.Summaries()), money)
	}
	split, err := s.Split()
	if err != nil {
		return fmt.Errorf("summarize: %w", err)
	}
	return clv.WriteSplitSummariesCSV(out, slices.Values(split), money)
}
