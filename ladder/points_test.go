package ladder

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t.Add(12 * time.Hour) // noon UTC
}

func ev(id, who, day string, kind PointsKind, points int64) PointsEvent {
	return PointsEvent{ID: id, Customer: who, Time: date(day), Kind: kind, Points: points}
}

func mustLedger(t testing.TB, opts LedgerOptions, events ...PointsEvent) *Ledger {
	t.Helper()
	l, err := NewLedger(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Post(events...); err != nil {
		t.Fatal(err)
	}
	return l
}

func balance(t testing.TB, l *Ledger, who, day string) int64 {
	t.Helper()
	b, err := l.Balance(who, date(day))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLedgerFIFOAndExpiry(t *testing.T) {
	l := mustLedger(t, LedgerOptions{ExpiryMonths: 12},
		ev("e1", "ana", "2025-01-15", Earn, 100),
		ev("e2", "ana", "2025-06-01", Earn, 50),
		ev("r1", "ana", "2025-07-01", Redeem, 120), // 100 from e1, 20 from e2
	)
	for _, c := range []struct {
		day  string
		want int64
	}{{"2025-01-14", 0}, {"2025-01-15", 100}, {"2025-06-30", 150}, {"2025-07-01", 30}, {"2026-01-15", 30}, {"2026-05-31", 30}, {"2026-06-01", 0}} {
		if got := balance(t, l, "ana", c.day); got != c.want {
			t.Errorf("balance on %s = %d, want %d", c.day, got, c.want)
		}
	}
	lots, err := l.Lots("ana", date("2025-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Lot{{Event: "e2", Earned: date("2025-06-01"), Expires: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Points: 50, Remaining: 30}}
	if d := gocmp.Diff(want, lots); d != "" {
		t.Errorf("lots (-want +got):\n%s", d)
	}
	// Without the redemption, e1's 100 points expire on 2026-01-15.
	l2 := mustLedger(t, LedgerOptions{ExpiryMonths: 12}, ev("e1", "ana", "2025-01-15", Earn, 100), ev("e2", "ana", "2025-06-01", Earn, 50))
	if got := balance(t, l2, "ana", "2026-01-15"); got != 50 {
		t.Errorf("after e1 expired: %d, want 50", got)
	}
	entries, err := l2.Entries("ana", date("2026-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range entries {
		lines = append(lines, fmt.Sprintf("%s %s %s %d → %d", e.Time.Format(time.DateOnly), e.ID, e.Kind, e.Points, e.Balance))
	}
	wantLines := []string{
		"2025-01-15 e1 earn 100 → 100", "2025-06-01 e2 earn 50 → 150",
		"2026-01-15 expire/e1 expire 100 → 50", "2026-06-01 expire/e2 expire 50 → 0",
	}
	if d := gocmp.Diff(wantLines, lines); d != "" {
		t.Errorf("entries (-want +got):\n%s", d)
	}
	if entries[2].Customer != "ana" || entries[2].Reason != "expired 12 months after earning" {
		t.Errorf("expiry entry %+v", entries[2])
	}
}

func TestLedgerRefusesOverdraft(t *testing.T) {
	l := mustLedger(t, LedgerOptions{ExpiryMonths: 6}, ev("e1", "ana", "2025-01-10", Earn, 100))
	err := l.Post(ev("r1", "ana", "2025-01-09", Redeem, 10))
	if !errors.Is(err, ErrInsufficientPoints) || !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), `event "r1"`) ||
		!strings.Contains(err.Error(), "balance of 0") {
		t.Errorf("redeem before the earn: %v", err)
	}
	// Expired on 2025-07-10: a redemption that day finds nothing.
	if err := l.Post(ev("r2", "ana", "2025-07-10", Redeem, 1)); !errors.Is(err, ErrInsufficientPoints) {
		t.Errorf("redeem of expired points: %v", err)
	}
	if err := l.Post(ev("r3", "ana", "2025-07-09", Redeem, 100)); err != nil {
		t.Errorf("redeem on the last day: %v", err)
	}
	// A backdated redemption that would starve r3 is refused, with the
	// whole batch.
	err = l.Post(ev("e2", "bob", "2025-01-01", Earn, 5), ev("r4", "ana", "2025-02-01", Redeem, 1))
	if !errors.Is(err, ErrInsufficientPoints) || !strings.Contains(err.Error(), `event "r3"`) {
		t.Errorf("backdated redemption: %v", err)
	}
	if got := l.Customers(); !slices.Equal(got, []string{"ana"}) {
		t.Errorf("a refused batch left customers %v", got)
	}
	if err := l.Post(ev("a1", "ana", "2025-03-01", Adjust, -101)); !errors.Is(err, ErrInsufficientPoints) {
		t.Errorf("negative adjustment beyond the balance: %v", err)
	}
}

func TestLedgerIdempotent(t *testing.T) {
	l := mustLedger(t, LedgerOptions{}, ev("e1", "ana", "2025-01-10", Earn, 100))
	same := ev("e1", "ana", "2025-01-10", Earn, 100)
	same.Time = same.Time.In(time.FixedZone("+05", 5*3600)) // the same instant
	if err := l.Post(same, same); err != nil {
		t.Fatalf("identical repost: %v", err)
	}
	if got := balance(t, l, "ana", "2030-01-01"); got != 100 {
		t.Errorf("balance after reposts %d", got)
	}
	for _, diff := range []PointsEvent{ev("e1", "ana", "2025-01-10", Earn, 101), ev("e1", "bob", "2025-01-10", Earn, 100),
		ev("e1", "ana", "2025-01-11", Earn, 100), {ID: "e1", Customer: "ana", Time: date("2025-01-10"), Kind: Earn, Points: 100, Reason: "x"}} {
		if err := l.Post(diff); !errors.Is(err, ErrEventConflict) || !strings.Contains(err.Error(), `"e1"`) {
			t.Errorf("conflicting repost %+v: %v", diff, err)
		}
	}
	// In one batch too.
	if err := l.Post(ev("e2", "ana", "2025-01-10", Earn, 1), ev("e2", "ana", "2025-01-10", Earn, 2)); !errors.Is(err, ErrEventConflict) {
		t.Errorf("conflict within a batch: %v", err)
	}
}

func TestLedgerMonthEndAndLocation(t *testing.T) {
	// Earned on 31 January: one month later is the end of February.
	l := mustLedger(t, LedgerOptions{ExpiryMonths: 1}, ev("e1", "ana", "2024-01-31", Earn, 10), ev("e2", "ana", "2025-01-31", Earn, 10))
	if got := balance(t, l, "ana", "2024-02-28"); got != 10 {
		t.Errorf("2024-02-28: %d", got)
	}
	if got := balance(t, l, "ana", "2024-02-29"); got != 0 {
		t.Errorf("2024-02-29 (leap year): %d", got)
	}
	if got := balance(t, l, "ana", "2025-02-28"); got != 0 {
		t.Errorf("2025-02-28: %d", got)
	}
	// Days are read in the ledger's location: 23:30 in New York on 31 March
	// is 1 April in UTC.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	at := time.Date(2025, 3, 31, 23, 30, 0, 0, ny)
	for _, c := range []struct {
		loc     *time.Location
		expires time.Time
	}{{nil, time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)}, {ny, time.Date(2025, 4, 30, 0, 0, 0, 0, ny)}} {
		l := mustLedger(t, LedgerOptions{ExpiryMonths: 1, Location: c.loc}, PointsEvent{ID: "e", Customer: "x", Time: at, Kind: Earn, Points: 1})
		lots, err := l.Lots("x", at)
		if err != nil || len(lots) != 1 || !lots[0].Expires.Equal(c.expires) {
			t.Errorf("loc %v: lots %+v (%v), want expiry %v", c.loc, lots, err, c.expires)
		}
	}
}

func TestLedgerInactivity(t *testing.T) {
	opts := LedgerOptions{ExpiryMonths: 24, InactivityMonths: 6}
	l := mustLedger(t, opts, ev("e1", "ana", "2025-01-10", Earn, 100), ev("e2", "ana", "2025-05-10", Earn, 10))
	if got := balance(t, l, "ana", "2025-11-09"); got != 110 {
		t.Errorf("before six idle months: %d", got)
	}
	if got := balance(t, l, "ana", "2025-11-10"); got != 0 {
		t.Errorf("after six idle months: %d", got)
	}
	// Any event keeps the account alive, a redemption too.
	if err := l.Post(ev("r1", "ana", "2025-11-01", Redeem, 1)); err != nil {
		t.Fatal(err)
	}
	if got := balance(t, l, "ana", "2026-04-30"); got != 109 {
		t.Errorf("kept alive by a redemption: %d", got)
	}
	entries, err := l.Entries("ana", date("2026-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if last.Kind != Expire || last.Balance != 0 || last.Reason != "no activity for 6 months" || last.Time.Format(time.DateOnly) != "2026-05-01" {
		t.Errorf("last entry %+v", last)
	}
}

func TestLedgerOverflowAndBadInput(t *testing.T) {
	l := mustLedger(t, LedgerOptions{}, ev("e1", "ana", "2025-01-10", Earn, math.MaxInt64))
	if err := l.Post(ev("e2", "ana", "2025-01-11", Earn, 1)); !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "largest count") {
		t.Errorf("overflow: %v", err)
	}
	if err := l.Post(ev("e3", "bob", "2025-01-11", Earn, math.MaxInt64)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Liability(date("2025-02-01"), decimal.NewFromInt(1), 0); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("total outstanding overflow: %v", err)
	}
	long := strings.Repeat("x", 100)
	for _, c := range []struct {
		e    PointsEvent
		want string
	}{
		{PointsEvent{Customer: "a", Time: date("2025-01-01"), Kind: Earn, Points: 1}, "empty event ID"},
		{PointsEvent{ID: long, Time: date("2025-01-01"), Kind: Earn, Points: 1}, "empty customer ID"},
		{PointsEvent{ID: long, Customer: "a", Kind: Earn, Points: 1}, "zero time"},
		{PointsEvent{ID: "x", Customer: "a", Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Kind: Earn, Points: 1}, "year 10000"},
		{PointsEvent{ID: "x", Customer: "a", Time: date("2025-01-01"), Kind: Earn}, "earn of 0 points"},
		{PointsEvent{ID: "x", Customer: "a", Time: date("2025-01-01"), Kind: Redeem, Points: -5}, "redeem of -5 points"},
		{PointsEvent{ID: "x", Customer: "a", Time: date("2025-01-01"), Kind: Adjust}, "adjustment of 0"},
		{PointsEvent{ID: "x", Customer: "a", Time: date("2025-01-01"), Kind: Adjust, Points: math.MinInt64}, "adjustment of"},
		{PointsEvent{ID: "x", Customer: "a", Time: date("2025-01-01"), Kind: Expire, Points: 1}, "derived"},
		{PointsEvent{ID: "x", Customer: "a", Time: date("2025-01-01"), Points: 1}, "unknown kind 0"},
	} {
		err := l.Post(ev("ok", "z", "2025-01-01", Earn, 1), c.e)
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "event 1") || strings.Contains(err.Error(), long) {
			t.Errorf("%+v: %v, want %q", c.e, err, c.want)
		}
	}
	if slices.Contains(l.Customers(), "z") {
		t.Error("a refused batch was partly posted")
	}
	var nilLedger *Ledger
	if err := nilLedger.Post(); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("nil ledger Post: %v", err)
	}
	if _, err := nilLedger.Balance("a", date("2025-01-01")); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("nil ledger Balance: %v", err)
	}
	if _, err := nilLedger.Liability(date("2025-01-01"), decimal.Zero, 0); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("nil ledger Liability: %v", err)
	}
	if nilLedger.Customers() != nil || nilLedger.Events() != nil || nilLedger.Options() != (LedgerOptions{}) {
		t.Error("nil ledger is not empty")
	}
	if _, err := l.Balance("a", time.Time{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("zero as-of: %v", err)
	}
	for _, o := range []LedgerOptions{{ExpiryMonths: -1}, {InactivityMonths: 1201}, {ExpiryMonths: math.MaxInt}} {
		if _, err := NewLedger(o); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("options %+v: %v", o, err)
		}
	}
	var zero Ledger // usable: no expiry, UTC
	if err := zero.Post(ev("e", "a", "2025-01-01", Earn, 3)); err != nil || balance(t, &zero, "a", "2090-01-01") != 3 {
		t.Errorf("zero ledger: %v", err)
	}
}

