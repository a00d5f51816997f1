package pesca

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/lifecycle"
)

// mlxtend's association_rules Example 1.
func mlxtend(t testing.TB) *Baskets {
	b := NewBaskets()
	for _, basket := range [][]string{
		{"Milk", "Onion", "Nutmeg", "Kidney Beans", "Eggs", "Yogurt"},
		{"Dill", "Onion", "Nutmeg", "Kidney Beans", "Eggs", "Yogurt"},
		{"Milk", "Apple", "Kidney Beans", "Eggs"},
		{"Milk", "Unicorn", "Corn", "Kidney Beans", "Yogurt"},
		{"Corn", "Onion", "Onion", "Kidney Beans", "Ice cream", "Eggs"},
	} {
		if err := b.Add(basket...); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestMlxtendOracle(t *testing.T) {
	rules, err := mlxtend(t).Rules(0.6, 0.7)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 12 {
		t.Fatalf("%d rules, want 12", len(rules))
	}
	for _, r := range rules {
		if slices.Equal(r.Antecedent, []string{"Eggs"}) && slices.Equal(r.Consequent, []string{"Onion"}) {
			for name, got := range map[string][2]float64{"support": {r.Support, .6}, "confidence": {r.Confidence, .75},
				"lift": {r.Lift, 1.25}, "leverage": {r.Leverage, .12}, "conviction": {r.Conviction, 1.6}} {
				if math.Abs(got[0]-got[1]) > 1e-12 {
					t.Errorf("Eggs → Onion %s = %v, want %v", name, got[0], got[1])
				}
			}
			return
		}
	}
	t.Error("rule Eggs → Onion not found")
}

func TestConvictionInfinite(t *testing.T) {
	rules, _ := mlxtend(t).Rules(0.6, 1)
	for _, r := range rules {
		if r.Confidence == 1 && !math.IsInf(r.Conviction, 1) {
			t.Errorf("%v → %v: conviction %v at confidence 1", r.Antecedent, r.Consequent, r.Conviction)
		}
	}
	if len(rules) == 0 {
		t.Error("no rules at confidence 1 (Onion → Eggs has it)")
	}
}

func genBaskets(t *rapid.T) [][]string {
	items := []string{"a", "b", "c", "d", "e", "f"}
	return rapid.SliceOfN(rapid.SliceOfN(rapid.SampledFrom(items), 0, 6), 1, 40).Draw(t, "baskets")
}

func TestPropRules(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bs := genBaskets(t)
		whole := NewBaskets()
		parts := [2]*Baskets{NewBaskets(), NewBaskets()}
		for _, b := range bs {
			_ = whole.Add(b...)
			_ = parts[rapid.IntRange(0, 1).Draw(t, "shard")].Add(b...)
		}
		if err := parts[0].Merge(parts[1]); err != nil {
			t.Fatal(err)
		}
		minSup := rapid.Float64Range(0.05, 0.8).Draw(t, "support")
		a, err := whole.Frequent(minSup, 0)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := parts[0].Frequent(minSup, 0)
		if fmt.Sprint(a) != fmt.Sprint(m) {
			t.Fatalf("merged counts differ from the whole:\n%v\n%v", a, m)
		}
		sup := map[string]float64{}
		for _, s := range a {
			sup[strings.Join(s.Items, ",")] = s.Support
			// Support is anti-monotone: every subset is at least as frequent.
			for drop := range s.Items {
				if len(s.Items) == 1 {
					break
				}
				sub := append(slices.Clone(s.Items[:drop]), s.Items[drop+1:]...)
				if v, ok := sup[strings.Join(sub, ",")]; !ok || v < s.Support {
					t.Fatalf("subset %v of %v has support %v < %v", sub, s.Items, v, s.Support)
				}
			}
			// Brute-force count.
			n := 0
			for _, b := range bs {
				all := true
				for _, it := range s.Items {
					all = all && slices.Contains(b, it)
				}
				if all {
					n++
				}
			}
			if n != s.Count {
				t.Fatalf("%v counted %d, brute force %d", s.Items, s.Count, n)
			}
		}
		rules, err := whole.Rules(minSup, 0)
		if err != nil {
			t.Fatal(err)
		}
		lift := map[string]float64{}
		for _, r := range rules {
			if r.Confidence < 0 || r.Confidence > 1+1e-12 {
				t.Fatalf("confidence %v", r.Confidence)
			}
			lift[strings.Join(r.Antecedent, ",")+">"+strings.Join(r.Consequent, ",")] = r.Lift
		}
		for _, r := range rules {
			back, ok := lift[strings.Join(r.Consequent, ",")+">"+strings.Join(r.Antecedent, ",")]
			if ok && math.Abs(back-r.Lift) > 1e-12 {
				t.Fatalf("lift not symmetric: %v vs %v", r.Lift, back)
			}
		}
	})
}

