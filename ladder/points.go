package ladder

import (
	"cmp"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// Errors of the points ledger. Both wrap ErrInvalidInput, so
// errors.Is(err, ErrInvalidInput) holds for them too.
var (
	// ErrInsufficientPoints reports a redemption or a negative adjustment
	// larger than the customer's balance as of its time.
	ErrInsufficientPoints = fmt.Errorf("%w: insufficient points", ErrInvalidInput)
	// ErrEventConflict reports an event ID posted again with different
	// contents.
	ErrEventConflict = fmt.Errorf("%w: event ID already posted with different contents", ErrInvalidInput)
)

// PointsKind is the kind of a points event.
type PointsKind int8

// The kinds of points events. The zero PointsKind is none of them, so an
// event whose Kind was never set is refused.
const (
	// Earn credits Points (> 0) as a new lot.
	Earn PointsKind = iota + 1
	// Redeem spends Points (> 0), the oldest lots first; it is refused when
	// Points exceeds the balance as of its time.
	Redeem
	// Expire removes a lot's remaining points. Expire events are never
	// posted: the ledger derives them from its expiry rules and lists them
	// in Entries.
	Expire
	// Adjust corrects a balance by Points (≠ 0): a positive adjustment is a
	// new lot, as an earn is; a negative one removes points, the oldest lots
	// first, and is refused beyond the balance.
	Adjust
)

// String returns "earn", "redeem", "expire" or "adjust".
func (k PointsKind) String() string {
	switch k {
	case Earn:
		return "earn"
	case Redeem:
		return "redeem"
	case Expire:
		return "expire"
	case Adjust:
		return "adjust"
	}
	return "PointsKind(" + strconv.Itoa(int(k)) + ")"
}

// PointsEvent is one event of a customer's points account.
type PointsEvent struct {
	// ID identifies the event across the ledger (non-empty): posting the
	// same ID again is a no-op when the event is identical and an error
	// (ErrEventConflict) when it is not, so a retried post never counts
	// twice.
	ID string
	// Customer is the account's non-empty customer ID.
	Customer string
	// Time is when the event happened (years 1 to 9999); events may be
	// posted in any order, and the ledger applies them in time order.
	Time time.Time
	// Kind is Earn, Redeem or Adjust when posted; Expire only in Entries.
	Kind PointsKind
	// Points is a count of points: > 0 for Earn and Redeem, ≠ 0 for Adjust
	// (and not math.MinInt64), the points removed for a derived Expire.
	Points int64
	// Reason says why, for statements ("3 nights", "ladder climb 1→2").
	Reason string
}

// LedgerOptions are a ledger's expiry rules and calendar. The zero value
// means points never expire and days are read in UTC.
type LedgerOptions struct {
	// ExpiryMonths, when positive, makes each lot expire ExpiryMonths
	// calendar months after the day it was earned: points earned on
	// 2025-03-15 with 24 months can be spent up to 2027-03-14 and are gone
	// from the start of 2027-03-15. A day past the end of the target month
	// is its last day (earned on 31 January, 1 month: gone from the end of
	// February, i.e. from 28 or 29 February). 0..1200; zero means lots never
	// expire.
	ExpiryMonths int
	// InactivityMonths, when positive, makes all of a customer's points
	// expire when InactivityMonths calendar months pass with no event on
	// their account, counted from the day of the last one as ExpiryMonths
	// counts from the earning day. 0..1200; zero means no inactivity rule.
	InactivityMonths int
	// Location is where days are read (clv.CalendarDay); nil means UTC.
	Location *time.Location
}

// maxMonths bounds the expiry rules: a century.
const maxMonths = 1200

// Ledger is a loyalty points ledger: per customer, earn, redeem and adjust
// events and the expiries its rules derive from them. It keeps the
// programme the six-methods article recommends — customers "acumulan
// puntos que pueden canjear por descuentos en futuras compras" ("¿Por qué
// es importante sumar valor en el ciclo de vida del cliente?", 2023) — and
// pays the ladder article's rewards to customers who climb (GrantEvents).
// Points are consumed first in, first out: a redemption spends the oldest
// lot first, which, lots expiring in the order they were earned, is also
// the lot closest to expiry.
//
// A balance is never negative: a redemption or negative adjustment beyond
// the balance as of its time is refused, so one that arrives before the
// earns covering it is refused until they are in (post them together, or
// again later). The state is a function of the set of events accepted,
// whatever the order they arrived in: every query replays a customer's
// events in time order (ties: credits before debits, then by ID). A
// Ledger is safe for concurrent use. Build one with
// NewLedger; the zero Ledger is an empty ledger whose points never expire,
// with days in UTC.
type Ledger struct {
	opts LedgerOptions

	mu       sync.RWMutex
	byID     map[string]PointsEvent
	accounts map[string][]PointsEvent // each in canonical order
}

// NewLedger returns an empty ledger with the given expiry rules, or an
// error naming the option out of range.
func NewLedger(opts LedgerOptions) (*Ledger, error) {
	for _, o := range [...]struct {
		name string
		v    int
	}{{"ExpiryMonths", opts.ExpiryMonths}, {"InactivityMonths", opts.InactivityMonths}} {
		if o.v < 0 || o.v > maxMonths {
			return nil, fmt.Errorf("%w: LedgerOptions.%s %d outside 0..%d", ErrInvalidConfig, o.name, o.v, maxMonths)
		}
	}
	return &Ledger{opts: opts}, nil
}

// Options returns the ledger's options.
func (l *Ledger) Options() LedgerOptions {
	if l == nil {
		return LedgerOptions{}
	}
	return l.opts
}

// rank orders events at the same instant: credits before debits.
func (e PointsEvent) rank() int {
	switch {
	case e.Kind == Earn:
		return 0
	case e.Kind == Adjust && e.Points > 0:
		return 1
	case e.Kind == Redeem:
		return 2
	}
	return 3
}

// compareEvents is the order events are applied in: time, credits before
// debits, ID.
func compareEvents(a, b PointsEvent) int {
	return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.rank(), b.rank()), cmp.Compare(a.ID, b.ID))
}

