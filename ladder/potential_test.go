package ladder

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func threeRungs(t testing.TB) *Ladder {
	t.Helper()
	l, err := NewLadder([]Rung{{Name: "bronze"}, {Name: "silver", MinPurchases: 3}, {Name: "gold", MinPurchases: 6}}, LadderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestPotentialValues(t *testing.T) {
	l := threeRungs(t)
	d := decimal.RequireFromString
	cs := []RungValue{
		{Customer: "b1", Rung: 0, Value: d("50")},
		{Customer: "b2", Rung: 0, Value: d("350.5")}, // already worth more than a typical silver
		{Customer: "s1", Rung: 1, Value: d("200")},
		{Customer: "s2", Rung: 1, Value: d("300")},
		{Customer: "s3", Rung: 1, Value: d("250")},
		{Customer: "s4", Rung: 1, Value: d("-20")},
		{Customer: "g1", Rung: 2, Value: d("900")},
		{Customer: "lost", Rung: NoRung, Value: d("0")},
	}
	p, err := l.PotentialValues(cs, PotentialOptions{MinCustomers: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Silver's median by nearest rank: values −20, 200, 250, 300 → the 2nd,
	// 200. Bronze's: 50, 350.5 → 50. Gold has one customer, fewer than 2.
	wantRungs := []RungBenchmark{{Rung: 0, Customers: 2, Enough: true, Value: d("50")}, {Rung: 1, Customers: 4, Enough: true, Value: d("200")},
		{Rung: 2, Customers: 1}}
	if diff := gocmp.Diff(wantRungs, p.Rungs); diff != "" {
		t.Errorf("benchmarks (-want +got):\n%s", diff)
	}
	type row struct {
		id             string
		against        int
		potential, gap string
		benchmarked    bool
		rule           string
	}
	var got []row
	for _, c := range p.Customers {
		got = append(got, row{c.Customer, c.Against, c.Potential.String(), c.Gap.String(), c.Benchmarked, string(c.Reason.Rule)})
	}
	want := []row{
		{"b1", 1, "200", "150", true, "ladder/potential"},
		{"b2", 1, "350.5", "0", true, "ladder/potential"},
		{"s1", 2, "200", "0", false, "ladder/potential-too-few"},
		{"s2", 2, "300", "0", false, "ladder/potential-too-few"},
		{"s3", 2, "250", "0", false, "ladder/potential-too-few"},
		{"s4", 2, "-20", "0", false, "ladder/potential-too-few"},
		{"g1", 2, "900", "0", false, "ladder/potential-top"},
		{"lost", 0, "50", "50", true, "ladder/potential"},
	}
	if diff := gocmp.Diff(want, got, gocmp.AllowUnexported(row{})); diff != "" {
		t.Errorf("potentials (-want +got):\n%s", diff)
	}
	if s := p.Customers[0].Reason.String(); s != "ladder/potential: rung=bronze, current value=50 (< 200: yes), customers on silver=4 (>= 2: yes), median value on silver=200; potential value 200, current value -50" {
		t.Errorf("reason %s", s)
	}
	if s := p.Customers[2].Reason.String(); s != "ladder/potential-too-few: rung=silver, current value=200, customers on gold=1 (>= 2: no); potential value 200, current value -200" {
		t.Errorf("reason %s", s)
	}
	// Gold filled: silver's gaps appear; at the 75th percentile the bar is higher.
	cs = append(cs, RungValue{Customer: "g2", Rung: 2, Value: d("1500")})
	p, err = l.PotentialValues(cs, PotentialOptions{MinCustomers: 2, Quantile: 0.75})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, c := range p.ByGap() {
		order = append(order, fmt.Sprintf("%s %s", c.Customer, c.Gap))
	}
	// At q = 0.75 by nearest rank: bronze {50, 350.5} → rank 2, 350.5;
	// silver {−20, 200, 250, 300} → rank 3, 250; gold {900, 1500} → 1500.
	// Ties (the zero gaps) by ID.
	wantOrder := []string{"s4 1520", "s1 1300", "s3 1250", "s2 1200", "lost 350.5", "b1 200", "b2 0", "g1 0", "g2 0"}
	if !slices.Equal(order, wantOrder) {
		t.Errorf("by gap %v, want %v", order, wantOrder)
	}
	if m := p.ByCustomer(); len(m) != len(cs) || !m["s4"].Gap.Equal(d("1520")) {
		t.Errorf("by customer %v", m)
	}
	if !strings.Contains(p.Customers[0].Reason.String(), "value at quantile 0.75 on silver=250") {
		t.Errorf("reason %s", p.Customers[0].Reason)
	}
}

func TestPotentialValuesBadInput(t *testing.T) {
	l := threeRungs(t)
	long := strings.Repeat("x", 100)
	for _, c := range []struct {
		cs   []RungValue
		opts PotentialOptions
		want error
		text string
	}{
		{[]RungValue{{Customer: "", Rung: 0}}, PotentialOptions{}, ErrInvalidInput, "customer 0 has an empty ID"},
		{[]RungValue{{Customer: long, Rung: 0}, {Customer: long, Rung: 1}}, PotentialOptions{}, ErrInvalidInput, "appears twice"},
		{[]RungValue{{Customer: long, Rung: 3}}, PotentialOptions{}, ErrInvalidInput, "Rung 3 is neither"},
		{[]RungValue{{Customer: "a", Rung: -2}}, PotentialOptions{}, ErrInvalidInput, "Rung -2"},
		{nil, PotentialOptions{MinCustomers: -1}, ErrInvalidConfig, "MinCustomers -1"},
		{nil, PotentialOptions{Quantile: math.NaN()}, ErrInvalidConfig, "Quantile NaN"},
		{nil, PotentialOptions{Quantile: 1.5}, ErrInvalidConfig, "Quantile 1.5"},
		{nil, PotentialOptions{Quantile: -0.5}, ErrInvalidConfig, "Quantile -0.5"},
	} {
		_, err := l.PotentialValues(c.cs, c.opts)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) || strings.Contains(err.Error(), long) {
			t.Errorf("%+v %+v: %v, want %q", c.cs, c.opts, err, c.text)
		}
	}
	var nilLadder *Ladder
	if _, err := nilLadder.PotentialValues(nil, PotentialOptions{}); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("nil ladder: %v", err)
	}
	// Huge and tiny money stays exact.
	huge, tiny := decimal.New(1, 400), decimal.New(1, -30)
	p, err := l.PotentialValues([]RungValue{{Customer: "a", Rung: 0, Value: tiny}, {Customer: "b", Rung: 1, Value: huge}}, PotentialOptions{MinCustomers: 1})
	if err != nil || !p.Customers[0].Gap.Equal(huge.Sub(tiny)) {
		t.Errorf("huge gap: %+v (%v)", p.Customers, err)
	}
	// An empty base has nothing to benchmark.
	p, err = l.PotentialValues(nil, PotentialOptions{})
	if err != nil || len(p.Customers) != 0 || len(p.Rungs) != 3 || p.Rungs[1].Enough {
		t.Errorf("empty base: %+v (%v)", p, err)
	}
}

func TestNearestRank(t *testing.T) {
	for _, c := range []struct {
		q    float64
		n    int
		want int
	}{{0.5, 4, 2}, {0.5, 5, 3}, {0.1, 30, 3}, {1, 7, 7}, {1e-9, 7, 1}, {0.75, 2, 2}, {0.3, 10, 3}, {0.7, 10, 7}, {0.5, 1, 1}} {
		if got := nearestRank(c.q, c.n); got != c.want {
			t.Errorf("nearestRank(%v, %d) = %d, want %d", c.q, c.n, got, c.want)
		}
	}
}

func genRungValues(t *rapid.T, rungs int) []RungValue {
	n := rapid.IntRange(0, 40).Draw(t, "n")
	out := make([]RungValue, n)
	for i := range out {
		out[i] = RungValue{Customer: fmt.Sprintf("c%02d", i), Rung: rapid.IntRange(-1, rungs-1).Draw(t, "rung"),
			Value: decimal.New(rapid.Int64Range(-1000, 100_000).Draw(t, "cents"), -2)}
	}
	return out
}

// Invariants: gap ≥ 0 and potential = current + gap; the benchmark is a
// value some customer of the rung has; the result follows the set of
// customers, not their order; raising a customer's value never raises
// their gap; Terms sum to the gap.
func TestPropPotentialValues(t *testing.T) {
	l := threeRungs(t)
	rapid.Check(t, func(t *rapid.T) {
		cs := genRungValues(t, 3)
		opts := PotentialOptions{MinCustomers: rapid.IntRange(0, 6).Draw(t, "min"), Quantile: rapid.OneOf(rapid.Just(0.0), rapid.Float64Range(1e-6, 1)).Draw(t, "q")}
		p, err := l.PotentialValues(cs, opts)
		if err != nil {
			t.Fatal(err)
		}
		for r, b := range p.Rungs {
			if b.Enough && !slices.ContainsFunc(cs, func(c RungValue) bool { return c.Rung == r && c.Value.Equal(b.Value) }) {
				t.Fatalf("rung %d benchmark %s is nobody's value", r, b.Value)
			}
		}
		for i, c := range p.Customers {
			sum := decimal.Zero
			for _, term := range c.Reason.Terms {
				sum = sum.Add(term.Amount)
			}
			switch {
			case c.Customer != cs[i].Customer || !c.Current.Equal(cs[i].Value):
				t.Fatalf("output %d is %+v for input %+v", i, c, cs[i])
			case c.Gap.Sign() < 0 || !c.Potential.Equal(c.Current.Add(c.Gap)) || !sum.Equal(c.Gap):
				t.Fatalf("potential %+v", c)
			case c.Rung == 2 && (c.Benchmarked || c.Against != 2):
				t.Fatalf("top rung benchmarked: %+v", c)
			case c.Rung < 2 && c.Benchmarked != p.Rungs[c.Rung+1].Enough:
				t.Fatalf("benchmarked %v against %+v", c.Benchmarked, p.Rungs[c.Rung+1])
			case c.Benchmarked && !c.Potential.Equal(decimal.Max(c.Current, p.Rungs[c.Against].Value)):
				t.Fatalf("potential %s, benchmark %s, current %s", c.Potential, p.Rungs[c.Against].Value, c.Current)
			}
		}
		perm := rapid.Permutation(cs).Draw(t, "perm")
		q, err := l.PotentialValues(perm, opts)
		if err != nil {
			t.Fatal(err)
		}
		if d := gocmp.Diff(p.ByCustomer(), q.ByCustomer()); d != "" || !gocmp.Equal(p.Rungs, q.Rungs) {
			t.Fatalf("order changed the result:\n%s", d)
		}
		if len(cs) > 0 {
			i := rapid.IntRange(0, len(cs)-1).Draw(t, "raise")
			up := slices.Clone(cs)
			up[i].Value = up[i].Value.Add(decimal.NewFromInt(rapid.Int64Range(0, 500).Draw(t, "by")))
			r, err := l.PotentialValues(up, opts)
			if err != nil {
				t.Fatal(err)
			}
			// The customer's own rung's benchmark may move, but not the one
			// above, which is what their gap is measured against.
			if r.Customers[i].Gap.GreaterThan(p.Customers[i].Gap) {
				t.Fatalf("raising %s's value raised their gap: %s → %s", cs[i].Customer, p.Customers[i].Gap, r.Customers[i].Gap)
			}
		}
	})
}
