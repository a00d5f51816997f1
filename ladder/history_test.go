package ladder

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
)

func quarterEnds(from time.Time, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		// The last day of the quarter: the day before the next one starts.
		out[i] = time.Date(from.Year(), from.Month()+time.Month(3*i)+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	}
	return out
}

func TestEstimateHistory(t *testing.T) {
	buy := func(who string, day string, amt int64) clv.Purchase {
		return clv.Purchase{Transaction: clv.Transaction{Customer: who, Time: date(day), Amount: decimal.NewFromInt(amt)}}
	}
	log := []clv.Purchase{
		buy("a", "2022-11-02", 50), buy("a", "2023-05-02", 60), buy("a", "2024-03-02", 70), buy("a", "2025-06-01", 70),
		buy("b", "2024-01-05", 10), buy("b", "2024-05-05", 10),
		buy("c", "2025-06-01", 500),
	}
	l, err := NewLadder([]Rung{{Name: "low"}, {Name: "mid", MinPurchases: 2}}, LadderOptions{WindowDays: 365})
	if err != nil {
		t.Fatal(err)
	}
	snaps := quarterEnds(time.Date(2022, 12, 1, 0, 0, 0, 0, time.UTC), 11) // 2022-12-31 … 2025-06-30
	_, paths, err := l.Paths(slices.Values(log), snaps, PathOptions{LostAfterDays: 365})
	if err != nil {
		t.Fatal(err)
	}
	e, err := Estimate(slices.Values(paths), 2, EstimateOptions{Snapshots: snaps, MinYears: 2})
	if err != nil {
		t.Fatal(err)
	}
	h := e.History
	if got := h.String(); got != "2 years 6 months (2022-12-31 to 2025-06-30, 912 days, 11 snapshots)" {
		t.Errorf("history %s", got)
	}
	// a from the first snapshot (lost on 2025-03-31, 394 days after their
	// last purchase, back on 2025-06-30), b from 2024-03-31 (lost on
	// 2025-06-30), c at the last one only.
	var counts [][3]int
	for _, p := range h.Periods {
		counts = append(counts, [3]int{p.Customers, p.OnRung, p.Lost})
	}
	want := [][3]int{{1, 1, 0}, {1, 1, 0}, {1, 1, 0}, {1, 1, 0}, {1, 1, 0}, {2, 2, 0}, {2, 2, 0}, {2, 2, 0}, {2, 2, 0}, {2, 1, 1}, {3, 2, 1}}
	if d := gocmp.Diff(want, counts); d != "" {
		t.Errorf("customers per period (-want +got):\n%s\npaths %v", d, paths)
	}
	if !h.Periods[5].At.Equal(time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("period 5 at %v", h.Periods[5].At)
	}
	// Three years asked: an error that states the span found.
	_, err = Estimate(slices.Values(paths), 2, EstimateOptions{Snapshots: snaps, MinYears: 3})
	if !errors.Is(err, ErrShortHistory) || !errors.Is(err, ErrInvalidInput) ||
		!strings.Contains(err.Error(), "2 years 6 months (2022-12-31 to 2025-06-30") || !strings.Contains(err.Error(), "less than the 3 years") {
		t.Errorf("short history: %v", err)
	}
	// The span starts at the earliest snapshot a path covers: without a,
	// it is b's 2024-03-31.
	e, err = Estimate(slices.Values(paths[1:]), 2, EstimateOptions{Snapshots: snaps})
	if err != nil || e.History.String() != "1 year 3 months (2024-03-31 to 2025-06-30, 456 days, 6 snapshots)" {
		t.Errorf("history without a: %s (%v)", e.History, err)
	}
	// Without snapshots: no history, as before.
	e, err = Estimate(slices.Values(paths), 2, EstimateOptions{})
	if err != nil || e.History.Periods != nil || e.History.String() != "no customer observed" {
		t.Errorf("no snapshots: %+v (%v)", e.History, err)
	}
	for _, c := range []struct {
		paths [][]int
		opts  EstimateOptions
		want  error
		text  string
	}{
		{paths, EstimateOptions{MinYears: 2}, ErrInvalidConfig, "needs the Snapshots"},
		{paths, EstimateOptions{Snapshots: snaps, MinYears: -1}, ErrInvalidConfig, "MinYears -1"},
		{paths, EstimateOptions{Snapshots: snaps, MinYears: 101}, ErrInvalidConfig, "MinYears 101"},
		{paths, EstimateOptions{Snapshots: snaps[:3]}, ErrInvalidInput, "path 0 has 11 periods for 3 snapshots"},
		{paths, EstimateOptions{Snapshots: append([]time.Time{{}}, snaps...)}, ErrInvalidInput, "snapshot 0 is the zero time"},
		{paths, EstimateOptions{Snapshots: []time.Time{snaps[1], snaps[0]}}, ErrInvalidInput, "snapshot 1 (2022-12-31) is not after"},
		{nil, EstimateOptions{Snapshots: snaps, MinYears: 1}, ErrShortHistory, "no customer observed, less than the 1 year EstimateOptions.MinYears asks"},
	} {
		_, err := Estimate(slices.Values(c.paths), 2, c.opts)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%+v: %v, want %q", c.opts, err, c.text)
		}
	}
}