func TestLiability(t *testing.T) {
	l := mustLedger(t, LedgerOptions{ExpiryMonths: 12},
		ev("e1", "ana", "2025-01-10", Earn, 1234), ev("e2", "bob", "2025-03-10", Earn, 500), ev("r1", "bob", "2025-04-10", Redeem, 500),
		ev("e3", "cy", "2024-01-10", Earn, 999))
	li, err := l.Liability(date("2025-06-30"), decimal.RequireFromString("0.01"), 0.25)
	if err != nil {
		t.Fatal(err)
	}
	// 1234 points × 0.01 × 0.75 = 9.255, half to even 9.26.
	if li.Points != 1234 || li.Customers != 1 || li.Amount.String() != "9.26" {
		t.Errorf("liability %+v", li)
	}
	sum := decimal.Zero
	for _, term := range li.Reason.Terms {
		sum = sum.Add(term.Amount)
	}
	if !sum.Equal(li.Amount) || li.Reason.Terms[0].Amount.String() != "12.34" {
		t.Errorf("terms %v sum to %s, amount %s", li.Reason.Terms, sum, li.Amount)
	}
	for _, c := range []struct {
		v decimal.Decimal
		b float64
	}{{decimal.NewFromInt(-1), 0}, {decimal.Zero, math.NaN()}, {decimal.Zero, -0.1}, {decimal.Zero, 1.5}, {decimal.Zero, math.Inf(1)}} {
		if _, err := l.Liability(date("2025-06-30"), c.v, c.b); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Liability(%s, %v): %v", c.v, c.b, err)
		}
	}
}

