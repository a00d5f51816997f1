// Command pesca plans "what comes next, when and where" for a customer of
// each of three businesses — financial services, a school and a
// donut shop — across the five P.E.S.C.A. perspectives.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/lifecycle"
	"github.com/clvkit/clvkit/pesca"
	"github.com/shopspring/decimal"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pesca:", err)
		os.Exit(1)
	}
}

func bought(id, day, product, channel string, amount int64) clv.Purchase {
	t, _ := time.Parse(time.DateOnly, day)
	return clv.Purchase{Transaction: clv.Transaction{Customer: id, Time: t, Amount: decimal.NewFromInt(amount)}, Product: product, Channel: channel}
}

func run(w io.Writer) error {
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	customers := map[string]pesca.Profile{
		"financial services": {ID: "maria", Phase: lifecycle.Active, CategorySpend: decimal.NewFromInt(5000), Purchases: []clv.Purchase{
			bought("maria", "2025-06-01", "current account", "branch", 0), bought("maria", "2026-02-10", "mortgage", "branch", 1200)}},
		"school": {ID: "the Lopez family", Phase: lifecycle.Newcomer, Purchases: []clv.Purchase{
			bought("the Lopez family", "2026-02-20", "enrolment", "open day", 900)}},
		"donut shop": {ID: "tom", Phase: lifecycle.Active, CategorySpend: decimal.NewFromInt(400), Purchases: []clv.Purchase{
			bought("tom", "2026-01-05", "glazed", "store", 3), bought("tom", "2026-02-27", "coffee", "app", 4)}},
	}
	for _, b := range catalogues() {
		c := customers[b.Name]
		plan, err := pesca.Planner{Initiatives: b.Initiatives, Horizon: 365}.Plan(c, asOf)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s — %s, as of %s\n", b.Name, c.ID, asOf.Format(time.DateOnly))
		for _, s := range plan.Steps {
			until := ""
			if !s.Until.IsZero() {
				until = " until " + s.Until.Format(time.DateOnly)
			}
			fmt.Fprintf(w, "  %s%s  %-10s %-36s via %-8s EV %6s  (%s)\n", s.When.Format(time.DateOnly), until, s.Initiative.Perspective,
				s.Initiative.Name, s.Channel, s.ExpectedValue.StringFixed(2), s.Initiative.Owner)
		}
		if len(plan.Missing) > 0 {
			fmt.Fprintf(w, "  nothing planned for: %v\n", plan.Missing)
		}
		if plan.ShareOfWallet >= 0 {
			fmt.Fprintf(w, "  share of wallet: %.1f%%\n", 100*plan.ShareOfWallet)
		}
		for _, s := range plan.Skipped {
			f := s.Reason.Facts[len(s.Reason.Facts)-1]
			fmt.Fprintf(w, "  skipped %-36s (%s = %s, wanted %s)\n", s.Initiative.Name, f.Name, f.Value, f.Test())
		}
		fmt.Fprintln(w)
	}
	return nil
}
