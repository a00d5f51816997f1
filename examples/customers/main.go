// Command customers reads a transaction log and writes one row per customer:
// what they are worth, whether they are still alive, where they are in their
// life with us and what to offer them next — the whole SDK in one table.
//
// Usage:
//
//	go run ./examples/customers -in LOG.csv -customer COL -time COL -amount COL -end YYYY-MM-DD
//	    [-product COL] [-channel COL] [-unit day|week|month] [-tz ZONE] [-out FILE]
//
// It fits BG/NBD and Gamma-Gamma on the log itself (printing both, with their
// unit, to standard error) and writes, as CSV to -out or standard output:
//
//	id,frequency,recency,T,p_alive,expected_purchases,expected_spend,clv,phase,segment,rung,next_offer,next_step
//
// expected_purchases is over the next 365 days, clv over the next 12 mean
// months at 1% a month, money to the cent. Rungs come from a three-rung
// ladder on purchase days in the last year, offers from a small catalogue
// (win-back, upgrade, cross-sell, retention) and next steps from one
// initiative per P.E.S.C.A. perspective; edit them below for your business.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/clvkit/clvkit"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/examples/internal/playbook"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "customers:", err)
		}
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("customers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "transaction log CSV with a header row (required)")
	cust := fs.String("customer", "customer_id", "column of the customer ID")
	tcol := fs.String("time", "date", "column of the purchase time (YYYY-MM-DD or RFC 3339)")
	amount := fs.String("amount", "amount", "column of the amount")
	product := fs.String("product", "", "column of the product (optional)")
	channel := fs.String("channel", "", "column of the channel (optional)")
	end := fs.String("end", "", "observation end, YYYY-MM-DD, inclusive (required)")
	unit := fs.String("unit", "week", "unit of the summaries and models: day, week or month")
	tz := fs.String("tz", "UTC", "IANA time zone in which purchases fall on days")
	out := fs.String("out", "", "output CSV (default standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *end == "" {
		return errors.New("-in and -end are required")
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("-tz: %w", err)
	}
	u, err := clv.ParseUnit(*unit)
	if err != nil {
		return fmt.Errorf("-unit: %w", err)
	}
	endDay, err := time.ParseInLocation(time.DateOnly, *end, loc)
	if err != nil {
		return fmt.Errorf("-end: %w", err)
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := clv.NewCSVReader(bufio.NewReaderSize(f, 1<<20), clv.CSVOptions{
		Customer: *cust, Time: *tcol, Amount: *amount, Product: *product, Channel: *channel, Location: loc,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	opts, err := playbook.Options(endDay, loc, u)
	if err != nil {
		return err
	}
	base, err := clvkit.Build(context.Background(), r.Purchases(), opts)
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	for _, m := range []clv.Model{base.Purchase, base.Spend.(clv.Model)} {
		b, _ := clv.MarshalModel(m, nil)
		fmt.Fprintf(stderr, "customers: model %s\n", b)
	}
	for _, n := range base.Notes {
		fmt.Fprintln(stderr, "customers:", n)
	}
	fmt.Fprintf(stderr, "customers: %d customers, %d purchases after -end ignored\n", len(base.Customers), base.Ignored)

	var w io.Writer = stdout
	if *out != "" {
		of, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer of.Close()
		w = of
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "frequency", "recency", "T", "p_alive", "expected_purchases", "expected_spend", "clv",
		"phase", "segment", "rung", "next_offer", "next_step"})
	rungs := opts.Ladder.Rungs()
	for _, c := range base.Customers {
		offer, step := "", ""
		if len(c.Offers) > 0 {
			offer = c.Offers[0].Offer.ID
		}
		if len(c.Plan.Steps) > 0 {
			step = c.Plan.Steps[0].Initiative.ID
		}
		_ = cw.Write([]string{c.ID, strconv.Itoa(c.Summary.Frequency), ftoa(c.Summary.Recency), ftoa(c.Summary.T),
			ftoa(c.ProbabilityAlive), ftoa(c.ExpectedPurchases), c.ExpectedSpend.StringFixed(2), c.Value.StringFixed(2),
			c.Phase.String(), c.Segment, rungs[c.Rung].Name, offer, step})
	}
	cw.Flush()
	return cw.Error()
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