// A customer climbs twice; posting the same grants twice changes nothing.
func TestGrantEventsIdempotent(t *testing.T) {
	moves := Moves(map[string][]int{"ana": {0, 1, 0, 1, 2}, "bob": {1, 2, 2}, "cy": {2, 1}})
	grants, err := RewardMoves(moves, []Reward{{From: 0, To: 1, Points: 100}, {From: 1, To: 2, Points: 300, Benefit: "gift"}, {From: 0, To: 2, Benefit: "call"}})
	if err != nil {
		t.Fatal(err)
	}
	snap := func(g Grant) time.Time { return date("2025-01-01").AddDate(0, 3*g.Period, 0) }
	events, err := GrantEvents(grants, snap)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 4 {
		t.Fatalf("events %+v", events)
	}
	ids := map[string]bool{}
	for _, e := range events {
		ids[e.ID] = true
	}
	if len(ids) != 4 || !ids[`ladder-reward "ana" 0>1 period 3`] || events[3].Reason != "ladder reward 1→2: gift" {
		t.Errorf("IDs %v, events %+v", ids, events)
	}
	l := mustLedger(t, LedgerOptions{}, events...)
	before := l.Events()
	again, _ := GrantEvents(grants, snap)
	if err := l.Post(again...); err != nil {
		t.Fatal(err)
	}
	if d := gocmp.Diff(before, l.Events()); d != "" {
		t.Errorf("reposting grants changed the ledger:\n%s", d)
	}
	if got := balance(t, l, "ana", "2030-01-01"); got != 500 {
		t.Errorf("ana: %d points, want 100+100+300", got)
	}
	// The same grants at another time are a conflict, not a second reward.
	later, _ := GrantEvents(grants, func(Grant) time.Time { return date("2026-01-01") })
	if err := l.Post(later...); !errors.Is(err, ErrEventConflict) {
		t.Errorf("grants re-posted at another time: %v", err)
	}
	for _, c := range []struct {
		g  []Grant
		at func(Grant) time.Time
	}{{[]Grant{{Customer: "", Reward: Reward{Points: 1}}}, snap}, {[]Grant{{Customer: "a", Reward: Reward{Points: -1}}}, snap},
		{grants, nil}, {grants, func(Grant) time.Time { return time.Time{} }}} {
		if _, err := GrantEvents(c.g, c.at); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("GrantEvents(%+v): %v", c.g, err)
		}
	}
}

