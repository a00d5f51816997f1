// Command hotel works through a hotel's business traveller: two stays a
// month at $300 is $7,200 a year and $36,000 over five years before any
// development strategy — and what that figure becomes once retention,
// discounting and the cost of acquiring the guest are counted. It ends
// with the hotel's loyalty scheme on a points ledger: points per night,
// expiry a year after the stay, free nights redeemed, and what the
// outstanding points cost the hotel.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/ladder"
	"github.com/clvkit/clvkit/lifecycle"
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
	return loyalty(w)
}

// The loyalty scheme: 1,000 points a night; 10,000 points buy a free night,
// which costs the hotel $90 to serve, so a point is worth $0.009 to it;
// points expire 12 months after the stay that earned them.
const (
	pointsPerNight = 1000
	freeNight      = 10 * pointsPerNight
)

var valuePerPoint = decimal.RequireFromString("0.009")

// stay is a guest's stay: the points it earns are an Earn event whose ID is
// the booking's, so a booking posted twice earns once.
func stay(booking, guest string, checkIn time.Time, nights int) ladder.PointsEvent {
	return ladder.PointsEvent{ID: booking, Customer: guest, Time: checkIn, Kind: ladder.Earn, Points: int64(nights) * pointsPerNight,
		Reason: fmt.Sprintf("%d night(s)", nights)}
}

func loyalty(w io.Writer) error {
	l, err := ladder.NewLedger(ladder.LedgerOptions{ExpiryMonths: 12})
	if err != nil {
		return err
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 15, 0, 0, 0, time.UTC) }
	// The business traveller: one night on the 1st and the 15th of every
	// month of 2025. A leisure guest: three nights in March, then nothing.
	var events []ladder.PointsEvent
	for m := time.January; m <= time.December; m++ {
		for _, d := range []int{1, 15} {
			events = append(events, stay(fmt.Sprintf("bk-2025-%02d-%02d", m, d), "traveller", day(2025, m, d), 1))
		}
	}
	events = append(events, stay("bk-2025-03-10-L", "leisure", day(2025, 3, 10), 3))
	if err := l.Post(events...); err != nil {
		return err
	}
	if err := l.Post(events[0]); err != nil { // the channel manager resends a booking
		return err
	}
	jan, err := l.Balance("traveller", day(2025, 1, 31))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nLoyalty scheme: %d points a night, a free night for %d points (costing the hotel $%s), points expire 12 months after the stay.\n",
		pointsPerNight, freeNight, valuePerPoint.Mul(decimal.NewFromInt(freeNight)).StringFixed(0))
	fmt.Fprintf(w, "  booking %s was sent twice and earned once: %d points by 2025-01-31\n", events[0].ID, jan)
	redeem := func(id string, at time.Time) {
		err := l.Post(ladder.PointsEvent{ID: id, Customer: "traveller", Time: at, Kind: ladder.Redeem, Points: freeNight, Reason: "free night"})
		b, _ := l.Balance("traveller", at)
		switch {
		case err == nil:
			fmt.Fprintf(w, "  %s: the traveller redeems a free night; %d points left\n", at.Format(time.DateOnly), b)
		case errors.Is(err, ladder.ErrInsufficientPoints):
			fmt.Fprintf(w, "  %s: a second free night is refused: %d points, %d needed\n", at.Format(time.DateOnly), b, freeNight)
		default:
			fmt.Fprintf(w, "  %s: %v\n", at.Format(time.DateOnly), err)
		}
	}
	redeem("free-night-1", day(2025, 7, 20))
	redeem("free-night-2", day(2025, 8, 5))
	entries, err := l.Entries("leisure", day(2026, 12, 31))
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "  the leisure guest's statement:")
	for _, e := range entries {
		fmt.Fprintf(w, "    %s  %-6s %5d  balance %5d  (%s)\n", e.Time.Format(time.DateOnly), e.Kind, e.Points, e.Balance, e.Reason)
	}
	for _, asOf := range []time.Time{day(2025, 12, 31), day(2026, 6, 30)} {
		li, err := l.Liability(asOf, valuePerPoint, 0.3)
		if err != nil {
			return err
		}
		b, err := l.Balance("traveller", asOf)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s: %d points outstanding (traveller %d); liability at 30%% breakage $%s\n", asOf.Format(time.DateOnly), li.Points, b, li.Amount.StringFixed(2))
	}
	return nil
}
