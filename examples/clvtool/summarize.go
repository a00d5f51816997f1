package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/shopspring/decimal"
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
	w := csv.NewWriter(out)
	money := *amount != ""
	if *calEnd == "" {
		header := []string{"id", "frequency", "recency", "T"}
		if money {
			header = append(header, "monetary_value")
		}
		_ = w.Write(header)
		var row []string
		for _, c := range s.Summaries() {
			row = append(row[:0], c.ID, strconv.Itoa(c.Frequency), ftoa(c.Recency), ftoa(c.T))
			if money {
				row = append(row, decimalString(c.MonetaryValue))
			}
			_ = w.Write(row)
		}
	} else {
		header := []string{"id", "frequency_cal", "recency_cal", "T_cal"}
		if money {
			header = append(header, "monetary_value_cal")
		}
		header = append(header, "frequency_holdout")
		if money {
			header = append(header, "monetary_value_holdout")
		}
		header = append(header, "duration_holdout")
		_ = w.Write(header)
		split, err := s.Split()
		if err != nil {
			return fmt.Errorf("summarize: %w", err)
		}
		var row []string
		for _, c := range split {
			row = append(row[:0], c.Calibration.ID, strconv.Itoa(c.Calibration.Frequency), ftoa(c.Calibration.Recency), ftoa(c.Calibration.T))
			if money {
				row = append(row, decimalString(c.Calibration.MonetaryValue))
			}
			row = append(row, strconv.Itoa(c.FrequencyHoldout))
			if money {
				row = append(row, decimalString(c.MonetaryValueHoldout))
			}
			row = append(row, ftoa(c.DurationHoldout))
			_ = w.Write(row)
		}
	}
	w.Flush()
	return w.Error()
}

// ftoa formats v with the fewest digits that read back as exactly v.
func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// decimalString is d.String() — the means of money summaries print, with
// trailing zeros trimmed — written from an int64 coefficient when it has
// one, which a mean of MonetaryScale places nearly always has, instead of
// through math/big.
func decimalString(d decimal.Decimal) string {
	scale := -int(d.Exponent())
	if scale < 0 || scale > 18 || d.NumDigits() > 18 {
		return d.String()
	}
	c := d.CoefficientInt64()
	var buf [48]byte
	b := buf[:0]
	if c < 0 {
		b, c = append(b, '-'), -c
	}
	var digits [20]byte
	ds := strconv.AppendInt(digits[:0], c, 10)
	zeros := scale - len(ds) // after the point, before the digits
	if zeros < 0 {
		b = append(b, ds[:-zeros]...)
		ds, zeros = ds[-zeros:], 0
	} else {
		b = append(b, '0')
	}
	if frac := bytes.TrimRight(ds, "0"); len(frac) > 0 {
		b = append(b, '.')
		for range zeros {
			b = append(b, '0')
		}
		b = append(b, frac...)
	}
	return string(b)
}