// The ledger is safe for concurrent use (run with -race).
func TestLedgerConcurrent(t *testing.T) {
	l := mustLedger(t, LedgerOptions{ExpiryMonths: 12})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				who := fmt.Sprintf("c%d", i%3)
				if err := l.Post(ev(fmt.Sprintf("w%d-%d", w, i), who, "2025-01-01", Earn, 2)); err != nil {
					t.Error(err)
				}
				if _, err := l.Balance(who, date("2025-06-01")); err != nil {
					t.Error(err)
				}
				if _, err := l.Liability(date("2025-06-01"), decimal.NewFromInt(1), 0.1); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	li, err := l.Liability(date("2025-06-01"), decimal.NewFromInt(1), 0)
	if err != nil || li.Points != 4*50*2 {
		t.Errorf("liability %+v (%v)", li, err)
	}
}

// The model: the ledger's rules written the slow, obvious way, on civil
// dates (time.Time.Date in the location) rather than day numbers.

type modelLot struct {
	id          string
	earned, exp time.Time // dates at UTC midnight; exp zero when never
	points      int64
	left        int64
}

func civil(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// addMonths adds calendar months the way people say it: the same day of
// the month, or the month's last day when it has fewer.
func addMonths(d time.Time, n int) time.Time {
	t := d.AddDate(0, n, 0)
	if t.Day() != d.Day() { // rolled over into the next month
		t = time.Date(t.Year(), t.Month(), 0, 0, 0, 0, 0, time.UTC)
	}
	return t
}

// modelReplay applies events up to asOf (zero: all) and reports whether
// every debit was covered.
func modelReplay(opts LedgerOptions, events []PointsEvent, asOf time.Time) (int64, []modelLot, bool) {
	evs := slices.Clone(events)
	credit := func(e PointsEvent) bool { return e.Kind == Earn || e.Kind == Adjust && e.Points > 0 }
	slices.SortFunc(evs, func(a, b PointsEvent) int {
		ra, rb := 0, 0
		if !credit(a) {
			ra = 1
		}
		if !credit(b) {
			rb = 1
		}
		if !a.Time.Equal(b.Time) {
			return a.Time.Compare(b.Time)
		}
		// Among credits: earns before adjustments; among debits: redemptions
		// before adjustments.
		adj := func(e PointsEvent) int {
			if e.Kind == Adjust {
				return 1
			}
			return 0
		}
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(adj(a), adj(b)), cmp.Compare(a.ID, b.ID))
	})
	var lots []modelLot
	var last time.Time
	expireBy := func(d time.Time) {
		for i := range lots {
			if !lots[i].exp.IsZero() && !d.Before(lots[i].exp) {
				lots[i].left = 0
			}
			if opts.InactivityMonths > 0 && !last.IsZero() && !d.Before(addMonths(last, opts.InactivityMonths)) {
				lots[i].left = 0
			}
		}
	}
	total := func() int64 {
		s := int64(0)
		for _, x := range lots {
			s += x.left
		}
		return s
	}
	for _, e := range evs {
		if !asOf.IsZero() && e.Time.After(asOf) {
			break
		}
		d := civil(e.Time, opts.Location)
		expireBy(d)
		if credit(e) {
			x := modelLot{id: e.ID, earned: d, points: e.Points, left: e.Points}
			if opts.ExpiryMonths > 0 {
				x.exp = addMonths(d, opts.ExpiryMonths)
			}
			lots = append(lots, x)
		} else {
			take := e.Points
			if e.Kind == Adjust {
				take = -take
			}
			if take > total() {
				return 0, nil, false
			}
			for i := range lots {
				use := min(take, lots[i].left)
				lots[i].left -= use
				take -= use
			}
		}
		last = d
	}
	if !asOf.IsZero() {
		expireBy(civil(asOf, opts.Location))
	}
	return total(), lots, true
}

