// Command hotel works through a hotel's business traveller: two stays a
// month at $300 is $7,200 a year and $36,000 over five years before any
// development strategy — and what that figure becomes once retention,
// discounting and the cost of acquiring the guest are counted.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/clvkit/clvkit/lifecycle"
	"github.com/shopspring/decimal"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hotel:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	stay := decimal.NewFromInt(300)
	year, err := lifecycle.UndiscountedValue(stay, 24, 1)
	if err != nil {
		return err
	}
	five, err := lifecycle.UndiscountedValue(stay, 24, 5)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "A guest staying twice a month at $%s: $%s a year, $%s over five years.\n", stay, year, five)

	// The same guest, retained 80% a year, margin 40% of revenue, 10% discount.
	margin := year.Mul(decimal.NewFromFloat(0.4))
	fmt.Fprintf(w, "\nWith a 40%% margin ($%s a year), 80%% yearly retention and a 10%% discount rate:\n", margin)
	for _, t := range []lifecycle.Timing{lifecycle.PaidAtStart, lifecycle.PaidAtStartFirstExcluded, lifecycle.PaidAtEnd} {
		v, err := lifecycle.RetentionValue(margin, 0.8, 0.1, t)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-38s $%s\n", t.String()+":", v)
	}
	mm, err := lifecycle.MarginMultiple(0.8, 0.1)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  margin multiple r/(1+i-r) = %.2f\n", mm)

	// Acquisition channels (the rule of thumb: LTV at least 3x CAC).
	ltv, _ := lifecycle.RetentionValue(margin, 0.8, 0.1, lifecycle.PaidAtStart)
	perMonth := margin.Div(decimal.NewFromInt(12)).Round(2)
	ue, err := lifecycle.LTVToCAC([]lifecycle.Acquisition{
		{Name: "corporate agreement", LTV: ltv, CAC: decimal.NewFromInt(900), MarginPerPeriod: perMonth},
		{Name: "online travel agency", LTV: ltv, CAC: decimal.NewFromInt(4000), MarginPerPeriod: perMonth},
	}, lifecycle.LTVToCACOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nAcquisition channels (threshold LTV:CAC >= 3):")
	for _, u := range ue {
		verdict := "below 3:1 — rethink this channel"
		if u.Healthy {
			verdict = "healthy"
		}
		fmt.Fprintf(w, "  %-22s LTV:CAC %.2f, payback %.1f months: %s\n", u.Name, u.Ratio, u.PaybackPeriods, verdict)
	}
	return nil
}