func buy(id, d, product, channel string, amount int64) clv.Purchase {
	tm, _ := time.Parse(time.DateOnly, d)
	return clv.Purchase{Transaction: clv.Transaction{Customer: id, Time: tm, Amount: decimal.NewFromInt(amount)}, Product: product, Channel: channel}
}

func appleSequences(t testing.TB) *Sequences {
	s := NewSequences()
	orders := [][]string{
		{"iPhone", "Watch", "iPad", "MacBook"}, {"iPhone", "Watch", "iPad"}, {"iPhone", "Watch"},
		{"iPhone", "iPad"}, {"MacBook", "iPhone"}, {"iPhone"},
	}
	for i, o := range orders {
		var ps []clv.Purchase
		for j, p := range o {
			ps = append(ps, buy(fmt.Sprint(i), fmt.Sprintf("2024-0%d-01", j+1), p, "store", 100))
		}
		if err := s.AddCustomer(ps, nil); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestSequences(t *testing.T) {
	s := appleSequences(t)
	next := s.Next([]string{"iPhone"}, 2)
	if len(next) != 2 || next[0].To != "Watch" || next[0].Confidence != 0.5 || next[1].To != "iPad" {
		t.Errorf("next after iPhone: %+v", next)
	}
	w := s.Next([]string{"iPhone", "Watch"}, 1)
	if w[0].To != "iPad" || w[0].From != "Watch" || math.Abs(w[0].Confidence-2.0/3) > 1e-12 {
		t.Errorf("next after iPhone, Watch: %+v", w)
	}
	paths := s.Paths(1)
	if paths[0].Customers != 1 {
		t.Errorf("paths %+v", paths)
	}
	// Merging halves gives the whole.
	a, b := NewSequences(), NewSequences()
	_ = a.AddCustomer([]clv.Purchase{buy("x", "2024-01-01", "iPhone", "", 1), buy("x", "2024-02-01", "Watch", "", 1)}, nil)
	_ = b.AddCustomer([]clv.Purchase{buy("y", "2024-01-01", "iPhone", "", 1)}, nil)
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	if tr := a.Transitions(); len(tr) != 1 || tr[0].Confidence != 0.5 || tr[0].Lift != 1 {
		t.Errorf("merged transitions %+v", tr)
	}
}

func initiatives() []Initiative {
	d := decimal.NewFromInt
	return []Initiative{
		{ID: "welcome", Perspective: Experience, Name: "welcome sequence", Anchor: FirstPurchase, OffsetDays: 1, WindowDays: 14, ExpectedValue: d(5), Cost: d(1)},
		{ID: "watch", Perspective: Product, Product: "Watch", Requires: []string{"iPhone"}, Anchor: ProductPurchase, AfterProduct: "iPhone", OffsetDays: 30, ExpectedValue: d(60), Cost: d(5)},
		{ID: "setup-call", Perspective: Service, Anchor: LastPurchase, OffsetDays: 7, WindowDays: 7, ExpectedValue: d(8), Cost: d(3), Channel: "phone"},
		{ID: "tips", Perspective: Content, Anchor: LastPurchase, OffsetDays: 3, ExpectedValue: d(2), Phases: []lifecycle.Phase{lifecycle.Newcomer, lifecycle.Active}},
		{ID: "vip-event", Perspective: Experience, Anchor: LastPurchase, OffsetDays: 0, Rungs: []int{2}, ExpectedValue: d(20), Cost: d(10)},
	}
}

func TestPlan(t *testing.T) {
	p := Planner{Initiatives: initiatives()}
	c := Profile{ID: "ana", Phase: lifecycle.Newcomer, Rung: 0, CategorySpend: decimal.NewFromInt(4000),
		Purchases: []clv.Purchase{buy("ana", "2024-06-01", "iPhone", "web", 999), buy("ana", "2024-06-20", "case", "store", 49)}}
	plan, err := p.Plan(c, time.Date(2024, 6, 25, 15, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range plan.Steps {
		got = append(got, fmt.Sprintf("%s@%s/%s", s.Initiative.ID, s.When.Format("01-02"), s.Channel))
	}
	want := []string{"setup-call@06-27/phone", "tips@06-25/web", "watch@07-01/web"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("steps %v, want %v", got, want)
	}
	for i := 1; i < len(plan.Steps); i++ {
		if plan.Steps[i].When.Before(plan.Steps[i-1].When) {
			t.Error("steps not in time order")
		}
	}
	if !slices.Equal(plan.Missing, []Perspective{Experience, Allies}) {
		t.Errorf("missing %v", plan.Missing)
	}
	if math.Abs(plan.ShareOfWallet-1048.0/4000) > 1e-12 {
		t.Errorf("share of wallet %v", plan.ShareOfWallet)
	}
	skipped := map[string]string{}
	for _, s := range plan.Skipped {
		skipped[s.Initiative.ID] = s.Reason.Facts[len(s.Reason.Facts)-1].Name
	}
	if skipped["welcome"] != "window closes" || skipped["vip-event"] != "rung" {
		t.Errorf("skipped %v", skipped)
	}
	// With learned sequences, the likeliest next product not covered is added.
	p.Sequences = appleSequences(t)
	plan, _ = p.Plan(c, time.Date(2024, 6, 25, 0, 0, 0, 0, time.UTC))
	found := false
	for _, s := range plan.Steps {
		found = found || s.Initiative.ID == "next:iPad"
	}
	if !found {
		t.Errorf("no learned next-product step: %+v", plan.Steps)
	}
}

func TestPropPlansRespectRules(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := Planner{Initiatives: initiatives(), Horizon: rapid.IntRange(1, 400).Draw(t, "horizon")}
		asOf := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
		var ps []clv.Purchase
		for range rapid.IntRange(0, 6).Draw(t, "n") {
			ps = append(ps, buy("c", asOf.AddDate(0, 0, -rapid.IntRange(-10, 200).Draw(t, "ago")).Format(time.DateOnly),
				rapid.SampledFrom([]string{"iPhone", "Watch", "case", ""}).Draw(t, "product"),
				rapid.SampledFrom([]string{"web", "store"}).Draw(t, "channel"), 10))
		}
		c := Profile{ID: "c", Phase: lifecycle.Phase(rapid.IntRange(0, 6).Draw(t, "phase")), Rung: rapid.IntRange(0, 3).Draw(t, "rung"), Purchases: ps}
		a, err := p.Plan(c, asOf)
		if err != nil {
			t.Fatal(err)
		}
		c.Purchases = rapid.Permutation(ps).Draw(t, "perm")
		b, _ := p.Plan(c, asOf)
		if fmt.Sprint(a.Steps) != fmt.Sprint(b.Steps) {
			t.Fatal("purchase order changed the plan")
		}
		for _, s := range a.Steps {
			in := s.Initiative
			if len(in.Phases) > 0 && !slices.Contains(in.Phases, c.Phase) || len(in.Rungs) > 0 && !slices.Contains(in.Rungs, c.Rung) {
				t.Fatalf("%s planned for an ineligible customer", in.ID)
			}
			if s.When.Before(asOf) || s.When.After(asOf.AddDate(0, 0, p.Horizon)) || (!s.Until.IsZero() && s.Until.Before(asOf)) {
				t.Fatalf("%s planned outside its timing: %v..%v", in.ID, s.When, s.Until)
			}
			if in.Product != "" {
				for _, pu := range ps {
					if pu.Product == in.Product && !pu.Time.After(asOf) {
						t.Fatalf("%s offered to a holder", in.ID)
					}
				}
			}
		}
	})
}

func FuzzBaskets(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		b := NewBaskets()
		for _, basket := range genBaskets(t) {
			if err := b.Add(basket...); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.Rules(rapid.Float64Range(-1, 2).Draw(t, "s"), rapid.Float64Range(-1, 2).Draw(t, "c")); err != nil && !strings.Contains(err.Error(), "pesca:") {
			t.Fatal(err)
		}
	}))
}

