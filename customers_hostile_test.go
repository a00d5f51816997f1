package clvkit

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // America/Sao_Paulo must exist on every machine

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
	gen "github.com/clvkit/clvkit/internal/hostile"
	"github.com/clvkit/clvkit/ladder"
	"github.com/clvkit/clvkit/lifecycle"
	"github.com/clvkit/clvkit/pesca"
)

// Hostile input for Build: what a careless or malicious caller can hand it.
// Every case asks for no panic and either a clear error wrapping a named
// sentinel or a documented, correct result.

// hostileModel is the BG/NBD of Fader, Hardie & Lee (2005) on CDNOW, in
// weeks; hostileSpend a known spend per purchase. Tests that are not about
// fitting pass both, so that a tiny log is not a fitting problem.
var (
	hostileModel = clv.BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258, Unit: clv.UnitWeek}
	hostileSpend = clv.FixedSpend{Amount: decimal.RequireFromString("25.00")}
	hostileEnd   = time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)
)

// buy is a purchase daysBefore days before hostileEnd.
func buy(id string, daysBefore int, amount string) clv.Purchase {
	return clv.Purchase{Transaction: clv.Transaction{Customer: id, Time: hostileEnd.AddDate(0, 0, -daysBefore), Amount: decimal.RequireFromString(amount)}}
}

// smallLog is three customers: a repeat buyer, a one-time buyer and one
// who bought twice on one day and again later.
func smallLog() []clv.Purchase {
	return []clv.Purchase{
		buy("alice", 200, "10.00"), buy("alice", 120, "20.00"), buy("alice", 30, "30.00"),
		buy("bob", 90, "15.00"),
		buy("carol", 60, "5.00"), buy("carol", 60, "7.00"), buy("carol", 10, "9.00"),
	}
}

// smallOpts are options that need no fitting.
func smallOpts() Options {
	return Options{End: hostileEnd, Purchase: hostileModel, Spend: hostileSpend}
}

// counted returns a sequence over ps and the number of purchases it has
// yielded so far.
func counted(ps []clv.Purchase) (iter.Seq[clv.Purchase], *int) {
	n := new(int)
	return func(yield func(clv.Purchase) bool) {
		for _, p := range ps {
			*n++
			if !yield(p) {
				return
			}
		}
	}, n
}

// reporter is what the helpers need of a *testing.T or a *rapid.T.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// build calls Build and turns a panic into a test failure.
func build(t reporter, ctx context.Context, seq iter.Seq[clv.Purchase], opts Options) (b *Base, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("Build panicked: %v", r)
			b, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return Build(ctx, seq, opts)
}

// wantErr checks that err wraps sentinel and does not echo a long value
// whole.
func wantErr(t *testing.T, what string, err error, sentinel error) {
	t.Helper()
	switch {
	case err == nil:
		t.Errorf("%s: no error, want one wrapping %v", what, sentinel)
	case !errors.Is(err, sentinel):
		t.Errorf("%s: error %q does not wrap %v", what, err, sentinel)
	case strings.Contains(err.Error(), strings.Repeat("x", 41)):
		t.Errorf("%s: error echoes a long value whole (%d bytes)", what, len(err.Error()))
	}
}

// checkBase checks the invariants every base keeps: customers in strictly
// increasing ID order, probabilities in [0, 1], finite non-negative
// expectations, and values rounded to the cent.
func checkBase(t reporter, b *Base) {
	t.Helper()
	for i, c := range b.Customers {
		if i > 0 && b.Customers[i-1].ID >= c.ID {
			t.Errorf("customers %d and %d out of order: %.20q ≥ %.20q", i-1, i, b.Customers[i-1].ID, c.ID)
		}
		if !(c.ProbabilityAlive >= 0 && c.ProbabilityAlive <= 1) {
			t.Errorf("%.20q: P(alive) %v", c.ID, c.ProbabilityAlive)
		}
		if !(c.ExpectedPurchases >= 0) || math.IsInf(c.ExpectedPurchases, 0) || !(c.ValuedPurchases >= 0) || math.IsInf(c.ValuedPurchases, 0) {
			t.Errorf("%.20q: expected purchases %v, valued purchases %v", c.ID, c.ExpectedPurchases, c.ValuedPurchases)
		}
		if !c.Value.Equal(c.Value.Round(2)) || c.Value.Sign() < 0 {
			t.Errorf("%.20q: value %s is not a non-negative amount in cents", c.ID, c.Value)
		}
		if c.Summary.ID != c.ID || c.First > c.Last {
			t.Errorf("%.20q: summary of %.20q, first day %d, last %d", c.ID, c.Summary.ID, c.First, c.Last)
		}
	}
}

func TestHostileNilAndEmptySequences(t *testing.T) {
	ctx := context.Background()
	_, err := build(t, ctx, nil, smallOpts())
	wantErr(t, "nil sequence", err, clv.ErrInvalidOptions)

	_, err = build(t, ctx, func(func(clv.Purchase) bool) {}, smallOpts())
	wantErr(t, "empty sequence", err, ErrNoCustomers)

	_, err = build(t, ctx, slices.Values([]clv.Purchase(nil)), smallOpts())
	wantErr(t, "nil slice", err, ErrNoCustomers)
}

func TestHostileZeroOptions(t *testing.T) {
	seq, n := counted(smallLog())
	_, err := build(t, context.Background(), seq, Options{})
	wantErr(t, "zero options", err, clv.ErrInvalidOptions)
	if *n != 0 {
		t.Errorf("zero options: read %d purchases before reporting the missing End", *n)
	}
	_, err = build(t, context.Background(), slices.Values(smallLog()), Options{End: hostileEnd, Unit: clv.Unit(9)})
	wantErr(t, "unknown unit", err, clv.ErrInvalidOptions)
}

// With every purchase after End there are no customers: ErrNoCustomers,
// not an empty base, nor a fit on nothing.
func TestHostileEndBeforeEveryPurchase(t *testing.T) {
	ctx := context.Background()
	opts := smallOpts()
	opts.End = hostileEnd.AddDate(-1, 0, 0)
	_, err := build(t, ctx, slices.Values(smallLog()), opts)
	wantErr(t, "End before every purchase", err, ErrNoCustomers)

	// Without models too: no fitting on an empty base.
	_, err = build(t, ctx, slices.Values(smallLog()), Options{End: opts.End})
	wantErr(t, "End before every purchase, no models", err, ErrNoCustomers)
}

// The message of ErrNoCustomers names the observation end as a calendar day
// in Location, the day Build counted up to — not the date End shows in its
// own zone.
func TestHostileNoCustomersNamesTheEndDayInLocation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// 23:00 in New York on 1 January is 2 January in UTC, Build's default
	// Location: purchases on 2 January UTC count.
	end := time.Date(2024, 1, 1, 23, 0, 0, 0, ny)
	ps := []clv.Purchase{{Transaction: clv.Transaction{Customer: "a", Time: time.Date(2024, 1, 3, 12, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(1)}}}
	_, err = build(t, context.Background(), slices.Values(ps), Options{End: end, Purchase: hostileModel, Spend: hostileSpend})
	wantErr(t, "no customers", err, ErrNoCustomers)
	if err != nil && !strings.Contains(err.Error(), "2024-01-02") {
		t.Errorf("error %q names End's own date, not the calendar day 2024-01-02 in UTC that Build counted up to", err)
	}
}