var customers = []string{"ana", "bob", "cy"}

// ownEvents returns the events of customer c.
func ownEvents(events []PointsEvent, c string) []PointsEvent {
	var own []PointsEvent
	for _, e := range events {
		if e.Customer == c {
			own = append(own, e)
		}
	}
	return own
}

// modelAccepts reports whether every customer's events replay in the model.
func modelAccepts(opts LedgerOptions, events []PointsEvent) bool {
	for _, c := range customers {
		if _, _, ok := modelReplay(opts, ownEvents(events, c), time.Time{}); !ok {
			return false
		}
	}
	return true
}

func genEvent(t *rapid.T, id string, maxPoints int64) PointsEvent {
	kind := rapid.SampledFrom([]PointsKind{Earn, Earn, Redeem, Adjust}).Draw(t, "kind")
	p := rapid.Int64Range(1, maxPoints).Draw(t, "points")
	if kind == Adjust && rapid.Bool().Draw(t, "negative") {
		p = -p
	}
	return PointsEvent{ID: id, Customer: rapid.SampledFrom(customers).Draw(t, "customer"),
		Time: base.Add(time.Duration(rapid.Int64Range(-3*365*24, 0).Draw(t, "hours")) * time.Hour), Kind: kind, Points: p}
}

func genLedgerOptions(t *rapid.T) LedgerOptions {
	return LedgerOptions{ExpiryMonths: rapid.IntRange(0, 14).Draw(t, "expiry"), InactivityMonths: rapid.SampledFrom([]int{0, 0, 3, 7}).Draw(t, "inactivity"),
		Location: rapid.SampledFrom([]*time.Location{nil, time.FixedZone("-11", -11*3600)}).Draw(t, "loc")}
}