func BenchmarkRules(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("baskets=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			items := make([]string, 200)
			for i := range items {
				items[i] = fmt.Sprintf("sku%03d", i)
			}
			baskets := make([][]string, n)
			for i := range baskets {
				k := 1 + rng.IntN(6)
				bk := make([]string, k)
				for j := range bk {
					// Zipf-like popularity: a few items in most baskets.
					bk[j] = items[int(float64(len(items))*math.Pow(rng.Float64(), 3))]
				}
				baskets[i] = bk
			}
			b.ResetTimer()
			for b.Loop() {
				bs := NewBaskets()
				for _, bk := range baskets {
					if err := bs.Add(bk...); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := bs.Rules(0.001, 0.1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestPlanAll(t *testing.T) {
	p := Planner{Initiatives: initiatives()}
	asOf := time.Date(2024, 6, 25, 0, 0, 0, 0, time.UTC)
	cs := []Profile{
		{ID: "a", Phase: lifecycle.Newcomer, Purchases: []clv.Purchase{buy("a", "2024-06-01", "iPhone", "web", 999)}},
		{ID: "b", Phase: lifecycle.Lapsed, Rung: 2, Purchases: []clv.Purchase{buy("b", "2023-01-01", "case", "store", 20)}},
		{ID: "c"},
	}
	plans, gaps, err := p.PlanAll(cs, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 3 || plans[2].Customer != "c" || len(plans[2].Steps) != 0 || gaps[Allies] != 3 {
		t.Errorf("plans %d, gaps %v, c's steps %v", len(plans), gaps, plans[2].Steps)
	}
	if _, _, err := p.PlanAll([]Profile{{ID: ""}}, asOf); err == nil {
		t.Error("empty ID accepted")
	}
	bad := Planner{Initiatives: []Initiative{{ID: "x", Anchor: ProductPurchase}}}
	if _, err := bad.Plan(cs[0], asOf); err == nil {
		t.Error("product anchor without a product accepted")
	}
}