// Invalid purchases are errors naming their position, wrapping
// clv.ErrInvalidTransaction, wherever they are (after End too: the doc
// says an invalid purchase is an error), and never echo a huge ID whole.
func TestHostileInvalidPurchases(t *testing.T) {
	longID := strings.Repeat("x", 10_000)
	cases := []struct {
		name string
		bad  clv.Purchase
	}{
		{"empty customer ID", clv.Purchase{Transaction: clv.Transaction{Time: hostileEnd, Amount: decimal.NewFromInt(1)}}},
		{"zero time", clv.Purchase{Transaction: clv.Transaction{Customer: longID, Amount: decimal.NewFromInt(1)}}},
		{"negative amount", clv.Purchase{Transaction: clv.Transaction{Customer: longID, Time: hostileEnd, Amount: decimal.NewFromInt(-5)}}},
		{"negative huge amount", clv.Purchase{Transaction: clv.Transaction{Customer: longID, Time: hostileEnd, Amount: decimal.New(-1, 400)}}},
		{"negative amount after End", clv.Purchase{Transaction: clv.Transaction{Customer: longID, Time: hostileEnd.AddDate(1, 0, 0), Amount: decimal.NewFromInt(-5)}}},
		{"time out of range", clv.Purchase{Transaction: clv.Transaction{Customer: longID, Time: time.Date(-300_000_000, 1, 1, 0, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(1)}}},
	}
	for _, tc := range cases {
		ps := smallLog()
		ps = slices.Insert(ps, 3, tc.bad)
		_, err := build(t, context.Background(), slices.Values(ps), smallOpts())
		wantErr(t, tc.name, err, clv.ErrInvalidTransaction)
		if err != nil && !strings.Contains(err.Error(), "purchase 3") {
			t.Errorf("%s: error %q does not name position 3", tc.name, err)
		}
		if err != nil && len(err.Error()) > 400 {
			t.Errorf("%s: error is %d bytes long", tc.name, len(err.Error()))
		}
	}
}

// A 10⁴⁰⁰ first purchase is not repeat spend: the base is built. A 10⁴⁰⁰
// repeat purchase cannot be a float64 mean: fitting Gamma-Gamma fails with
// clv.ErrInvalidSummary — but with a spend model given, nothing reads it as
// a float and the base is built.
func TestHostileHugeAmounts(t *testing.T) {
	ctx := context.Background()
	ps := cdnowPurchases(t)
	first := slices.Clone(ps)
	first[0].Amount = decimal.New(1, 400) // 0001's first purchase
	b, err := build(t, ctx, slices.Values(first), Options{End: cdnowEnd, Unit: clv.UnitWeek})
	if err != nil {
		t.Fatalf("huge first purchase: %v", err)
	}
	checkBase(t, b)
	if c, _ := b.Customer("0001"); !c.RFM.Spend.GreaterThan(decimal.New(1, 399)) || c.RFM.M != 5 {
		t.Errorf("huge first purchase: RFM %+v", c.RFM)
	}

	repeat := slices.Clone(ps)
	repeat[1].Amount = decimal.New(1, 400) // 0001's first repeat purchase
	_, err = build(t, ctx, slices.Values(repeat), Options{End: cdnowEnd, Unit: clv.UnitWeek})
	wantErr(t, "huge repeat purchase", err, clv.ErrInvalidSummary)

	b, err = build(t, ctx, slices.Values(repeat), Options{End: cdnowEnd, Unit: clv.UnitWeek, Spend: hostileSpend})
	if err != nil {
		t.Fatalf("huge repeat purchase with a spend model: %v", err)
	}
	checkBase(t, b)
	if c, _ := b.Customer("0001"); !c.Summary.MonetaryValue.GreaterThan(decimal.New(1, 399)) || !c.ExpectedSpend.Equal(hostileSpend.Amount) {
		t.Errorf("huge repeat purchase: summary %+v, spend %s", c.Summary, c.ExpectedSpend)
	}

	// A huge value under a ladder and offers: decimal all the way.
	l, err := ladder.NewLadder([]ladder.Rung{{Name: "all"}, {Name: "big", MinSpend: decimal.New(1, 300)}}, ladder.LadderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err = build(t, ctx, slices.Values(first), Options{End: cdnowEnd, Unit: clv.UnitWeek, Ladder: l})
	if err != nil {
		t.Fatalf("huge first purchase, ladder: %v", err)
	}
	if c, _ := b.Customer("0001"); c.Rung != 1 {
		t.Errorf("huge first purchase: rung %d, want 1 (spend 10^400 in the window)", c.Rung)
	}
}

// A spend of 10⁴⁰⁰ per purchase is no float64: valuing it is an error
// wrapping clv.ErrInvalidParams, which names the customer cut short, as
// every error of the SDK does.
func TestHostileHugeSpendWithLongID(t *testing.T) {
	long := strings.Repeat("x", 10_000)
	ps := []clv.Purchase{buy(long, 30, "1"), buy(long, 3, "1")}
	_, err := build(t, context.Background(), slices.Values(ps), Options{End: hostileEnd, Purchase: hostileModel, Spend: clv.FixedSpend{Amount: decimal.New(1, 400)}})
	wantErr(t, "spend 10^400", err, clv.ErrInvalidParams)
}

// 10,000-character IDs and products change nothing but the names.
func TestHostileLongIDsAndProducts(t *testing.T) {
	ctx := context.Background()
	ps := cdnowPurchases(t)
	prefix, product := strings.Repeat("x", 10_000), strings.Repeat("p", 10_000)
	long := slices.Clone(ps)
	for i := range long {
		long[i].Customer = prefix + long[i].Customer
		long[i].Product = product
		long[i].Channel = product
	}
	short, err := build(t, ctx, slices.Values(ps), Options{End: cdnowEnd, Unit: clv.UnitWeek})
	if err != nil {
		t.Fatal(err)
	}
	b, err := build(t, ctx, slices.Values(long), Options{End: cdnowEnd, Unit: clv.UnitWeek})
	if err != nil {
		t.Fatal(err)
	}
	checkBase(t, b)
	if len(b.Customers) != len(short.Customers) {
		t.Fatalf("%d customers with long IDs, %d with short", len(b.Customers), len(short.Customers))
	}
	for i, c := range b.Customers {
		s := short.Customers[i]
		if c.ID != prefix+s.ID || c.ProbabilityAlive != s.ProbabilityAlive || !c.Value.Equal(s.Value) || c.Phase != s.Phase || c.Segment != s.Segment {
			t.Fatalf("customer %d (%s): with a long ID P(alive) %v value %s %v/%s; with the short one %v %s %v/%s",
				i, s.ID, c.ProbabilityAlive, c.Value, c.Phase, c.Segment, s.ProbabilityAlive, s.Value, s.Phase, s.Segment)
		}
		if len(c.Products) != 1 || c.Products[0] != product || c.FirstChannel != product {
			t.Fatalf("customer %s: products %d, first channel %d bytes", s.ID, len(c.Products), len(c.FirstChannel))
		}
	}
	if c, ok := b.Customer(prefix + "0001"); !ok || c.Summary.Frequency != 2 {
		t.Errorf("lookup by a 10,004-byte ID: %v", ok)
	}
}

// The same purchase repeated is one purchase day whose amounts add up.
func TestHostileRepeatedPurchase(t *testing.T) {
	p := buy("dup", 40, "12.34")
	p.Product, p.Channel = "widget", "web"
	ps := slices.Repeat([]clv.Purchase{p}, 50)
	ps = append(ps, buy("dup", 100, "1.00"), buy("other", 10, "3.00"))
	b, err := build(t, context.Background(), slices.Values(ps), smallOpts())
	if err != nil {
		t.Fatal(err)
	}
	checkBase(t, b)
	c, _ := b.Customer("dup")
	if c.Summary.Frequency != 1 || !c.Summary.MonetaryValue.Equal(decimal.RequireFromString("617")) {
		t.Errorf("50 identical purchases: summary %+v, want frequency 1 and repeat spend 617.00", c.Summary)
	}
	if !slices.Equal(c.Products, []string{"widget"}) || c.FirstChannel != "" {
		t.Errorf("products %q, first channel %q (the first purchase had none)", c.Products, c.FirstChannel)
	}
	if c.RFM.Purchases != 2 || !c.RFM.Spend.Equal(decimal.RequireFromString("618")) {
		t.Errorf("RFM %+v, want 2 purchase days and spend 618", c.RFM)
	}
}

// One customer, or only one-time buyers: the BG/NBD fit is not identified.
// Build says so with clv.ErrBoundary (or clv.ErrNotConverged), never with a
// NaN in the base.
func TestHostileUnidentifiedFits(t *testing.T) {
	ctx := context.Background()
	one := []clv.Purchase{buy("solo", 300, "10"), buy("solo", 200, "20"), buy("solo", 20, "5")}
	_, err := build(t, ctx, slices.Values(one), Options{End: hostileEnd})
	wantErr(t, "one customer", err, clv.ErrNotConverged)

	var once []clv.Purchase
	for i := range 500 {
		once = append(once, buy(fmt.Sprintf("c%03d", i), i%300, "10"))
	}
	_, err = build(t, ctx, slices.Values(once), Options{End: hostileEnd})
	wantErr(t, "all one-time buyers", err, clv.ErrBoundary)

	// With the purchase model given, all one-time buyers leave Gamma-Gamma
	// without data: the documented fallback is the mean repeat spend (0),
	// with a note.
	b, err := build(t, ctx, slices.Values(once), Options{End: hostileEnd, Purchase: hostileModel})
	if err != nil {
		t.Fatalf("all one-time buyers, model given: %v", err)
	}
	checkBase(t, b)
	if len(b.Notes) == 0 || b.Spend == nil {
		t.Errorf("all one-time buyers: notes %q, spend %v", b.Notes, b.Spend)
	}
	for _, c := range b.Customers {
		if !c.Value.IsZero() || !c.ExpectedSpend.IsZero() {
			t.Fatalf("%s: value %s at a mean repeat spend of 0", c.ID, c.Value)
		}
	}

	// One customer with both models given is an ordinary base.
	b, err = build(t, ctx, slices.Values(one), smallOpts())
	if err != nil || len(b.Customers) != 1 {
		t.Fatalf("one customer, models given: %v", err)
	}
	checkBase(t, b)
}

// A purchase model in weeks for a base in days is converted, never misread:
// the base equals one built with the model converted by hand.
func TestHostileModelInAnotherUnit(t *testing.T) {
	ctx := context.Background()
	ps := cdnowPurchases(t)
	weekly, err := build(t, ctx, slices.Values(ps), Options{End: cdnowEnd, Purchase: hostileModel, Spend: hostileSpend})
	if err != nil {
		t.Fatal(err)
	}
	daily, err := build(t, ctx, slices.Values(ps), Options{End: cdnowEnd, Purchase: hostileModel.In(clv.UnitDay), Spend: hostileSpend})
	if err != nil {
		t.Fatal(err)
	}
	if weekly.Purchase.TimeUnit() != clv.UnitDay {
		t.Errorf("Base.Purchase in %v, want the base's unit (day)", weekly.Purchase.TimeUnit())
	}
	for i, w := range weekly.Customers {
		d := daily.Customers[i]
		if w.Summary.Unit != clv.UnitDay || math.Abs(w.ProbabilityAlive-d.ProbabilityAlive) > 1e-12 ||
			math.Abs(w.ExpectedPurchases-d.ExpectedPurchases) > 1e-9*max(1, d.ExpectedPurchases) || w.Phase != d.Phase {
			t.Fatalf("%s: weekly model %v/%v/%v, daily %v/%v/%v", w.ID, w.ProbabilityAlive, w.ExpectedPurchases, w.Phase, d.ProbabilityAlive, d.ExpectedPurchases, d.Phase)
		}
	}
	// A monthly base from the same weekly model.
	monthly, err := build(t, ctx, slices.Values(ps), Options{End: cdnowEnd, Unit: clv.UnitMonth, Purchase: hostileModel, Spend: hostileSpend})
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range monthly.Customers {
		d := daily.Customers[i]
		if math.Abs(m.ProbabilityAlive-d.ProbabilityAlive) > 1e-9 || math.Abs(m.ExpectedPurchases-d.ExpectedPurchases) > 1e-7*max(1, d.ExpectedPurchases) {
			t.Fatalf("%s: monthly %v/%v, daily %v/%v", m.ID, m.ProbabilityAlive, m.ExpectedPurchases, d.ProbabilityAlive, d.ExpectedPurchases)
		}
	}
}

// Invalid model parameters are errors wrapping clv.ErrInvalidParams.
func TestHostileInvalidModels(t *testing.T) {
	cases := []struct {
		name     string
		purchase clv.TransactionModel
		spend    clv.SpendModel
	}{
		{"negative r", clv.BGNBD{R: -1, Alpha: 1, A: 1, B: 1}, hostileSpend},
		{"NaN alpha", clv.BGNBD{R: 1, Alpha: math.NaN(), A: 1, B: 1}, hostileSpend},
		{"Inf b", clv.ParetoNBD{R: 1, Alpha: 1, S: 1, Beta: math.Inf(1)}, hostileSpend},
		{"negative fixed spend", hostileModel, clv.FixedSpend{Amount: decimal.NewFromInt(-1)}},
		{"invalid Gamma-Gamma", hostileModel, clv.GammaGamma{P: -1, Q: 1, Gamma: 1}},
		{"nil *BGNBD", (*clv.BGNBD)(nil), hostileSpend},
	}
	for _, tc := range cases {
		_, err := build(t, context.Background(), slices.Values(smallLog()), Options{End: hostileEnd, Purchase: tc.purchase, Spend: tc.spend})
		wantErr(t, tc.name, err, clv.ErrInvalidParams)
	}
}

// A nil pointer inside a non-nil SpendModel is the caller's mistake, to be
// reported as one (clv.ErrInvalidParams), not a nil dereference.
func TestHostileNilPointerSpendModel(t *testing.T) {
	for _, spend := range []clv.SpendModel{(*clv.GammaGamma)(nil), (*clv.FixedSpend)(nil)} {
		// Three customers: LifetimeValue values them on the calling
		// goroutine, so a panic is caught here instead of killing the test
		// binary (with 2,048 customers or more it happens on a worker).
		_, err := build(t, context.Background(), slices.Values(smallLog()), Options{End: hostileEnd, Purchase: hostileModel, Spend: spend})
		wantErr(t, fmt.Sprintf("Spend %T(nil)", spend), err, clv.ErrInvalidParams)
	}
}

// dayModel is a caller's own TransactionModel: here a BG/NBD under another
// type, in days.
type dayModel struct{ clv.BGNBD }

// Options.Purchase is a clv.TransactionModel: any implementation in the
// base's unit is usable as it is. Only a model in another unit needs
// clv.InUnit.
func TestHostileCallersOwnModel(t *testing.T) {
	ctx := context.Background()
	daily := hostileModel.In(clv.UnitDay)
	want, err := build(t, ctx, slices.Values(smallLog()), Options{End: hostileEnd, Purchase: daily, Spend: hostileSpend})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []clv.TransactionModel{dayModel{daily}, &daily} {
		b, err := build(t, ctx, slices.Values(smallLog()), Options{End: hostileEnd, Purchase: m, Spend: hostileSpend})
		if err != nil {
			t.Errorf("Purchase %T in the base's unit: %v", m, err)
			continue
		}
		for i, c := range b.Customers {
			if c.ProbabilityAlive != want.Customers[i].ProbabilityAlive || !c.Value.Equal(want.Customers[i].Value) || c.Phase != want.Customers[i].Phase {
				t.Errorf("Purchase %T: %s differs from the plain BG/NBD's", m, c.ID)
			}
		}
	}
}

func TestHostileHorizon(t *testing.T) {
	ctx := context.Background()
	for _, h := range []int{-1, math.MinInt, math.MaxInt, 1_000_001} {
		_, err := build(t, ctx, slices.Values(smallLog()), Options{End: hostileEnd, Purchase: hostileModel, Spend: hostileSpend, Horizon: h})
		wantErr(t, fmt.Sprintf("horizon %d days", h), err, clv.ErrInvalidOptions)
	}
	// Zero is 365 days.
	def, err := build(t, ctx, slices.Values(smallLog()), smallOpts())
	if err != nil {
		t.Fatal(err)
	}
	opts := smallOpts()
	opts.Horizon = 365
	year, err := build(t, ctx, slices.Values(smallLog()), opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range def.Customers {
		if def.Customers[i].ExpectedPurchases != year.Customers[i].ExpectedPurchases {
			t.Errorf("%s: zero horizon %v, 365 days %v", def.Customers[i].ID, def.Customers[i].ExpectedPurchases, year.Customers[i].ExpectedPurchases)
		}
	}
	// A long horizon in weeks is fine: 10⁶ days are 142,857 weeks.
	opts.Unit, opts.Horizon = clv.UnitWeek, 1_000_000
	b, err := build(t, ctx, slices.Values(smallLog()), opts)
	if err != nil {
		t.Fatalf("10⁶-day horizon in weeks: %v", err)
	}
	checkBase(t, b)
}

// Value options are checked: steps × step length beyond clv.MaxHorizon,
// a step length without steps or the reverse, NaN or negative lengths.
func TestHostileValueOptions(t *testing.T) {
	cases := []struct {
		name string
		v    clv.ValueOptions
	}{
		{"steps × length > MaxHorizon days", clv.ValueOptions{Steps: 10_000, StepLength: 101}},
		{"steps × length just over", clv.ValueOptions{Steps: 1, StepLength: clv.MaxHorizon + 1}},
		{"steps beyond MaxValueSteps", clv.ValueOptions{Steps: clv.MaxValueSteps + 1, StepLength: 1}},
		{"steps without length", clv.ValueOptions{Steps: 12}},
		{"length without steps", clv.ValueOptions{StepLength: 30}},
		{"negative length", clv.ValueOptions{Steps: 12, StepLength: -30}},
		{"NaN length", clv.ValueOptions{Steps: 12, StepLength: math.NaN()}},
		{"Inf length", clv.ValueOptions{Steps: 12, StepLength: math.Inf(1)}},
		{"negative steps", clv.ValueOptions{Steps: -12, StepLength: 30}},
		{"NaN discount", clv.ValueOptions{Steps: 12, StepLength: 30, DiscountRate: math.NaN()}},
		{"margin above 1", clv.ValueOptions{Steps: 12, StepLength: 30, Margin: 1.5}},
		{"negative rounding unit", clv.ValueOptions{Steps: 12, StepLength: 30, RoundTo: decimal.NewFromInt(-1)}},
	}
	for _, tc := range cases {
		opts := smallOpts()
		opts.Value = tc.v
		_, err := build(t, context.Background(), slices.Values(smallLog()), opts)
		wantErr(t, tc.name, err, clv.ErrInvalidOptions)
	}
}

// Horizon and StepLength are given in days; an error about them names the
// days the caller wrote, not the number Build converted them to.
func TestHostileLimitErrorsSpeakInDays(t *testing.T) {
	opts := smallOpts()
	opts.Unit = clv.UnitWeek
	opts.Value = clv.ValueOptions{Steps: 10_000, StepLength: 1000} // 10⁷ days, 1.43·10⁶ weeks
	_, err := build(t, context.Background(), slices.Values(smallLog()), opts)
	wantErr(t, "value horizon", err, clv.ErrInvalidOptions)
	if err != nil && !strings.Contains(err.Error(), "1000") {
		t.Errorf("StepLength of 1000 days: error %q does not name the 1000 days given", err)
	}
	opts.Value = clv.ValueOptions{}
	opts.Horizon = 7_700_000 // 1.1·10⁶ weeks
	_, err = build(t, context.Background(), slices.Values(smallLog()), opts)
	wantErr(t, "horizon", err, clv.ErrInvalidOptions)
	if err != nil && !strings.Contains(err.Error(), "7700000") {
		t.Errorf("Horizon of 7,700,000 days: error %q does not name the days given", err)
	}
}

// In São Paulo midnight was skipped on 2018-11-04 and repeated on
// 2019-02-17 (the clocks went from 00:00 back to 23:00 on the 16th). A
// purchase is on the same calendar day in every column of the base: the
// summary, First and Last, RFM recency, the ladder window and the plan.
func TestHostileSaoPauloMidnightDST(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Fatal(err)
	}
	at := func(id, utc string, product, channel string) clv.Purchase {
		tm, err := time.Parse(time.RFC3339, utc)
		if err != nil {
			t.Fatal(err)
		}
		return clv.Purchase{Transaction: clv.Transaction{Customer: id, Time: tm.In(sp), Amount: decimal.NewFromInt(10)}, Product: product, Channel: channel}
	}
	ps := []clv.Purchase{
		at("a", "2018-11-04T01:30:00Z", "p1", "web"),   // 22:30 −03 on 3 Nov in São Paulo, 4 Nov in UTC
		at("a", "2019-02-17T02:30:00Z", "p2", "store"), // 23:30 −03 on 16 Feb (the repeated hour), 17 Feb in UTC
		at("b", "2018-11-04T03:30:00Z", "p1", "app"),   // 01:30 −02 on 4 Nov, just after the skipped midnight
		at("b", "2019-02-17T01:30:00Z", "p3", "web"),   // 23:30 −02 on 16 Feb (the first 23:30), 17 Feb in UTC
		at("c", "2018-12-01T12:00:00Z", "p1", "web"),
		at("c", "2019-01-10T12:00:00Z", "p2", "web"),
	}
	end := time.Date(2019, 2, 16, 12, 0, 0, 0, sp)
	l, err := ladder.NewLadder([]ladder.Rung{{Name: "any"}, {Name: "bought on the as-of day", MinPurchases: 1}}, ladder.LadderOptions{WindowDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The planner's own Location is replaced by Options.Location.
	planner := &pesca.Planner{Location: time.FixedZone("+14", 14*3600), Initiatives: []pesca.Initiative{
		{ID: "anniversary", Perspective: pesca.Experience, Anchor: pesca.FirstPurchase, OffsetDays: 200},
		{ID: "follow-up", Perspective: pesca.Content, Anchor: pesca.LastPurchase, OffsetDays: 60},
	}}
	for _, loc := range []*time.Location{nil, time.UTC, sp} {
		b, err := build(t, context.Background(), slices.Values(ps), Options{End: end, Location: loc, Purchase: hostileModel, Spend: hostileSpend, Ladder: l, Planner: planner})
		if err != nil {
			t.Fatalf("%v: %v", loc, err)
		}
		checkBase(t, b)
		endDay := clv.CalendarDay(end, loc)
		txs := make([]clv.Transaction, len(ps))
		for i, p := range ps {
			txs[i] = p.Transaction
		}
		want, err := clv.Summarize(slices.Values(txs), clv.SummaryOptions{End: end, Location: loc})
		if err != nil {
			t.Fatal(err)
		}
		ignored := 0
		for _, p := range ps {
			if clv.CalendarDay(p.Time, loc) > endDay {
				ignored++
			}
		}
		if wantIgnored := map[bool]int{true: 0, false: 2}[loc == sp]; ignored != wantIgnored {
			t.Fatalf("%v: the log has %d purchases after End, want %d: the fixture no longer straddles midnight", loc, ignored, wantIgnored)
		}
		if b.Ignored != ignored || len(b.Customers) != len(want) {
			t.Errorf("%v: %d ignored, %d customers; want %d and %d", loc, b.Ignored, len(b.Customers), ignored, len(want))
		}
		for i, c := range b.Customers {
			first, last := int64(math.MaxInt64), int64(math.MinInt64)
			for _, p := range ps {
				if d := clv.CalendarDay(p.Time, loc); p.Customer == c.ID && d <= endDay {
					first, last = min(first, d), max(last, d)
				}
			}
			s := want[i]
			if c.Summary.ID != s.ID || c.Summary.Frequency != s.Frequency || c.Summary.Recency != s.Recency || c.Summary.T != s.T || !c.Summary.MonetaryValue.Equal(s.MonetaryValue) {
				t.Errorf("%v, %s: summary %+v, Summarizer %+v", loc, c.ID, c.Summary, s)
			}
			if c.First != first || c.Last != last || float64(endDay-first) != c.Summary.T || float64(last-first) != c.Summary.Recency {
				t.Errorf("%v, %s: first %d last %d, want %d and %d (T %v)", loc, c.ID, c.First, c.Last, first, last, c.Summary.T)
			}
			if c.RFM.DaysSinceLast != int(endDay-last) {
				t.Errorf("%v, %s: RFM days since last %d, want %d", loc, c.ID, c.RFM.DaysSinceLast, endDay-last)
			}
			if wantRung := map[bool]int{true: 1, false: 0}[last == endDay]; c.Rung != wantRung {
				t.Errorf("%v, %s: rung %d, want %d (last purchase day %d, end %d)", loc, c.ID, c.Rung, wantRung, last, endDay)
			}
			if got := clv.CalendarDay(c.Plan.AsOf, loc); got != endDay {
				t.Errorf("%v, %s: plan as of day %d, want %d", loc, c.ID, got, endDay)
			}
			for _, st := range c.Plan.Steps {
				anchor := map[string]int64{"anniversary": first + 200, "follow-up": max(last+60, endDay)}[st.Initiative.ID]
				if got := clv.CalendarDay(st.When, loc); got != anchor {
					t.Errorf("%v, %s: step %s on day %d, want %d", loc, c.ID, st.Initiative.ID, got, anchor)
				}
			}
			if len(c.Plan.Steps) != 2 {
				t.Errorf("%v, %s: %d steps, want 2 (skipped %v)", loc, c.ID, len(c.Plan.Steps), c.Plan.Skipped)
			}
		}
	}
}

// Misconfigured offers, planners, ladders, segment maps and phase rules are
// errors wrapping the owning package's sentinel, never a panic nor offers
// nobody is eligible for.
func TestHostileMisconfiguration(t *testing.T) {
	l, err := ladder.NewLadder([]ladder.Rung{{Name: "occasional"}, {Name: "regular", MinPurchases: 3}}, ladder.LadderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ok := lifecycle.Offer{ID: "ok", Kind: lifecycle.Retention, MarginChange: decimal.NewFromInt(10), AcceptWith: 0.3, AcceptWithout: 0.1}
	misspelt := ok
	misspelt.ID, misspelt.Segments = "misspelt", []string{"Champion"}
	badProb := ok
	badProb.ID, badProb.AcceptWith = "bad", math.NaN()
	badPhase := ok
	badPhase.ID, badPhase.Phases = "phase", []lifecycle.Phase{99}
	initiative := func(mod func(*pesca.Initiative)) *pesca.Planner {
		in := pesca.Initiative{ID: "in", Perspective: pesca.Service}
		mod(&in)
		return &pesca.Planner{Initiatives: []pesca.Initiative{in}}
	}
	cases := []struct {
		name     string
		opts     func(*Options)
		sentinel error
	}{
		{"offer names a segment not in the map", func(o *Options) { o.Offers = []lifecycle.Offer{ok, misspelt} }, clv.ErrInvalidOptions},
		{"duplicate offer IDs", func(o *Options) { o.Offers = []lifecycle.Offer{ok, ok} }, lifecycle.ErrInvalidConfig},
		{"empty offer ID", func(o *Options) { o.Offers = []lifecycle.Offer{{}} }, lifecycle.ErrInvalidConfig},
		{"NaN acceptance", func(o *Options) { o.Offers = []lifecycle.Offer{badProb} }, lifecycle.ErrInvalidConfig},
		{"unknown phase in an offer", func(o *Options) { o.Offers = []lifecycle.Offer{badPhase} }, lifecycle.ErrInvalidConfig},
		{"initiative names a segment not in the map", func(o *Options) {
			o.Planner = initiative(func(in *pesca.Initiative) { in.Segments = []string{"Champion"} })
		}, clv.ErrInvalidOptions},
		{"initiative names a rung beyond the ladder", func(o *Options) {
			o.Ladder, o.Planner = l, initiative(func(in *pesca.Initiative) { in.Rungs = []int{2} })
		}, clv.ErrInvalidOptions},
		{"initiative names rung MaxInt", func(o *Options) {
			o.Ladder, o.Planner = l, initiative(func(in *pesca.Initiative) { in.Rungs = []int{math.MaxInt} })
		}, clv.ErrInvalidOptions},
		{"initiative names a negative rung", func(o *Options) {
			o.Ladder, o.Planner = l, initiative(func(in *pesca.Initiative) { in.Rungs = []int{-1} })
		}, pesca.ErrInvalidConfig},
		{"duplicate initiative IDs", func(o *Options) {
			o.Planner = &pesca.Planner{Initiatives: []pesca.Initiative{{ID: "x"}, {ID: "x"}}}
		}, pesca.ErrInvalidConfig},
		{"planner horizon beyond a century", func(o *Options) { o.Planner = &pesca.Planner{Horizon: 1 << 40} }, pesca.ErrInvalidConfig},
		{"zero ladder", func(o *Options) { o.Ladder = &ladder.Ladder{} }, ladder.ErrInvalidConfig},
		{"zero segment map", func(o *Options) { o.Segments = &lifecycle.SegmentMap{} }, lifecycle.ErrInvalidConfig},
		{"phase thresholds out of order", func(o *Options) { o.Phases = &lifecycle.PhaseRules{AtRiskDays: 500, LapsedDays: 100} }, lifecycle.ErrInvalidConfig},
		{"nil model in the phase rules", func(o *Options) { o.Phases = &lifecycle.PhaseRules{Model: (*clv.BGNBD)(nil)} }, lifecycle.ErrInvalidConfig},
	}
	for _, tc := range cases {
		opts := smallOpts()
		tc.opts(&opts)
		_, err := build(t, context.Background(), slices.Values(smallLog()), opts)
		wantErr(t, tc.name, err, tc.sentinel)
	}
}

// Every misconfigured Options field is an options error: a caller can tell
// "my options are wrong" from "my data is wrong" with one errors.Is, as
// Build's own checks (a misspelt segment, a rung beyond the ladder, a
// negative horizon) already allow.
func TestHostileOptionErrorsWrapErrInvalidOptions(t *testing.T) {
	ok := lifecycle.Offer{ID: "ok", Kind: lifecycle.Retention, AcceptWith: 0.3}
	cases := []struct {
		name string
		opts func(*Options)
	}{
		{"duplicate offer IDs", func(o *Options) { o.Offers = []lifecycle.Offer{ok, ok} }},
		{"duplicate initiative IDs", func(o *Options) { o.Planner = &pesca.Planner{Initiatives: []pesca.Initiative{{ID: "x"}, {ID: "x"}}} }},
		{"zero ladder", func(o *Options) { o.Ladder = &ladder.Ladder{} }},
		{"zero segment map", func(o *Options) { o.Segments = &lifecycle.SegmentMap{} }},
		{"phase thresholds out of order", func(o *Options) { o.Phases = &lifecycle.PhaseRules{AtRiskDays: 500, LapsedDays: 100} }},
	}
	for _, tc := range cases {
		opts := smallOpts()
		tc.opts(&opts)
		_, err := build(t, context.Background(), slices.Values(smallLog()), opts)
		if !errors.Is(err, clv.ErrInvalidOptions) {
			t.Errorf("%s: error %v does not wrap clv.ErrInvalidOptions", tc.name, err)
		}
	}
}

// Misconfigured options are reported before the log is read and the models
// are fitted: a typo must cost microseconds, not a pass over a large log.
func TestHostileBadOptionsFailBeforeReading(t *testing.T) {
	l, err := ladder.NewLadder([]ladder.Rung{{Name: "occasional"}, {Name: "regular", MinPurchases: 3}}, ladder.LadderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		opts func(*Options)
	}{
		{"horizon beyond MaxHorizon", func(o *Options) { o.Horizon = math.MaxInt }},
		{"value steps without length", func(o *Options) { o.Value = clv.ValueOptions{Steps: 12} }},
		{"offer names a segment not in the map", func(o *Options) {
			o.Offers = []lifecycle.Offer{{ID: "o", Kind: lifecycle.Retention, AcceptWith: 0.2, Segments: []string{"Champion"}}}
		}},
		{"duplicate offer IDs", func(o *Options) { o.Offers = []lifecycle.Offer{{ID: "o"}, {ID: "o"}} }},
		{"initiative names a rung beyond the ladder", func(o *Options) {
			o.Ladder, o.Planner = l, &pesca.Planner{Initiatives: []pesca.Initiative{{ID: "in", Rungs: []int{5}}}}
		}},
		{"zero segment map", func(o *Options) { o.Segments = &lifecycle.SegmentMap{} }},
		{"nil spend pointer", func(o *Options) { o.Spend = (*clv.FixedSpend)(nil) }},
	}
	for _, tc := range cases {
		opts := smallOpts()
		tc.opts(&opts)
		seq, n := counted(smallLog())
		_, err := build(t, context.Background(), seq, opts)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if *n != 0 {
			t.Errorf("%s: read all %d purchases (and fitted or valued the base) before reporting %q", tc.name, *n, err)
		}
	}
}

// Without a Ladder no customer has a rung (Customer.Rung is ladder.NoRung),
// so an initiative for rung 0 must not be planned for everyone as if they
// stood on it; either it is an options error or it is skipped.
func TestHostilePlannerRungsWithoutLadder(t *testing.T) {
	opts := smallOpts()
	opts.Planner = &pesca.Planner{Initiatives: []pesca.Initiative{
		{ID: "bottom-rung-only", Perspective: pesca.Service, Rungs: []int{0}, Anchor: pesca.LastPurchase},
	}}
	b, err := build(t, context.Background(), slices.Values(smallLog()), opts)
	if err != nil {
		if !errors.Is(err, clv.ErrInvalidOptions) {
			t.Errorf("rung-restricted initiative without a ladder: %v does not wrap clv.ErrInvalidOptions", err)
		}
		return
	}
	for _, c := range b.Customers {
		if c.Rung != ladder.NoRung {
			t.Errorf("%s: rung %d without a ladder", c.ID, c.Rung)
		}
		for _, st := range c.Plan.Steps {
			if st.Initiative.ID == "bottom-rung-only" {
				t.Errorf("%s: planned %q for rung 0 though Customer.Rung is NoRung", c.ID, st.Initiative.ID)
			}
		}
	}
}

// Customer.FirstChannel and the channel a plan's step inherits from "the
// customer's first purchase" are the same channel, also when two purchases
// share the first moment.
func TestHostileFirstChannelAgreesWithPlan(t *testing.T) {
	t0 := hostileEnd.AddDate(0, 0, -50)
	ps := []clv.Purchase{
		{Transaction: clv.Transaction{Customer: "tie", Time: t0, Amount: decimal.NewFromInt(5)}, Product: "a-book", Channel: "web"},
		{Transaction: clv.Transaction{Customer: "tie", Time: t0, Amount: decimal.NewFromInt(5)}, Product: "b-pen", Channel: "app"},
		buy("tie", 5, "10"),
	}
	opts := smallOpts()
	opts.Planner = &pesca.Planner{Initiatives: []pesca.Initiative{{ID: "hello", Perspective: pesca.Content, Anchor: pesca.LastPurchase, OffsetDays: 7}}}
	for _, order := range [][]clv.Purchase{ps, {ps[1], ps[0], ps[2]}} {
		b, err := build(t, context.Background(), slices.Values(order), opts)
		if err != nil {
			t.Fatal(err)
		}
		c := b.Customers[0]
		// The first purchase of a tie is the one pesca takes: by product,
		// so a-book on the web.
		if c.FirstChannel != "web" {
			t.Errorf("FirstChannel %q, want the channel of the first purchase in pesca's order, web", c.FirstChannel)
		}
		for _, st := range c.Plan.Steps {
			if st.Channel != c.FirstChannel {
				t.Errorf("step %s on channel %q, but the customer's first channel is %q", st.Initiative.ID, st.Channel, c.FirstChannel)
			}
		}
	}
}

// A nil *Base has no customers; looking one up is not a nil dereference.
func TestHostileNilBaseLookup(t *testing.T) {
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("(*Base)(nil).Customer panicked: %v", r)
		}
	}()
	var b *Base
	if _, ok := b.Customer("x"); ok {
		t.Error("nil base found a customer")
	}
}

// baseDiff compares two bases on every field that matters, exactly. The
// customers are compared by their printed form first (cmp on 2,000
// customers with their explanations takes seconds under -race), and only a
// customer that differs is diffed field by field.
func baseDiff(a, b *Base) string {
	opts := []gocmp.Option{
		gocmp.Comparer(func(x, y decimal.Decimal) bool { return x.Equal(y) }),
		gocmp.Comparer(func(x, y *time.Location) bool { return x.String() == y.String() }),
	}
	ca, cb := a.Customers, b.Customers
	a2, b2 := *a, *b
	a2.Customers, b2.Customers = nil, nil
	if d := gocmp.Diff(a2, b2, opts...); d != "" {
		return d
	}
	if len(ca) != len(cb) {
		return fmt.Sprintf("%d customers, %d customers", len(ca), len(cb))
	}
	for i := range ca {
		if fmt.Sprintf("%+v", ca[i]) != fmt.Sprintf("%+v", cb[i]) {
			if d := gocmp.Diff(ca[i], cb[i], opts...); d != "" {
				return fmt.Sprintf("customer %d (%s):\n%s", i, ca[i].ID, d)
			}
		}
	}
	return ""
}

// hostileCatalogue is options that exercise every column: fitted models,
// offers, a ladder and a planner.
func hostileCatalogue(t *testing.T) Options {
	t.Helper()
	l, err := ladder.NewLadder([]ladder.Rung{
		{Name: "occasional"}, {Name: "regular", MinPurchases: 3}, {Name: "best", MinPurchases: 5, MinSpend: decimal.NewFromInt(200)},
	}, ladder.LadderOptions{WindowDays: 365})
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		End: cdnowEnd, Unit: clv.UnitWeek, Ladder: l,
		Offers: []lifecycle.Offer{
			{ID: "win-back", Kind: lifecycle.WinBack, MarginChange: decimal.NewFromInt(25), Cost: decimal.NewFromInt(5),
				AcceptWith: 0.2, AcceptWithout: 0.05, Phases: []lifecycle.Phase{lifecycle.Lapsed, lifecycle.AtRisk}},
			{ID: "vip", Kind: lifecycle.CrossSell, Product: "box set", MarginChange: decimal.NewFromInt(40), Cost: decimal.NewFromInt(2),
				AcceptWith: 0.1, AcceptWithout: 0.02, Segments: []string{"Champions", "Loyal"}},
		},
		Planner: &pesca.Planner{Initiatives: []pesca.Initiative{
			{ID: "thanks", Perspective: pesca.Experience, Anchor: pesca.LastPurchase, OffsetDays: 7, ExpectedValue: decimal.NewFromInt(2)},
			{ID: "vip-call", Perspective: pesca.Service, Rungs: []int{2}, Anchor: pesca.FirstPurchase, OffsetDays: 30, ExpectedValue: decimal.NewFromInt(9)},
		}},
	}
}

// hostileLog is CDNOW with products and channels, and ties at the first
// moment that only an explicit rule can break.
func hostileLog(t *testing.T) []clv.Purchase {
	ps := cdnowPurchases(t)
	products, channels := []string{"", "cd", "box set", "single"}, []string{"", "web", "store", "phone"}
	for i := range ps {
		ps[i].Product, ps[i].Channel = products[i%len(products)], channels[(i/3)%len(channels)]
	}
	// Duplicates of first purchases on other channels and products.
	for i := 0; i < len(ps); i += 7 {
		d := ps[i]
		d.Channel, d.Product = channels[(i+1)%len(channels)], products[(i+2)%len(products)]
		ps = append(ps, d)
	}
	return ps
}

// The base does not depend on the order of the log, nor on the call.
func TestHostileDeterminism(t *testing.T) {
	ctx := context.Background()
	ps := hostileLog(t)
	opts := hostileCatalogue(t)
	want, err := build(t, ctx, slices.Values(ps), opts)
	if err != nil {
		t.Fatal(err)
	}
	checkBase(t, want)
	again, err := build(t, ctx, slices.Values(ps), opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := baseDiff(want, again); d != "" {
		t.Fatalf("a second call differs (-first +second):\n%.3000s", d)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	perms := [][]clv.Purchase{slices.Clone(ps), slices.Clone(ps), slices.Clone(ps)}
	slices.Reverse(perms[0])
	slices.SortStableFunc(perms[1], func(a, b clv.Purchase) int { return a.Time.Compare(b.Time) })
	rng.Shuffle(len(perms[2]), func(i, j int) { perms[2][i], perms[2][j] = perms[2][j], perms[2][i] })
	for k, perm := range perms {
		got, err := build(t, ctx, slices.Values(perm), opts)
		if err != nil {
			t.Fatal(err)
		}
		if d := baseDiff(want, got); d != "" {
			t.Errorf("permutation %d differs (-input order +permuted):\n%.3000s", k, d)
		}
	}
}

// Build from several goroutines at once, on one log and shared options
// (run with -race): every call gives the same base.
func TestHostileConcurrentBuilds(t *testing.T) {
	ps := hostileLog(t)
	opts := hostileCatalogue(t)
	want, err := build(t, context.Background(), slices.Values(ps), opts)
	if err != nil {
		t.Fatal(err)
	}
	const n = 6
	bases := make([]*Base, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bases[i], errs[i] = Build(context.Background(), slices.Values(ps), opts)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if d := baseDiff(want, bases[i]); d != "" {
			t.Errorf("goroutine %d differs:\n%.2000s", i, d)
		}
	}
}

func TestHostileContextCancelled(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	// Fitting honours the context.
	_, err := build(t, cancelled, slices.Values(cdnowPurchases(t)), Options{End: cdnowEnd, Unit: clv.UnitWeek})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context, models fitted: %v, want context.Canceled", err)
	}
	// So does a base that needs no fitting: a cancelled context is an
	// error, not a finished base.
	_, err = build(t, cancelled, slices.Values(smallLog()), smallOpts())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context, models given: %v, want context.Canceled", err)
	}
}

// Cancelling while Build reads stops the reading within Build's check
// interval (65,536 purchases), also when the purchases are after End (a log
// longer than the observation, the usual case).
func TestHostileContextCancelledWhileReading(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const after = 300_000
	pulled := 0
	seq := func(yield func(clv.Purchase) bool) {
		if !yield(buy("first", 10, "5")) || !yield(buy("first", 5, "5")) {
			return
		}
		cancel()
		for i := range after {
			pulled++
			p := buy(fmt.Sprintf("late%06d", i), -1-i%100, "1") // after End
			if !yield(p) {
				return
			}
		}
	}
	_, err := build(t, ctx, seq, smallOpts())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled while reading: %v, want context.Canceled", err)
	}
	if pulled > 70_000 {
		t.Errorf("read %d purchases after the context was cancelled", pulled)
	}
}

// Random small logs in any zone and unit, with models given: every column
// is the owning package's answer and every number is in range.
func TestHostileRapidBaseProperties(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "ä", "a\x00", strings.Repeat("L", 30), "z"}
	rapid.Check(t, func(rt *rapid.T) {
		loc := gen.Loc(rt)
		unit := rapid.SampledFrom([]clv.Unit{clv.UnitDay, clv.UnitWeek, clv.UnitMonth}).Draw(rt, "unit")
		model := hostileModel.In(rapid.SampledFrom([]clv.Unit{clv.UnitDay, clv.UnitWeek, clv.UnitMonth}).Draw(rt, "model unit"))
		end := hostileEnd.Add(time.Duration(rapid.IntRange(-48, 48).Draw(rt, "end hours")) * time.Hour)
		ps := rapid.SliceOfN(rapid.Custom(func(rt *rapid.T) clv.Purchase {
			return clv.Purchase{
				Transaction: clv.Transaction{
					Customer: rapid.SampledFrom(ids).Draw(rt, "id"),
					Time:     hostileEnd.Add(time.Duration(rapid.IntRange(-400*24, 10*24).Draw(rt, "hours")) * time.Hour),
					Amount:   decimal.New(rapid.Int64Range(0, 100_000).Draw(rt, "cents"), -2),
				},
				Product: rapid.SampledFrom([]string{"", "x", "y"}).Draw(rt, "product"),
				Channel: rapid.SampledFrom([]string{"", "web", "store"}).Draw(rt, "channel"),
			}
		}), 1, 30).Draw(rt, "purchases")
		opts := Options{End: end, Location: loc, Unit: unit, Purchase: model, Horizon: rapid.IntRange(0, 2000).Draw(rt, "horizon"),
			Spend: clv.FixedSpend{Amount: decimal.New(rapid.Int64Range(0, 100_000).Draw(rt, "spend"), -3)}}
		b, err := build(rt, context.Background(), slices.Values(ps), opts)
		txs := make([]clv.Transaction, len(ps))
		for i, p := range ps {
			txs[i] = p.Transaction
		}
		s, serr := clv.NewSummarizer(clv.SummaryOptions{End: end, Location: loc, Unit: unit})
		if serr != nil {
			rt.Fatal(serr)
		}
		if serr := s.AddAll(slices.Values(txs)); serr != nil {
			rt.Fatal(serr)
		}
		want := s.Summaries()
		if len(want) == 0 {
			if !errors.Is(err, ErrNoCustomers) {
				rt.Fatalf("no purchase up to End: %v", err)
			}
			return
		}
		if err != nil {
			rt.Fatalf("Build: %v", err)
		}
		checkBase(rt, b)
		if len(b.Customers) != len(want) || b.Ignored != s.Ignored() {
			rt.Fatalf("%d customers, %d ignored; Summarizer %d and %d", len(b.Customers), b.Ignored, len(want), s.Ignored())
		}
		endDay := clv.CalendarDay(end, loc)
		for i, c := range b.Customers {
			w := want[i]
			if c.Summary.ID != w.ID || c.Summary.Frequency != w.Frequency || c.Summary.Recency != w.Recency || c.Summary.T != w.T ||
				!c.Summary.MonetaryValue.Equal(w.MonetaryValue) || c.Summary.Unit != w.Unit {
				rt.Fatalf("%q: summary %+v, Summarizer %+v", c.ID, c.Summary, w)
			}
			first, last := int64(math.MaxInt64), int64(math.MinInt64)
			for _, p := range ps {
				if d := clv.CalendarDay(p.Time, loc); p.Customer == c.ID && d <= endDay {
					first, last = min(first, d), max(last, d)
				}
			}
			if c.First != first || c.Last != last {
				rt.Fatalf("%q: days %d..%d, want %d..%d", c.ID, c.First, c.Last, first, last)
			}
			if c.Rung != ladder.NoRung || c.Offers != nil || len(c.Plan.Steps) != 0 {
				rt.Fatalf("%q: rung %d, %d offers, %d steps without a ladder, offers or planner", c.ID, c.Rung, len(c.Offers), len(c.Plan.Steps))
			}
		}
	})
}

