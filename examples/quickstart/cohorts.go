package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/lifecycle"
)

// cohorts prints the cohort report by acquisition month and the pooled
// retention curve as a chart of bars. The log is counted in two shards
// merged, as a service counting a log in parallel would; monthlySpend, when
// positive, is the marketing spend assumed for every month in which
// customers were acquired, for LTV:CAC.
func cohorts(w io.Writer, log []clv.Purchase, end time.Time, monthlySpend decimal.Decimal) error {
	opts := lifecycle.CohortOptions{End: end, Margin: 0.3}
	shards := [2]*lifecycle.CohortBuilder{}
	for i := range shards {
		b, err := lifecycle.NewCohortBuilder(opts)
		if err != nil {
			return err
		}
		shards[i] = b
	}
	for i, p := range log {
		if err := shards[i%2].AddPurchase(p); err != nil {
			return err
		}
	}
	if err := shards[0].Merge(shards[1]); err != nil {
		return err
	}
	r, err := shards[0].Report(nil)
	if err != nil {
		return err
	}
	if monthlySpend.Sign() > 0 {
		spend := map[lifecycle.Month]decimal.Decimal{}
		for _, c := range r.Cohorts {
			spend[c.Month] = monthlySpend
		}
		if r, err = shards[0].Report(spend); err != nil {
			return err
		}
		fmt.Fprintf(w, "value at a 30%% margin; acquisition spend assumed %s a month\n", monthlySpend)
	}
	ages := []int{1, 3, 6, 12}
	fmt.Fprintf(w, "%-8s %9s", "cohort", "customers")
	for _, a := range ages {
		fmt.Fprintf(w, " %6s", fmt.Sprintf("m%d", a))
	}
	fmt.Fprintf(w, " %10s %12s %9s\n", "repeat@12", "value@12", "LTV:CAC@12")
	for _, c := range r.Cohorts {
		fmt.Fprintf(w, "%-8s %9d", c.Month, c.Customers)
		for _, a := range ages {
			if a < len(c.Periods) {
				fmt.Fprintf(w, " %5.1f%%", 100*c.Periods[a].Retention)
			} else {
				fmt.Fprintf(w, " %6s", "-")
			}
		}
		if len(c.Periods) > 12 {
			p := c.Periods[12]
			ratio := "-"
			if c.HasSpend {
				ratio = fmt.Sprintf("%.2f", p.LTVToCAC)
			}
			fmt.Fprintf(w, " %9.1f%% %12s %9s\n", 100*p.RepeatRate, p.ValuePerCustomer.StringFixed(2), ratio)
		} else {
			fmt.Fprintf(w, " %10s %12s %9s\n", "-", "-", "-")
		}
	}
	fmt.Fprintln(w, "\nretention by months since first purchase (all cohorts pooled; the end month is partial):")
	retentionChart(w, r.RetentionCurve(), 40)
	return nil
}

// retentionChart draws the curve as one row of bars per month since
// acquisition, width characters for 100%.
func retentionChart(w io.Writer, curve []lifecycle.RetentionPoint, width int) {
	for _, p := range curve {
		n := int(math.Round(p.Retention * float64(width)))
		fmt.Fprintf(w, "  m%-3d %s%s %5.1f%%  (%d customers, %d cohorts)\n",
			p.Age, strings.Repeat("█", n), strings.Repeat(" ", width-n), 100*p.Retention, p.Customers, p.Cohorts)
	}
}