// ledgerMachine checks a Ledger against the model through random posts.
type ledgerMachine struct {
	opts     LedgerOptions
	l        *Ledger
	accepted []PointsEvent
	n        int
}

func (m *ledgerMachine) post(t *rapid.T, batch []PointsEvent) {
	trial := slices.Clone(m.accepted)
	known := map[string]bool{}
	for _, e := range m.accepted {
		known[e.ID] = true
	}
	for _, e := range batch {
		if !known[e.ID] {
			trial = append(trial, e)
			known[e.ID] = true
		}
	}
	ok := modelAccepts(m.opts, trial)
	err := m.l.Post(batch...)
	switch {
	case ok && err != nil:
		t.Fatalf("the model accepts %+v, the ledger refuses: %v", batch, err)
	case !ok && err == nil:
		t.Fatalf("the model refuses %+v, the ledger accepts", batch)
	case !ok && !errors.Is(err, ErrInsufficientPoints):
		t.Fatalf("refused for another reason: %v", err)
	case ok:
		m.accepted = trial
	}
}

func (m *ledgerMachine) Earn(t *rapid.T) {
	m.n++
	e := genEvent(t, fmt.Sprintf("ev%d", m.n), 1000)
	e.Kind, e.Points = Earn, max(e.Points, -e.Points)
	m.post(t, []PointsEvent{e})
}