func TestMonthsBetween(t *testing.T) {
	day := func(s string) int64 { return clv.CalendarDay(date(s), nil) }
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"2023-03-31", "2025-06-30", 27}, {"2023-06-30", "2025-06-30", 24}, {"2023-06-30", "2025-06-29", 23},
		{"2024-02-29", "2025-02-28", 12}, {"2024-01-31", "2024-02-29", 1}, {"2024-01-31", "2024-02-28", 0}, {"2025-05-05", "2025-05-05", 0},
	} {
		if got := monthsBetween(day(c.a), day(c.b)); got != c.want {
			t.Errorf("monthsBetween(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// The counts per period add up to the paths' lengths, and MinYears refuses
// exactly the histories shorter than it.
func TestPropHistory(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 14).Draw(t, "snapshots")
		snaps := quarterEnds(time.Date(2020, time.Month(1+rapid.IntRange(0, 11).Draw(t, "month")), 1, 0, 0, 0, 0, time.UTC), n)
		paths := rapid.SliceOfN(rapid.SliceOfN(rapid.IntRange(-1, 2), 0, n), 0, 8).Draw(t, "paths")
		years := rapid.IntRange(0, 4).Draw(t, "years")
		e, err := Estimate(slices.Values(paths), 3, EstimateOptions{Snapshots: snaps})
		if err != nil {
			t.Fatal(err)
		}
		total, longest := 0, 0
		for _, p := range paths {
			total += len(p)
			longest = max(longest, len(p))
		}
		h := e.History
		seen := 0
		for _, p := range h.Periods {
			seen += p.Customers
			if p.OnRung+p.Lost != p.Customers {
				t.Fatalf("period %+v", p)
			}
		}
		if longest > 0 && h.Periods[0].Customers == 0 {
			t.Fatalf("the history starts before any path: %+v", h.Periods[0])
		}
		if seen != total || len(h.Periods) != longest || longest > 0 && (!h.First.Equal(snaps[n-longest]) || !h.Last.Equal(snaps[n-1])) {
			t.Fatalf("history %+v of paths %v", h, paths)
		}
		if longest > 0 && (h.Months < 3*(longest-1) || h.Months > 3*(longest-1)+1) {
			t.Fatalf("%d quarters span %d months", longest-1, h.Months)
		}
		_, err = Estimate(slices.Values(paths), 3, EstimateOptions{Snapshots: snaps, MinYears: years})
		if short := years > 0 && h.Months < 12*years; short != errors.Is(err, ErrShortHistory) {
			t.Fatalf("%d months with MinYears %d: %v", h.Months, years, err)
		}
	})
}
