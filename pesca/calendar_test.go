package pesca_test

import (
	"slices"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ladder"
	"github.com/clvkit/clvkit/lifecycle"
	"github.com/clvkit/clvkit/pesca"
)

// The zones with the awkward cases: ±14 hours, half-hour offsets, daylight
// saving at midnight, a skipped date.
var zones = []string{"America/New_York", "America/Sao_Paulo", "America/Havana", "Asia/Kolkata", "Asia/Kathmandu",
	"Australia/Lord_Howe", "Pacific/Apia", "Pacific/Kiritimati", "Pacific/Niue"}

// TestPropSameDayEverywhere checks the SDK's one calendar-day rule: a
// purchase at any instant, read in any location, falls on the same day —
// clv.CalendarDay — in clv's summaries, lifecycle histories, ladder
// placements and triggers, and pesca sequences and plans.
func TestPropSameDayEverywhere(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var loc *time.Location
		switch rapid.IntRange(0, 2).Draw(t, "locKind") {
		case 1:
			loc = time.FixedZone("fixed", rapid.IntRange(-14*3600, 14*3600).Draw(t, "offset"))
		case 2:
			var err error
			if loc, err = time.LoadLocation(rapid.SampledFrom(zones).Draw(t, "zone")); err != nil {
				t.Fatal(err)
			}
		}
		// The purchase, in a zone of its own that must not matter.
		own := time.FixedZone("own", rapid.IntRange(-12*3600, 12*3600).Draw(t, "own"))
		at := time.Unix(rapid.Int64Range(631152000, 2208988800).Draw(t, "unix"), 0).In(own) // 1990–2040
		day := clv.CalendarDay(at, loc)
		start := func(d int64) time.Time { return clv.DayStart(d, loc) }
		buy := func(when time.Time, product string) clv.Purchase {
			return clv.Purchase{Transaction: clv.Transaction{Customer: "c", Time: when, Amount: decimal.NewFromInt(10)}, Product: product}
		}
		p := buy(at, "A")

		// clv: five days later the customer's age T counts from the day.
		end := start(day + 5)
		ss, err := clv.Summarize(slices.Values([]clv.Transaction{p.Transaction}), clv.SummaryOptions{End: end, Location: loc})
		if err != nil || len(ss) != 1 || int64(ss[0].T) != clv.CalendarDay(end, loc)-day {
			t.Fatalf("clv: summary %+v %v, want T = %d", ss, err, clv.CalendarDay(end, loc)-day)
		}

		// lifecycle: the history's first day is the day.
		hs, err := lifecycle.Histories(slices.Values([]clv.Transaction{p.Transaction}), nil, end, loc)
		if err != nil || len(hs) != 1 || clv.CalendarDay(hs[0].First, hs[0].Location) != day || int64(hs[0].TenureDays()) != int64(ss[0].T) {
			t.Fatalf("lifecycle: %+v %v", hs, err)
		}
		// As of the start of the day the purchase counts, as of the instant
		// before it does not.
		if hs, _ := lifecycle.Histories(slices.Values([]clv.Transaction{p.Transaction}), nil, start(day), loc); len(hs) != 1 {
			t.Fatal("lifecycle: a purchase on the as-of day left out")
		}
		if hs, _ := lifecycle.Histories(slices.Values([]clv.Transaction{p.Transaction}), nil, start(day).Add(-time.Nanosecond), loc); len(hs) != 0 {
			t.Fatal("lifecycle: a purchase the day after the as-of day counted")
		}

		// ladder: the same boundaries for placement.
		l, err := ladder.NewLadder([]ladder.Rung{{Name: "none"}, {Name: "buyer", MinPurchases: 1}}, ladder.LadderOptions{WindowDays: 1})
		if err != nil {
			t.Fatal(err)
		}
		a := ladder.Activity{Customer: "c", Purchases: []clv.Purchase{p}}
		if pl, err := l.Place(a, nil, start(day), loc); err != nil || pl.Rung != 1 {
			t.Fatalf("ladder: placement as of the day %+v %v", pl, err)
		}
		if pl, _ := l.Place(a, nil, start(day).Add(-time.Nanosecond), loc); pl.Rung != 0 {
			t.Fatal("ladder: a purchase the day after the as-of day counted")
		}
		if pl, _ := l.Place(a, nil, start(day+1), loc); pl.Rung != 0 && clv.CalendarDay(start(day+1), loc) == day+1 {
			t.Fatal("ladder: a one-day window reached back a day")
		}
		// Triggers: a one-day window ends with the day.
		large := []ladder.Trigger{ladder.LargePurchase{Days: 1}}
		for _, c := range []struct {
			asOf time.Time
			want bool
		}{{at, true}, {start(day + 1).Add(-time.Nanosecond), true}, {start(day + 1), false}} {
			acts, err := ladder.Fire(large, []ladder.Situation{{Customer: "c", Purchases: []clv.Purchase{p}, AsOf: c.asOf, Location: loc}})
			if err != nil || (len(acts) == 1) != c.want {
				t.Fatalf("ladder: large purchase as of %v: %v %v, want %v", c.asOf, acts, err, c.want)
			}
		}
		expired := []ladder.Trigger{ladder.ExpiredInactive{AfterDays: 3}}
		due := start(day + 3)
		for _, c := range []struct {
			asOf time.Time
			want bool
		}{{due, true}, {due.Add(-time.Nanosecond), false}} {
			acts, err := ladder.Fire(expired, []ladder.Situation{{Customer: "c", ContractEnd: at, AsOf: c.asOf, Location: loc}})
			if err != nil || (len(acts) == 1) != c.want || c.want && !acts[0].Due.Equal(due) {
				t.Fatalf("ladder: expired contract as of %v: %v %v, want %v", c.asOf, acts, err, c.want)
			}
		}

		// pesca: a second product bought at the start of the same day is
		// not after the first; at the start of the next day it is.
		for _, c := range []struct {
			when  time.Time
			after bool
		}{{start(day), false}, {start(day + 1), true}} {
			var s pesca.Sequences
			if err := s.AddCustomer([]clv.Purchase{p, buy(c.when, "B")}, loc); err != nil {
				t.Fatal(err)
			}
			if got := len(s.Transitions()) == 1; got != c.after {
				t.Fatalf("pesca: B at %v after A at %v: %v, want %v", c.when, at, got, c.after)
			}
		}
		// Plans: the first purchase's day anchors a step due that day.
		planner := pesca.Planner{Location: loc, Initiatives: []pesca.Initiative{{ID: "thanks", Perspective: pesca.Experience, Anchor: pesca.FirstPurchase}}}
		plan, err := planner.Plan(pesca.Profile{ID: "c", Purchases: []clv.Purchase{p}}, start(day))
		if err != nil || len(plan.Steps) != 1 || clv.CalendarDay(plan.Steps[0].When, loc) != day || clv.CalendarDay(plan.AsOf, loc) != day {
			t.Fatalf("pesca: plan %+v %v", plan, err)
		}
		if plan, _ := planner.Plan(pesca.Profile{ID: "c", Purchases: []clv.Purchase{p}}, start(day).Add(-time.Nanosecond)); len(plan.Steps) != 0 {
			t.Fatal("pesca: a purchase the day after the as-of day counted")
		}
	})
}