func (m *ledgerMachine) Any(t *rapid.T) {
	m.n++
	m.post(t, []PointsEvent{genEvent(t, fmt.Sprintf("ev%d", m.n), 1500)})
}

func (m *ledgerMachine) Batch(t *rapid.T) {
	var batch []PointsEvent
	for range rapid.IntRange(1, 4).Draw(t, "size") {
		m.n++
		batch = append(batch, genEvent(t, fmt.Sprintf("ev%d", m.n), 800))
	}
	m.post(t, batch)
}

func (m *ledgerMachine) Repost(t *rapid.T) {
	if len(m.accepted) == 0 {
		t.Skip("nothing posted")
	}
	e := rapid.SampledFrom(m.accepted).Draw(t, "event")
	before := m.l.Events()
	if err := m.l.Post(e); err != nil {
		t.Fatalf("identical repost of %+v: %v", e, err)
	}
	if d := gocmp.Diff(before, m.l.Events()); d != "" {
		t.Fatalf("repost changed the ledger:\n%s", d)
	}
	e.Reason += " (changed)"
	if err := m.l.Post(e); !errors.Is(err, ErrEventConflict) {
		t.Fatalf("changed repost of %+v: %v", e, err)
	}
}

func (m *ledgerMachine) Check(t *rapid.T) {
	asOf := base.Add(time.Duration(rapid.Int64Range(-3*365*24, 3*365*24).Draw(t, "asOfHours")) * time.Hour)
	var total int64
	for _, c := range customers {
		want, lots, ok := modelReplay(m.opts, ownEvents(m.accepted, c), asOf)
		if !ok {
			t.Fatalf("the model's accepted set does not replay")
		}
		total += want
		got, err := m.l.Balance(c, asOf)
		if err != nil || got != want {
			t.Fatalf("%s as of %v: balance %d (%v), model %d", c, asOf, got, err, want)
		}
		gotLots, err := m.l.Lots(c, asOf)
		if err != nil {
			t.Fatal(err)
		}
		var wantLots []string
		for _, x := range lots {
			if x.left > 0 {
				wantLots = append(wantLots, fmt.Sprintf("%s %d/%d", x.id, x.left, x.points))
			}
		}
		var haveLots []string
		for _, x := range gotLots {
			haveLots = append(haveLots, fmt.Sprintf("%s %d/%d", x.Event, x.Remaining, x.Points))
		}
		if !slices.Equal(wantLots, haveLots) {
			t.Fatalf("%s as of %v: lots %v, model %v", c, asOf, haveLots, wantLots)
		}
		entries, err := m.l.Entries(c, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(entries); n > 0 && entries[n-1].Balance != want || slices.ContainsFunc(entries, func(e Entry) bool { return e.Balance < 0 }) {
			t.Fatalf("%s: statement ends at %v, balance %d", c, entries, want)
		}
	}
	li, err := m.l.Liability(asOf, decimal.RequireFromString("0.013"), 0.2)
	if err != nil || li.Points != total || !li.Amount.Equal(clv.RoundMoney(decimal.NewFromInt(total).Mul(decimal.RequireFromString("0.0104")))) {
		t.Fatalf("liability %+v (%v) for %d points", li, err, total)
	}
}

func TestPropLedgerMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := genLedgerOptions(t)
		l, err := NewLedger(opts)
		if err != nil {
			t.Fatal(err)
		}
		m := &ledgerMachine{opts: opts, l: l}
		t.Repeat(rapid.StateMachineActions(m))
	})
}

