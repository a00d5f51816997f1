package ladder

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
)

func TestPathsFollowPlace(t *testing.T) {
	day := func(m, d int) time.Time { return time.Date(2024, time.Month(m), d, 12, 0, 0, 0, time.UTC) }
	buy := func(who string, t time.Time, amt int64) clv.Purchase {
		return clv.Purchase{Transaction: clv.Transaction{Customer: who, Time: t, Amount: decimal.NewFromInt(amt)}}
	}
	log := []clv.Purchase{
		buy("b", day(1, 5), 10), buy("a", day(1, 2), 50), buy("a", day(2, 2), 60), buy("a", day(3, 2), 70),
		buy("b", day(5, 5), 10), buy("c", day(6, 1), 500),
	}
	l, err := NewLadder([]Rung{{Name: "low"}, {Name: "mid", MinPurchases: 2}, {Name: "top", MinPurchases: 2, MinSpend: decimal.NewFromInt(150)}},
		LadderOptions{WindowDays: 90, GraceDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	snaps := []time.Time{day(1, 31), day(3, 31), day(5, 31), day(7, 31)}
	ids, paths, err := l.Paths(slices.Values(log), snaps, PathOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []string{"a", "b", "c"}) {
		t.Fatalf("ids %v", ids)
	}
	// By hand: Place at each snapshot, carrying the standing.
	for i, id := range ids {
		var own []clv.Purchase
		for _, p := range log {
			if p.Customer == id {
				own = append(own, p)
			}
		}
		var prev *Standing
		skip := len(snaps) - len(paths[i]) // snapshots before the first purchase
		for k, s := range snaps[skip:] {
			pl, err := l.Place(Activity{Customer: id, Purchases: own}, prev, s, nil)
			if err != nil || pl.Rung != paths[i][k] {
				t.Fatalf("%s at %v: path %d, Place %d (%v)", id, s, paths[i][k], pl.Rung, err)
			}
			st := pl.Standing
			prev = &st
		}
	}
	if len(paths[2]) != 1 {
		t.Errorf("c, first buying in June, is placed from the July snapshot only: %v", paths[2])
	}
	// Lost after 60 days without a purchase: b (last bought 5 May) is lost
	// at the end of July.
	_, lost, err := l.Paths(slices.Values(log), snaps, PathOptions{LostAfterDays: 60})
	if err != nil || lost[1][3] != NoRung || lost[0][1] == NoRung {
		t.Errorf("lost after 60 days: %v (%v)", lost, err)
	}
	est, err := Estimate(slices.Values(paths), 3, EstimateOptions{Smoothing: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Rewards per rung are the caller's: without them Value says so.
	if _, err := est.Chain.Value(0.2); err == nil || !strings.Contains(err.Error(), "Chain.R has 0 rewards") {
		t.Errorf("Value without rewards: %v", err)
	}
	if _, _, err := l.Paths(slices.Values(log), []time.Time{day(3, 1), day(2, 1)}, PathOptions{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("decreasing snapshots: %v", err)
	}
}