// same reports whether two events with the same ID are the same event (the
// same instant, whatever the zone it is written in).
func same(a, b PointsEvent) bool {
	return a.ID == b.ID && a.Customer == b.Customer && a.Time.Equal(b.Time) && a.Kind == b.Kind && a.Points == b.Points && a.Reason == b.Reason
}

// checkTime reports a zero time or one outside years 1 to 9999.
func checkTime(what string, t time.Time) error {
	if t.IsZero() {
		return fmt.Errorf("%w: %s is the zero time", ErrInvalidInput, what)
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return fmt.Errorf("%w: %s in year %d, outside 1 to 9999", ErrInvalidInput, what, y)
	}
	return nil
}

// validate checks one event as posted.
func (e PointsEvent) validate() error {
	switch {
	case e.ID == "":
		return fmt.Errorf("%w: empty event ID", ErrInvalidInput)
	case e.Customer == "":
		return fmt.Errorf("%w: event %s has an empty customer ID", ErrInvalidInput, clip.Quote(e.ID))
	}
	if y := e.Time.Year(); e.Time.IsZero() || y < 2 || y > 9998 { // the exact check near the edges only
		if err := checkTime("event "+clip.Quote(e.ID)+": time", e.Time); err != nil {
			return err
		}
	}
	switch e.Kind {
	case Earn, Redeem:
		if e.Points <= 0 {
			return fmt.Errorf("%w: event %s: %s of %d points, want > 0", ErrInvalidInput, clip.Quote(e.ID), e.Kind, e.Points)
		}
	case Adjust:
		if e.Points == 0 || e.Points == math.MinInt64 {
			return fmt.Errorf("%w: event %s: adjustment of %d points, want a non-zero count above %d", ErrInvalidInput, clip.Quote(e.ID), e.Points, int64(math.MinInt64))
		}
	case Expire:
		return fmt.Errorf("%w: event %s: expiries are derived from the ledger's rules, not posted (remove points with a negative Adjust)", ErrInvalidInput, clip.Quote(e.ID))
	default:
		return fmt.Errorf("%w: event %s: unknown kind %d", ErrInvalidInput, clip.Quote(e.ID), int8(e.Kind))
	}
	return nil
}