// genValidEvents draws an event set the model accepts, one event at a time.
func genValidEvents(t *rapid.T, opts LedgerOptions) []PointsEvent {
	var out []PointsEvent
	n := rapid.IntRange(0, 25).Draw(t, "n")
	for i := range n {
		e := genEvent(t, fmt.Sprintf("v%d", i), 600)
		if trial := append(slices.Clone(out), e); modelAccepts(opts, trial) {
			out = trial
		}
	}
	return out
}

type ledgerView struct {
	Events   []PointsEvent
	Balances []int64
	Lots     [][]Lot
	Entries  [][]Entry
}

func view(t *rapid.T, l *Ledger, asOf time.Time) ledgerView {
	v := ledgerView{Events: l.Events()}
	for _, c := range customers {
		b, err1 := l.Balance(c, asOf)
		lots, err2 := l.Lots(c, asOf)
		entries, err3 := l.Entries(c, asOf)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatal(err)
		}
		v.Balances, v.Lots, v.Entries = append(v.Balances, b), append(v.Lots, lots), append(v.Entries, entries)
	}
	return v
}

// Any permutation of a valid event set, posted in one batch or one event
// at a time (retrying those refused until everything is in), gives the
// same ledger.
func TestPropLedgerOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := genLedgerOptions(t)
		events := genValidEvents(t, opts)
		asOf := base.Add(time.Duration(rapid.Int64Range(-3*365*24, 3*365*24).Draw(t, "asOfHours")) * time.Hour)
		ref, err := NewLedger(opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := ref.Post(events...); err != nil {
			t.Fatalf("valid set refused: %v", err)
		}
		want := view(t, ref, asOf)
		perm := rapid.Permutation(events).Draw(t, "perm")
		batch, _ := NewLedger(opts)
		if err := batch.Post(perm...); err != nil {
			t.Fatalf("permuted batch refused: %v", err)
		}
		if d := gocmp.Diff(want, view(t, batch, asOf)); d != "" {
			t.Fatalf("permuted batch differs:\n%s", d)
		}
		single, _ := NewLedger(opts)
		pending := perm
		for len(pending) > 0 {
			var refused []PointsEvent
			for _, e := range pending {
				if err := single.Post(e); err != nil {
					if !errors.Is(err, ErrInsufficientPoints) {
						t.Fatal(err)
					}
					refused = append(refused, e)
				}
			}
			if len(refused) == len(pending) {
				t.Fatalf("%d events of a valid set can never be posted: %+v", len(refused), refused)
			}
			pending = refused
		}
		if d := gocmp.Diff(want, view(t, single, asOf)); d != "" {
			t.Fatalf("posting one at a time differs:\n%s", d)
		}
	})
}

// Liability: between 0 and the face value, falling as breakage rises.
func TestPropLiability(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := genLedgerOptions(t)
		l, _ := NewLedger(opts)
		if err := l.Post(genValidEvents(t, opts)...); err != nil {
			t.Fatal(err)
		}
		asOf := base.Add(-time.Duration(rapid.Int64Range(0, 3*365*24).Draw(t, "hours")) * time.Hour)
		v := decimal.New(rapid.Int64Range(0, 10_000).Draw(t, "milli"), -3)
		b1 := rapid.Float64Range(0, 1).Draw(t, "b1")
		b2 := rapid.Float64Range(b1, 1).Draw(t, "b2")
		l1, err1 := l.Liability(asOf, v, b1)
		l2, err2 := l.Liability(asOf, v, b2)
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		face := clv.RoundMoney(decimal.NewFromInt(l1.Points).Mul(v))
		if l1.Amount.Sign() < 0 || l1.Amount.GreaterThan(face) || l2.Amount.GreaterThan(l1.Amount) {
			t.Fatalf("liability %s at breakage %v, %s at %v, face %s", l1.Amount, b1, l2.Amount, b2, face)
		}
		if !l1.Amount.Equal(l1.Amount.RoundBank(2)) {
			t.Fatalf("amount %s not rounded to the cent", l1.Amount)
		}
	})
}
