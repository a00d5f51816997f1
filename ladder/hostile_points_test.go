package ladder

import (
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// hostilePoints drives the points ledger, GrantEvents and PotentialValues
// with generated, often hostile, inputs: nothing panics, every error wraps
// a sentinel without echoing long values whole, and what is accepted keeps
// the ledger's invariants (no negative balance, lots summing to it, a
// liability in whole cents).
func hostilePoints(t *rapid.T) {
	opts := LedgerOptions{ExpiryMonths: genInt(t, "expiry"), InactivityMonths: genInt(t, "inactivity"), Location: genLoc(t)}
	l, err := NewLedger(opts)
	if err != nil {
		checkErr(t, "NewLedger", err)
		l = &Ledger{}
	}
	ids := []string{"a", "b", "", longID}
	genPoints := func(t *rapid.T, label string) int64 {
		return rapid.OneOf(rapid.Int64Range(-50, 500), rapid.SampledFrom([]int64{math.MinInt64, math.MaxInt64, math.MaxInt64 - 1, 0, -1, 1})).Draw(t, label)
	}
	for range rapid.IntRange(0, 6).Draw(t, "batches") {
		batch := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) PointsEvent {
			return PointsEvent{ID: rapid.SampledFrom(append(ids, "e1", "e2", "e3", "e4")).Draw(t, "id"), Customer: rapid.SampledFrom(ids).Draw(t, "who"),
				Time: genTime(t, "time"), Kind: PointsKind(rapid.IntRange(-1, 5).Draw(t, "kind")), Points: genPoints(t, "points"),
				Reason: rapid.SampledFrom([]string{"", longID}).Draw(t, "reason")}
		}), 0, 4).Draw(t, "batch")
		before := l.Events()
		if err := l.Post(batch...); err != nil {
			checkErr(t, "Post", err)
			if len(l.Events()) != len(before) {
				t.Fatalf("a refused batch changed the ledger")
			}
		}
	}
	if rapid.Bool().Draw(t, "grants") {
		grants := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Grant {
			return Grant{Customer: rapid.SampledFrom(ids).Draw(t, "who"), Period: genInt(t, "period"),
				Reward: Reward{From: genInt(t, "from"), To: genInt(t, "to"), Points: genInt(t, "points")}}
		}), 0, 3).Draw(t, "grantList")
		var at func(Grant) time.Time
		if rapid.IntRange(0, 9).Draw(t, "nilAt") > 0 {
			when := genTime(t, "at")
			at = func(Grant) time.Time { return when }
		}
		if events, err := GrantEvents(grants, at); err != nil {
			checkErr(t, "GrantEvents", err)
		} else if err := l.Post(events...); err != nil {
			checkErr(t, "Post grants", err)
		}
	}
	asOf := genTime(t, "asOf")
	for _, c := range ids {
		b, err := l.Balance(c, asOf)
		if err != nil {
			checkErr(t, "Balance", err)
			continue
		}
		lots, err := l.Lots(c, asOf)
		if err != nil {
			t.Fatalf("Lots fails where Balance does not: %v", err)
		}
		sum := int64(0)
		for _, x := range lots {
			if x.Remaining <= 0 || x.Remaining > x.Points {
				t.Fatalf("lot %+v", x)
			}
			sum += x.Remaining
		}
		entries, err := l.Entries(c, asOf)
		if err != nil {
			t.Fatalf("Entries fails where Balance does not: %v", err)
		}
		for _, e := range entries {
			if e.Balance < 0 {
				t.Fatalf("negative balance in %+v", e)
			}
		}
		if b < 0 || sum != b || len(entries) > 0 && entries[len(entries)-1].Balance != b {
			t.Fatalf("%q: balance %d, lots %v, entries %v", c, b, lots, entries)
		}
	}
	v := genDecimal(t, "valuePerPoint")
	if li, err := l.Liability(asOf, v, genFloat(t, "breakage")); err != nil {
		checkErr(t, "Liability", err)
	} else if li.Amount.Sign() < 0 || !li.Amount.Equal(li.Amount.RoundBank(2)) || li.Points < 0 {
		t.Fatalf("liability %+v", li)
	}

	// Potential values.
	lad, _ := NewLadder([]Rung{{Name: "bronze"}, {Name: "silver", MinPurchases: 2}, {Name: longID, MinPurchases: 5}}, LadderOptions{})
	if rapid.IntRange(0, 9).Draw(t, "nilLadder") == 0 {
		lad = nil
	}
	cs := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) RungValue {
		return RungValue{Customer: rapid.SampledFrom(append(ids, "c", "d", "e")).Draw(t, "who"), Rung: genInt(t, "rung"), Value: genDecimal(t, "value")}
	}), 0, 8).Draw(t, "rungValues")
	popts := PotentialOptions{MinCustomers: genInt(t, "min"), Quantile: genFloat(t, "q")}
	if p, err := lad.PotentialValues(cs, popts); err != nil {
		checkErr(t, "PotentialValues", err)
	} else {
		for _, c := range p.Customers {
			if c.Gap.Sign() < 0 || !c.Potential.Equal(c.Current.Add(c.Gap)) {
				t.Fatalf("potential %+v", c)
			}
		}
	}
}

func TestPropHostilePoints(t *testing.T) { rapid.Check(t, hostilePoints) }

func FuzzHostilePoints(f *testing.F) { f.Fuzz(rapid.MakeFuzz(hostilePoints)) }

// A ledger fed generated events (the valid-set generator of the property
// tests), as a fuzz target: order independence under the fuzzer.
func FuzzLedgerOrder(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		opts := genLedgerOptions(t)
		events := genValidEvents(t, opts)
		a, _ := NewLedger(opts)
		b, _ := NewLedger(opts)
		if err := a.Post(events...); err != nil {
			t.Fatal(err)
		}
		if err := b.Post(rapid.Permutation(events).Draw(t, "perm")...); err != nil {
			t.Fatal(err)
		}
		asOf := base.Add(-time.Duration(rapid.Int64Range(0, 3*365*24).Draw(t, "hours")) * time.Hour)
		la, err1 := a.Liability(asOf, decimal.NewFromInt(1), 0)
		lb, err2 := b.Liability(asOf, decimal.NewFromInt(1), 0)
		if err1 != nil || err2 != nil || la.Points != lb.Points {
			t.Fatalf("liabilities %+v / %+v (%v, %v)", la, lb, err1, err2)
		}
	}))
}