// Post adds events to the ledger, all or none. Each event must be valid
// (see PointsEvent); an ID already posted, or repeated in the batch, is
// skipped when the event is identical and an ErrEventConflict otherwise.
// The accounts the batch touches are replayed in time order, and if any
// redemption or negative adjustment — posted now or before — would exceed
// the balance as of its time, or a balance would pass math.MaxInt64, the
// whole batch is refused (ErrInsufficientPoints, or ErrInvalidInput for the
// overflow) and the ledger is unchanged. Errors name the event and the
// customer.
func (l *Ledger) Post(events ...PointsEvent) error {
	if l == nil {
		return fmt.Errorf("%w: Post on a nil Ledger (build one with NewLedger)", ErrInvalidConfig)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fresh := map[string][]PointsEvent{}
	batch := make(map[string]PointsEvent, len(events))
	for i, e := range events {
		if err := e.validate(); err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
		old, ok := l.byID[e.ID]
		if !ok {
			old, ok = batch[e.ID]
		}
		if ok {
			if !same(old, e) {
				return fmt.Errorf("%w: event %d: ID %s was posted for customer %s at %s (%s %d)", ErrEventConflict,
					i, clip.Quote(e.ID), clip.Quote(old.Customer), old.Time.UTC().Format(time.RFC3339Nano), old.Kind, old.Points)
			}
			continue
		}
		batch[e.ID] = e
		fresh[e.Customer] = append(fresh[e.Customer], e)
	}
	merged := make(map[string][]PointsEvent, len(fresh))
	for _, c := range slices.Sorted(maps.Keys(fresh)) {
		add := fresh[c]
		slices.SortFunc(add, compareEvents)
		all := mergeEvents(l.accounts[c], add)
		if _, err := l.replay(c, all, time.Time{}, false); err != nil {
			return err
		}
		merged[c] = all
	}
	if len(l.byID) == 0 {
		l.byID, l.accounts = batch, map[string][]PointsEvent{}
	} else {
		maps.Copy(l.byID, batch)
	}
	maps.Copy(l.accounts, merged)
	return nil
}

// mergeEvents merges two slices in canonical order into a new one.
func mergeEvents(a, b []PointsEvent) []PointsEvent {
	out := make([]PointsEvent, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if compareEvents(a[i], b[j]) <= 0 {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return append(append(out, a[i:]...), b[j:]...)
}

// Lot is points credited together (by an earn or a positive adjustment)
// and what is left of them.
type Lot struct {
	// Event is the ID of the event that credited the lot, and Earned its
	// time.
	Event  string
	Earned time.Time
	// Expires is the first instant the lot's points are gone by the
	// ExpiryMonths rule (the start of that day in the ledger's location);
	// zero when lots never expire. The inactivity rule may expire them
	// sooner.
	Expires time.Time
	// Points were credited; Remaining are left (0 < Remaining ≤ Points).
	Points, Remaining int64
}

// Entry is a line of a customer's statement: an event, posted or derived
// (Expire), and the balance after it.
type Entry struct {
	PointsEvent
	// Balance is the customer's points after the entry (≥ 0).
	Balance int64
}

// account is a customer's state during a replay.
type account struct {
	lots    []lot // in the order they were credited; head first
	head    int
	balance int64
	// lastActive is the day of the last event; active is false before the
	// first.
	lastActive int64
	active     bool
	customer   string
	entries    []Entry
}

type lot struct {
	Lot
	expires int64 // day number; math.MaxInt64 when never
}

// monthsAfter returns the day number months calendar months after day,
// clamped to the last day of the target month.
func monthsAfter(day int64, months int) int64 {
	y, m, d := time.Unix(day*86400, 0).UTC().Date()
	idx := y*12 + int(m) - 1 + months
	ny, nm := idx/12, time.Month(idx%12+1)
	last := time.Date(ny, nm+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return time.Date(ny, nm, min(d, last), 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// replay applies a customer's events (canonical order) up to asOf (zero:
// all of them, and the expiries up to the last one), and returns the
// account. An event the balance cannot bear is an error naming it.
func (l *Ledger) replay(customer string, events []PointsEvent, asOf time.Time, entries bool) (*account, error) {
	loc := l.opts.Location
	a := &account{customer: customer}
	if entries {
		a.entries = []Entry{}
	}
	for _, e := range events {
		if !asOf.IsZero() && e.Time.After(asOf) {
			break
		}
		day := clv.CalendarDay(e.Time, loc)
		l.expire(a, day)
		switch {
		case e.Kind == Earn || e.Kind == Adjust && e.Points > 0:
			if a.balance > math.MaxInt64-e.Points {
				return nil, fmt.Errorf("%w: customer %s, event %s: %d points on a balance of %d pass the largest count, %d", ErrInvalidInput,
					clip.Quote(customer), clip.Quote(e.ID), e.Points, a.balance, int64(math.MaxInt64))
			}
			x := Lot{Event: e.ID, Earned: e.Time, Points: e.Points, Remaining: e.Points}
			exp := int64(math.MaxInt64)
			if l.opts.ExpiryMonths > 0 {
				exp = monthsAfter(day, l.opts.ExpiryMonths)
				x.Expires = clv.DayStart(exp, loc)
			}
			a.lots = append(a.lots, lot{Lot: x, expires: exp})
			a.balance += e.Points
		default:
			take := e.Points
			if e.Kind == Adjust {
				take = -take
			}
			if take > a.balance {
				return nil, fmt.Errorf("%w: customer %s, event %s: %s of %d points at %s exceeds the balance of %d", ErrInsufficientPoints,
					clip.Quote(customer), clip.Quote(e.ID), e.Kind, take, e.Time.UTC().Format(time.RFC3339), a.balance)
			}
			a.balance -= take
			for take > 0 {
				h := &a.lots[a.head]
				used := min(take, h.Remaining)
				h.Remaining -= used
				take -= used
				if h.Remaining == 0 {
					a.head++
				}
			}
		}
		a.lastActive, a.active = day, true
		if entries {
			a.entries = append(a.entries, Entry{PointsEvent: e, Balance: a.balance})
		}
	}
	if !asOf.IsZero() {
		l.expire(a, clv.CalendarDay(asOf, loc))
	}
	return a, nil
}

// expire removes the points that the expiry rules take by the start of
// day, in the order the rules take them.
func (l *Ledger) expire(a *account, day int64) {
	inactive := int64(math.MaxInt64)
	if l.opts.InactivityMonths > 0 && a.active {
		inactive = monthsAfter(a.lastActive, l.opts.InactivityMonths)
	}
	for a.head < len(a.lots) {
		h := &a.lots[a.head]
		switch {
		case h.Remaining == 0:
			a.head++
			continue
		case h.expires <= day && h.expires <= inactive:
			l.drop(a, h, h.expires, "expired "+strconv.Itoa(l.opts.ExpiryMonths)+" months after earning")
		case inactive <= day:
			l.drop(a, h, inactive, "no activity for "+strconv.Itoa(l.opts.InactivityMonths)+" months")
		default:
			return
		}
		a.head++
	}
}

// drop expires what is left of lot h on day.
func (l *Ledger) drop(a *account, h *lot, day int64, why string) {
	a.balance -= h.Remaining
	if a.entries != nil {
		a.entries = append(a.entries, Entry{PointsEvent: PointsEvent{ID: "expire/" + h.Event, Customer: a.customer, Time: clv.DayStart(day, l.opts.Location),
			Kind: Expire, Points: h.Remaining, Reason: why}, Balance: a.balance})
	}
	h.Remaining = 0
}

// account replays a customer's events as of asOf.
func (l *Ledger) accountAsOf(customer string, asOf time.Time, entries bool) (*account, error) {
	if l == nil {
		return nil, fmt.Errorf("%w: nil Ledger (build one with NewLedger)", ErrInvalidConfig)
	}
	if err := checkTime("as-of", asOf); err != nil {
		return nil, err
	}
	l.mu.RLock()
	events := l.accounts[customer]
	l.mu.RUnlock()
	a, err := l.replay(customer, events, asOf, entries)
	if err != nil {
		// Unreachable: the ledger holds only accounts that replayed whole,
		// and a replay up to asOf is a prefix of that one.
		return nil, err
	}
	return a, nil
}

// Balance returns a customer's points as of asOf (events and expiries up to
// and including that instant; years 1 to 9999): 0 for a customer with no
// events.
func (l *Ledger) Balance(customer string, asOf time.Time) (int64, error) {
	a, err := l.accountAsOf(customer, asOf, false)
	if err != nil {
		return 0, err
	}
	return a.balance, nil
}

// Lots returns a customer's lots with points left as of asOf, in the order
// they will be spent (oldest first). Their Remaining sum to the Balance.
func (l *Ledger) Lots(customer string, asOf time.Time) ([]Lot, error) {
	a, err := l.accountAsOf(customer, asOf, false)
	if err != nil {
		return nil, err
	}
	var out []Lot
	for _, x := range a.lots[a.head:] {
		if x.Remaining > 0 {
			out = append(out, x.Lot)
		}
	}
	return out, nil
}

// Entries returns a customer's statement up to asOf: the posted events in
// the order they apply, with the expiries the rules derived (Kind Expire,
// ID "expire/" and the ID of the lot's event, Time the start of the day
// the lot expired), each with the balance after it.
func (l *Ledger) Entries(customer string, asOf time.Time) ([]Entry, error) {
	a, err := l.accountAsOf(customer, asOf, true)
	if err != nil {
		return nil, err
	}
	return a.entries, nil
}

// Customers returns the IDs of the customers with events, in byte-wise
// order.
func (l *Ledger) Customers() []string {
	if l == nil {
		return nil
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	return slices.Sorted(maps.Keys(l.accounts))
}

// Events returns every posted event, by customer (byte-wise) and in the
// order they apply: what to store so that a new ledger with the same
// options, posted the same events, is the same ledger.
func (l *Ledger) Events() []PointsEvent {
	var out []PointsEvent
	for _, events := range l.snapshot() {
		out = append(out, events...)
	}
	return out
}

// snapshot returns the accounts at one instant, by customer in byte-wise
// order. Post never changes a stored slice (it stores merged copies), so
// the slices can be read without the lock.
func (l *Ledger) snapshot() iter.Seq2[string, []PointsEvent] {
	if l == nil {
		return func(func(string, []PointsEvent) bool) {}
	}
	l.mu.RLock()
	ids := slices.Sorted(maps.Keys(l.accounts))
	events := make([][]PointsEvent, len(ids))
	for i, c := range ids {
		events[i] = l.accounts[c]
	}
	l.mu.RUnlock()
	return func(yield func(string, []PointsEvent) bool) {
		for i, c := range ids {
			if !yield(c, events[i]) {
				return
			}
		}
	}
}

// Liability is the money the programme owes as of a date: the points
// outstanding valued at what a point is worth, less the share expected
// never to be redeemed (breakage).
type Liability struct {
	// AsOf is the instant the points were counted at, as given.
	AsOf time.Time
	// Points are outstanding across the ledger; Customers counts those with
	// a positive balance.
	Points    int64
	Customers int
	// ValuePerPoint is what redeeming one point costs the programme (money,
	// ≥ 0) and Breakage the share of outstanding points expected never to be
	// redeemed, in [0, 1].
	ValuePerPoint decimal.Decimal
	Breakage      float64
	// Amount is Points × ValuePerPoint × (1 − Breakage), rounded once to the
	// cent, half to even (clv.RoundMoney).
	Amount decimal.Decimal
	// Reason's Terms are the face value (Points × ValuePerPoint, rounded)
	// and minus the breakage, summing to Amount.
	Reason clv.Explanation
}

// RuleLiability is Ledger.Liability's rule: the programme owes the
// outstanding points at their value, less breakage.
const RuleLiability clv.Rule = "points/liability"

// Liability returns the programme's liability as of asOf (years 1 to 9999):
// outstanding points × valuePerPoint (money, ≥ 0) × (1 − breakage)
// (breakage in [0, 1]), computed in exact decimal arithmetic with 1 −
// breakage in its shortest decimal form, and rounded once by the SDK's
// rule (clv.RoundMoney). Outstanding points beyond math.MaxInt64 are an
// error.
func (l *Ledger) Liability(asOf time.Time, valuePerPoint decimal.Decimal, breakage float64) (Liability, error) {
	if l == nil {
		return Liability{}, fmt.Errorf("%w: Liability on a nil Ledger (build one with NewLedger)", ErrInvalidConfig)
	}
	if err := checkTime("as-of", asOf); err != nil {
		return Liability{}, err
	}
	if valuePerPoint.Sign() < 0 {
		return Liability{}, fmt.Errorf("%w: value per point %s is negative", ErrInvalidInput, clip.Decimal(valuePerPoint))
	}
	if !(breakage >= 0 && breakage <= 1) {
		return Liability{}, fmt.Errorf("%w: breakage %v outside [0, 1]", ErrInvalidInput, breakage)
	}
	out := Liability{AsOf: asOf, ValuePerPoint: valuePerPoint, Breakage: breakage}
	for c, events := range l.snapshot() {
		a, err := l.replay(c, events, asOf, false)
		if err != nil {
			return Liability{}, err // unreachable, as in accountAsOf
		}
		b := a.balance
		if b > math.MaxInt64-out.Points {
			return Liability{}, fmt.Errorf("%w: outstanding points pass %d at customer %s", ErrInvalidInput, int64(math.MaxInt64), clip.Quote(c))
		}
		if b > 0 {
			out.Points += b
			out.Customers++
		}
	}
	face := decimal.NewFromInt(out.Points).Mul(valuePerPoint)
	out.Amount = clv.RoundMoney(face.Mul(decimal.NewFromFloat(1 - breakage)))
	faceRounded := clv.RoundMoney(face)
	out.Reason = clv.Explanation{Rule: RuleLiability,
		Facts: []clv.Fact{
			{Name: "outstanding points", Value: strconv.FormatInt(out.Points, 10)},
			{Name: "value per point", Value: valuePerPoint.String()},
			{Name: "breakage", Value: strconv.FormatFloat(breakage, 'g', -1, 64)},
		},
		Terms: []clv.Term{{Name: "face value", Amount: faceRounded}, {Name: "breakage", Amount: out.Amount.Sub(faceRounded)}}}
	return out, nil
}

// GrantEvents turns ladder rewards into points: one Earn event per grant
// with points (a grant of a benefit only, Points 0, makes none), in grant
// order, at the time at gives it (typically the snapshot the customer
// climbed at; years 1 to 9999). The event ID is derived from the grant —
// customer, move and Period, as `ladder-reward "ana" 1>2 period 3` — so
// posting the events of the same grants again changes nothing, and a grant
// re-posted at another time is an ErrEventConflict rather than a second
// reward. Periods must therefore be counted from a fixed origin (Moves of
// Paths count them from each customer's first snapshot). A grant with an
// empty customer or negative points, or a nil at, is an error naming it.
func GrantEvents(grants []Grant, at func(Grant) time.Time) ([]PointsEvent, error) {
	if at == nil {
		return nil, fmt.Errorf("%w: GrantEvents needs a time for the grants, got a nil func", ErrInvalidInput)
	}
	var out []PointsEvent
	for i, g := range grants {
		switch {
		case g.Customer == "":
			return nil, fmt.Errorf("%w: grant %d has an empty customer ID", ErrInvalidInput, i)
		case g.Reward.Points < 0:
			return nil, fmt.Errorf("%w: grant %d (customer %s): Points %d is negative", ErrInvalidInput, i, clip.Quote(g.Customer), g.Reward.Points)
		case g.Reward.Points == 0:
			continue
		}
		t := at(g)
		if err := checkTime(fmt.Sprintf("grant %d (customer %s): time", i, clip.Quote(g.Customer)), t); err != nil {
			return nil, err
		}
		reason := fmt.Sprintf("ladder reward %d→%d", g.Reward.From, g.Reward.To)
		if g.Reward.Benefit != "" {
			reason += ": " + g.Reward.Benefit
		}
		out = append(out, PointsEvent{
			ID:       fmt.Sprintf("ladder-reward %q %d>%d period %d", g.Customer, g.Reward.From, g.Reward.To, g.Period),
			Customer: g.Customer, Time: t, Kind: Earn, Points: int64(g.Reward.Points), Reason: reason,
		})
	}
	return out, nil
}
