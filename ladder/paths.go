package ladder

import (
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// PathOptions configures Ladder.Paths. The zero value means the defaults.
type PathOptions struct {
	// Location is where days are read (clv.CalendarDay); nil means UTC.
	Location *time.Location
	// LostAfterDays, when positive, places a customer with no purchase in
	// the last LostAfterDays calendar days at NoRung (lost) at that
	// snapshot; zero keeps every customer on a rung once they have bought.
	LostAfterDays int
	// Value, when not nil, gives a customer's predicted lifetime value as of
	// a snapshot, for rungs with a MinValue; nil means zero.
	Value func(customer string, asOf time.Time) decimal.Decimal
}

// Paths places every customer of a purchase log at each snapshot date and
// returns their rung paths, ready for Estimate (slices.Values(paths)), with
// the customers' IDs in the same order (byte-wise ID order). Snapshots must
// be increasing. A customer's path starts at the first snapshot on or after
// their first purchase day (so paths are not all the same length); each
// placement carries the customer's Standing from the one before, so the
// ladder's grace applies between snapshots. The log is read once and kept
// grouped by customer. Give Estimate the same snapshots and location
// (EstimateOptions.Snapshots and Location) for it to report the span of
// history behind the estimate and to enforce EstimateOptions.MinYears.
func (l *Ladder) Paths(purchases iter.Seq[clv.Purchase], snapshots []time.Time, opts PathOptions) (ids []string, paths [][]int, err error) {
	if l == nil || len(l.rungs) == 0 {
		return nil, nil, fmt.Errorf("%w: Paths on a nil or empty ladder", ErrInvalidConfig)
	}
	if purchases == nil {
		return nil, nil, fmt.Errorf("%w: Paths: nil purchase sequence", ErrInvalidInput)
	}
	if len(snapshots) == 0 {
		return nil, nil, fmt.Errorf("%w: Paths: no snapshot dates", ErrInvalidInput)
	}
	for i := 1; i < len(snapshots); i++ {
		if !snapshots[i].After(snapshots[i-1]) {
			return nil, nil, fmt.Errorf("%w: Paths: snapshot %d (%s) is not after snapshot %d (%s)", ErrInvalidInput,
				i, snapshots[i].Format(time.DateOnly), i-1, snapshots[i-1].Format(time.DateOnly))
		}
	}
	byCustomer := map[string][]clv.Purchase{}
	for p := range purchases {
		if err := checkPurchase(p); err != nil {
			return nil, nil, err
		}
		byCustomer[p.Customer] = append(byCustomer[p.Customer], p)
	}
	if opts.LostAfterDays < 0 {
		return nil, nil, fmt.Errorf("%w: Paths: LostAfterDays %d is negative", ErrInvalidConfig, opts.LostAfterDays)
	}
	loc := opts.Location
	ids = make([]string, 0, len(byCustomer))
	for id := range byCustomer {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, strings.Compare)
	paths = make([][]int, len(ids))
	for i, id := range ids {
		own := byCustomer[id]
		first := clv.CalendarDay(own[0].Time, loc)
		for _, p := range own[1:] {
			first = min(first, clv.CalendarDay(p.Time, loc))
		}
		var path []int
		var prev *Standing
		for _, asOf := range snapshots {
			today := clv.CalendarDay(asOf, loc)
			if today < first {
				continue
			}
			a := Activity{Customer: id, Purchases: own}
			if opts.Value != nil {
				a.Value = opts.Value(id, asOf)
			}
			pl, err := l.Place(a, prev, asOf, loc)
			if err != nil {
				return nil, nil, fmt.Errorf("customer %s at %s: %w", clip.Quote(id), asOf.Format(time.DateOnly), err)
			}
			st := pl.Standing
			prev = &st
			rung := pl.Rung
			if opts.LostAfterDays > 0 && !boughtWithin(own, today, int64(opts.LostAfterDays), loc) {
				rung = NoRung
			}
			path = append(path, rung)
		}
		paths[i] = path
	}
	return ids, paths, nil
}

// boughtWithin reports a purchase on one of the days days before today
// (today included).
func boughtWithin(ps []clv.Purchase, today, days int64, loc *time.Location) bool {
	for _, p := range ps {
		if d := clv.CalendarDay(p.Time, loc); d <= today && d > today-days {
			return true
		}
	}
	return false
}