// Fully hostile purchases (zero times, negative and 10⁴⁰⁰ amounts, far-off
// instants in awkward zones, empty and long IDs): Build never panics, and
// every error wraps a sentinel of the SDK and does not echo a long value.
func TestHostileRapidNeverPanics(t *testing.T) {
	sentinels := []error{clv.ErrInvalidTransaction, clv.ErrInvalidOptions, clv.ErrInvalidSummary, clv.ErrInvalidParams,
		clv.ErrNoData, clv.ErrInaccurate, clv.ErrNotConverged, ErrNoCustomers}
	built, runs := 0, 0
	defer func() { t.Logf("%d of %d hostile logs built a base", built, runs) }()
	rapid.Check(t, func(rt *rapid.T) {
		runs++
		ps := rapid.SliceOfN(rapid.Custom(func(rt *rapid.T) clv.Purchase {
			p := clv.Purchase{
				Transaction: clv.Transaction{
					Customer: rapid.SampledFrom([]string{"a", "b", "c", gen.LongID}).Draw(rt, "id"),
					Time:     hostileEnd.Add(time.Duration(rapid.IntRange(-800*24, 10*24).Draw(rt, "hours")) * time.Hour),
					Amount:   decimal.New(rapid.Int64Range(0, 100_000).Draw(rt, "cents"), -2),
				},
				Product: rapid.SampledFrom([]string{"", "x", gen.LongID}).Draw(rt, "product"),
			}
			// One purchase in five is hostile in one field.
			switch rapid.IntRange(0, 14).Draw(rt, "hostile") {
			case 0:
				p.Customer = ""
			case 1:
				p.Time = gen.Time(rt, "time", hostileEnd, 800)
			case 2:
				p.Amount = gen.Decimal(rt, "amount")
			}
			return p
		}), 0, 12).Draw(rt, "purchases")
		// Each option is hostile one time in four.
		hostile := func(label string) bool { return rapid.IntRange(0, 3).Draw(rt, label) == 0 }
		opts := Options{End: hostileEnd, Location: gen.Loc(rt), Unit: clv.Unit(rapid.IntRange(0, 2).Draw(rt, "unit"))}
		if hostile("hostile end") {
			opts.End = gen.Time(rt, "end", hostileEnd, 10)
		}
		if hostile("hostile unit") {
			opts.Unit = clv.Unit(rapid.IntRange(3, 255).Draw(rt, "bad unit"))
		}
		if hostile("hostile horizon") {
			opts.Horizon = gen.Int(rt, "horizon", -5, 5000, 1_000_001)
		}
		if hostile("hostile value") {
			opts.Value = clv.ValueOptions{Steps: gen.Int(rt, "steps", 0, 30), StepLength: gen.Float(rt, "step length")}
		}
		if !hostile("fit") {
			opts.Purchase, opts.Spend = hostileModel, hostileSpend
			if hostile("hostile spend") {
				opts.Spend = clv.FixedSpend{Amount: gen.Decimal(rt, "spend")}
			}
		}
		_, err := build(rt, context.Background(), slices.Values(ps), opts)
		if err == nil {
			built++
			return
		}
		known := slices.ContainsFunc(sentinels, func(s error) bool { return errors.Is(err, s) })
		if !known {
			rt.Fatalf("error wraps no sentinel: %v", err)
		}
		if strings.Contains(err.Error(), strings.Repeat("x", 41)) {
			rt.Fatalf("error echoes a long value whole: %.200s…", err)
		}
	})
}

// Options.Spend nil on a small log: the documented fallback is the mean
// repeat spend whenever Gamma-Gamma is not identified. A fit that
// "converges" to q ≤ 1 has no finite mean spend, so no expected spend for
// anyone: it is just as unidentified, and must take the same fallback
// rather than fail Build with clv.ErrInvalidParams while valuing the
// first customer.
func TestHostileGammaGammaWithoutMean(t *testing.T) {
	day := func(id string, d int, amount string) clv.Purchase { return buy(id, d, amount) }
	ps := []clv.Purchase{
		day("a", 1, "0.00"), day("a", 0, "122.76"),
		day("b", 1, "0.00"), day("b", 0, "0.15"),
		day("c", 2, "0.00"), day("c", 1, "5.63"), day("c", 0, "0.00"),
	}
	b, err := build(t, context.Background(), slices.Values(ps), Options{End: hostileEnd, Purchase: hostileModel})
	if err != nil {
		t.Fatalf("Gamma-Gamma with q ≤ 1 on three repeat buyers: %v", err)
	}
	checkBase(t, b)
	if len(b.Notes) == 0 {
		t.Errorf("spend model %+v replaced without a note", b.Spend)
	}
}

// Random small logs with the spend model fitted on them: Build gives a
// base (Gamma-Gamma's fit, or the mean repeat spend with a note) or says
// that Gamma-Gamma did not converge — nothing else.
func TestHostileRapidFittedSpend(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		loc := gen.Loc(rt)
		ps := rapid.SliceOfN(rapid.Custom(func(rt *rapid.T) clv.Purchase {
			return clv.Purchase{Transaction: clv.Transaction{
				Customer: rapid.SampledFrom([]string{"a", "b", "c", "d", "e"}).Draw(rt, "id"),
				Time:     hostileEnd.Add(time.Duration(rapid.IntRange(-200*24, 0).Draw(rt, "hours")) * time.Hour),
				Amount:   decimal.New(rapid.Int64Range(0, 100_000).Draw(rt, "cents"), -2),
			}}
		}), 1, 30).Draw(rt, "purchases")
		b, err := build(rt, context.Background(), slices.Values(ps), Options{End: hostileEnd, Location: loc, Purchase: hostileModel})
		switch {
		case errors.Is(err, ErrNoCustomers), errors.Is(err, clv.ErrNotConverged) && !errors.Is(err, clv.ErrBoundary):
			return
		case err != nil:
			rt.Fatalf("Build: %v", err)
		}
		checkBase(rt, b)
		if _, fixed := b.Spend.(clv.FixedSpend); fixed && len(b.Notes) == 0 {
			rt.Fatalf("spend replaced by the mean without a note")
		}
	})
}

// Potential-value options are checked before anything is read.
func TestBuildChecksPotentialOptions(t *testing.T) {
	l, err := ladder.NewLadder([]ladder.Rung{{Name: "one"}, {Name: "two", MinPurchases: 2}}, ladder.LadderOptions{WindowDays: 365})
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	unread := func(yield func(clv.Purchase) bool) { t.Fatal("purchases read before the options were checked") }
	for name, opts := range map[string]Options{
		"quantile 2":           {End: end, Ladder: l, Potential: ladder.PotentialOptions{Quantile: 2}},
		"negative minimum":     {End: end, Ladder: l, Potential: ladder.PotentialOptions{MinCustomers: -1}},
		"potential, no ladder": {End: end, Potential: ladder.PotentialOptions{Quantile: 0.5}},
	} {
		_, err := Build(context.Background(), unread, opts)
		if !errors.Is(err, clv.ErrInvalidOptions) || !errors.Is(err, ladder.ErrInvalidConfig) || !strings.Contains(err.Error(), "Potential") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
