package pesca

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
	gen "github.com/clvkit/clvkit/internal/hostile"
	"github.com/clvkit/clvkit/lifecycle"
)

// Generators of hostile inputs: the shared ones of internal/hostile, with
// this package's ranges.

var (
	longID   = gen.LongID
	genFloat = gen.Float
	genDec   = gen.Decimal
	genLoc   = gen.Loc
)

func genDecimal(t *rapid.T, label string) decimal.Decimal { return genDec(t, label) }

func genInt(t *rapid.T, label string) int { return gen.Int(t, label, -5, 400, 36526) }

func genTime(t *rapid.T, label string) time.Time { return gen.Time(t, label, base, 400) }

var base = time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)

var products = []string{"", "iPhone", "Watch", "iPad", "a\x00b", longID}

func genPurchases(t *rapid.T, customer string) []clv.Purchase {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) clv.Purchase {
		who := customer
		if rapid.IntRange(0, 9).Draw(t, "stranger") == 0 {
			who = rapid.SampledFrom([]string{"", "other", longID}).Draw(t, "who")
		}
		return clv.Purchase{Transaction: clv.Transaction{Customer: who, Time: genTime(t, "time"), Amount: genDecimal(t, "amount")},
			Product: rapid.SampledFrom(products).Draw(t, "product"), Channel: rapid.SampledFrom([]string{"", "web", "store"}).Draw(t, "channel")}
	}), 0, 6).Draw(t, "purchases")
}

func checkErr(t *rapid.T, fn string, err error) {
	if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("%s: error wraps no sentinel: %v", fn, err)
	}
	if strings.Contains(err.Error(), strings.Repeat("x", 41)) {
		t.Fatalf("%s: error echoes a long value whole: %v", fn, err)
	}
}

func genInitiatives(t *rapid.T) []Initiative {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Initiative {
		in := Initiative{ID: rapid.SampledFrom([]string{"i1", "i2", "i3", "", longID}).Draw(t, "id"),
			Perspective: Perspective(rapid.IntRange(0, 6).Draw(t, "perspective")), Product: rapid.SampledFrom(products).Draw(t, "product"),
			Cost: genDecimal(t, "cost"), ExpectedValue: genDecimal(t, "ev"), Anchor: Anchor(rapid.IntRange(0, 4).Draw(t, "anchor")),
			AfterProduct: rapid.SampledFrom(products).Draw(t, "after"), OffsetDays: genInt(t, "offset"), WindowDays: genInt(t, "window"),
			Channel: rapid.SampledFrom([]string{"", "phone"}).Draw(t, "channel")}
		if rapid.Bool().Draw(t, "phases") {
			in.Phases = []lifecycle.Phase{lifecycle.Phase(rapid.IntRange(0, 8).Draw(t, "phase"))}
		}
		if rapid.Bool().Draw(t, "rungs") {
			in.Rungs = []int{rapid.IntRange(-1, 3).Draw(t, "rung")}
		}
		if rapid.Bool().Draw(t, "requires") {
			in.Requires = []string{rapid.SampledFrom(products).Draw(t, "requires")}
		}
		return in
	}), 0, 4).Draw(t, "initiatives")
}

func genProfile(t *rapid.T) Profile {
	id := rapid.SampledFrom([]string{"c1", "c2", "", longID}).Draw(t, "customer")
	return Profile{ID: id, Phase: lifecycle.Phase(rapid.IntRange(0, 8).Draw(t, "phase")), Rung: rapid.IntRange(-1, 3).Draw(t, "rung"),
		Purchases: genPurchases(t, id), CategorySpend: genDecimal(t, "categorySpend")}
}

func checkRules(t *rapid.T, rules []Rule, minConfidence float64) {
	for _, r := range rules {
		if !(r.Support > 0 && r.Support <= 1) || !(r.Confidence > 0 && r.Confidence <= 1+1e-12) || r.Confidence < minConfidence-1e-12 ||
			!(r.Lift > 0) || !(r.Conviction > 0) || len(r.Antecedent) == 0 || len(r.Consequent) == 0 {
			t.Fatalf("rule %+v", r)
		}
	}
}

// hostile calls every exported function of the package with generated,
// often hostile, inputs: none may panic, and each returns an error or a
// result that keeps its documented invariants.
func hostile(t *rapid.T) {
	if Perspective(rapid.IntRange(0, 255).Draw(t, "perspective")).String() == "" || len(Perspectives()) != 5 {
		t.Fatal("perspective names")
	}
	name := rapid.SampledFrom([]string{"Product", "allies", "", "nope", longID}).Draw(t, "name")
	if p, err := ParsePerspective(name); err != nil {
		checkErr(t, "ParsePerspective", err)
	} else if !strings.EqualFold(p.String(), name) {
		t.Fatalf("%q parsed as %v", name, p)
	}

	// Baskets: the zero value, a nil pointer and a constructed one.
	var zero Baskets
	var nilB *Baskets
	made := NewBaskets()
	baskets := rapid.SliceOfN(rapid.SliceOfN(rapid.SampledFrom([]string{"a", "b", "c", "d", "", "e\x00", longID}), 0, 5), 0, 12).Draw(t, "baskets")
	for i, bk := range baskets {
		target := &zero
		if i%2 == 1 {
			target = made
		}
		if err := target.Add(bk...); err != nil {
			checkErr(t, "Add", err)
		}
	}
	if err := nilB.Add("a"); err == nil {
		t.Fatal("Add to a nil *Baskets accepted")
	}
	before := zero.Len() + made.Len()
	var mergeErr error
	switch rapid.IntRange(0, 3).Draw(t, "merge") {
	case 0:
		mergeErr = zero.Merge(made)
	case 1:
		mergeErr = zero.Merge(nil)
	case 2:
		mergeErr = nilB.Merge(made)
	case 3:
		before = 2 * zero.Len()
		mergeErr = zero.Merge(&zero)
	}
	if mergeErr != nil {
		checkErr(t, "Merge", mergeErr)
	} else if zero.Len() != before {
		t.Fatalf("merged Len %d, want %d", zero.Len(), before)
	}
	minSupport := rapid.OneOf(rapid.Float64Range(0.05, 1), rapid.Custom(func(t *rapid.T) float64 { return genFloat(t, "s") })).Draw(t, "minSupport")
	for _, b := range []*Baskets{&zero, nilB} {
		sets, err := b.Frequent(minSupport, genInt(t, "maxLen"))
		if err != nil {
			checkErr(t, "Frequent", err)
		}
		for i, s := range sets {
			if s.Count < 1 || s.Support != float64(s.Count)/float64(b.Len()) || s.Support < minSupport-1e-9 || !slices.IsSorted(s.Items) ||
				i > 0 && cmp.Or(cmp.Compare(len(sets[i-1].Items), len(s.Items)), slices.Compare(sets[i-1].Items, s.Items)) >= 0 {
				t.Fatalf("itemsets %v", sets)
			}
		}
		minConfidence := rapid.OneOf(rapid.Float64Range(0, 1), rapid.Custom(func(t *rapid.T) float64 { return genFloat(t, "c") })).Draw(t, "minConfidence")
		rules, err := b.Rules(minSupport, minConfidence)
		if err != nil {
			checkErr(t, "Rules", err)
		}
		checkRules(t, rules, minConfidence)
	}

	// Sequences: the zero value, a nil pointer and a constructed one.
	var seq Sequences
	var nilS *Sequences
	other := NewSequences()
	for i := range rapid.IntRange(0, 4).Draw(t, "customers") {
		target := &seq
		if i%2 == 1 {
			target = other
		}
		who := rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "who")
		if err := target.AddCustomer(genPurchases(t, who), genLoc(t)); err != nil {
			checkErr(t, "AddCustomer", err)
		}
	}
	if err := nilS.AddCustomer(nil, nil); err == nil {
		t.Fatal("AddCustomer to a nil *Sequences accepted")
	}
	switch rapid.IntRange(0, 3).Draw(t, "mergeSequences") {
	case 0:
		if err := seq.Merge(other); err != nil {
			t.Fatal(err)
		}
	case 1:
		checkErr(t, "Merge", seq.Merge(nil))
	case 2:
		checkErr(t, "Merge", nilS.Merge(other))
	case 3:
		if err := seq.Merge(&seq); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []*Sequences{&seq, nilS} {
		trs := s.Transitions()
		for i, tr := range trs {
			if !(tr.Support >= 0 && tr.Support <= 1 && tr.Confidence >= 0 && tr.Confidence <= 1 && tr.Lift >= 0) || tr.Customers < 1 ||
				i > 0 && cmp.Or(cmp.Compare(tr.Confidence, trs[i-1].Confidence), cmp.Compare(tr.Support, trs[i-1].Support)) > 0 {
				t.Fatalf("transitions %+v", trs)
			}
		}
		held := rapid.SliceOfN(rapid.SampledFrom(products), 0, 3).Draw(t, "held")
		k := genInt(t, "k")
		next := s.Next(held, k)
		if k > 0 && len(next) > k {
			t.Fatalf("%d next products for k = %d", len(next), k)
		}
		for _, tr := range next {
			if slices.Contains(held, tr.To) || !slices.Contains(held, tr.From) {
				t.Fatalf("next %+v for held %v", tr, held)
			}
		}
		k = genInt(t, "pathK")
		paths := s.Paths(k)
		if k > 0 && len(paths) > k {
			t.Fatalf("%d paths for k = %d", len(paths), k)
		}
		for _, p := range paths {
			if p.Customers < 1 || len(p.Products) == 0 {
				t.Fatalf("paths %+v", paths)
			}
		}
	}

	// Plans.
	planner := Planner{Initiatives: genInitiatives(t), Horizon: genInt(t, "horizon"), NextProducts: genInt(t, "nextProducts"), Location: genLoc(t)}
	clean := rapid.Bool().Draw(t, "clean")
	if clean {
		planner.Initiatives, planner.Horizon, planner.NextProducts = initiatives(), rapid.IntRange(0, 400).Draw(t, "h"), rapid.IntRange(0, 2).Draw(t, "n")
	}
	genProfile := func(t *rapid.T) Profile {
		if !clean {
			return genProfile(t)
		}
		id := rapid.SampledFrom([]string{"c1", "c2", "c3"}).Draw(t, "customer")
		ps := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) clv.Purchase {
			return clv.Purchase{Transaction: clv.Transaction{Customer: id, Time: base.Add(time.Duration(rapid.IntRange(-300*24, 30*24).Draw(t, "h")) * time.Hour),
				Amount: decimal.NewFromInt(rapid.Int64Range(0, 100).Draw(t, "amount"))},
				Product: rapid.SampledFrom(products[:4]).Draw(t, "product"), Channel: "web"}
		}), 0, 6).Draw(t, "purchases")
		return Profile{ID: id, Phase: lifecycle.Phase(rapid.IntRange(0, 6).Draw(t, "phase")), Rung: rapid.IntRange(0, 3).Draw(t, "rung"), Purchases: ps}
	}
	if rapid.Bool().Draw(t, "withSequences") {
		planner.Sequences = rapid.SampledFrom([]*Sequences{&seq, nilS, other}).Draw(t, "sequences")
	}
	asOf := genTime(t, "asOf")
	if clean {
		asOf = base.Add(time.Duration(rapid.IntRange(0, 48).Draw(t, "asOfHour")) * time.Hour)
	}
	checkPlan := func(c Profile, pl Plan) {
		horizon := planner.Horizon
		if horizon == 0 {
			horizon = 365
		}
		today := clv.CalendarDay(pl.AsOf, planner.Location)
		if pl.Customer != c.ID || today != clv.CalendarDay(asOf, planner.Location) || !(pl.ShareOfWallet >= 0 || pl.ShareOfWallet == -1) {
			t.Fatalf("plan %+v", pl)
		}
		fromInitiatives := 0
		for i, s := range pl.Steps {
			when := clv.CalendarDay(s.When, planner.Location)
			if when < today || !s.Until.IsZero() && clv.CalendarDay(s.Until, planner.Location) < today ||
				i > 0 && cmp.Or(pl.Steps[i-1].When.Compare(s.When), cmp.Compare(pl.Steps[i-1].Initiative.Perspective, s.Initiative.Perspective),
					cmp.Compare(pl.Steps[i-1].Initiative.ID, s.Initiative.ID)) > 0 {
				t.Fatalf("steps %+v", pl.Steps)
			}
			if !strings.HasPrefix(s.Initiative.ID, "next:") {
				fromInitiatives++
				if when-today > int64(horizon) {
					t.Fatalf("step %s beyond the horizon", s.Initiative.ID)
				}
			}
		}
		if fromInitiatives+len(pl.Skipped) != len(planner.Initiatives) {
			t.Fatalf("%d steps + %d skipped for %d initiatives", fromInitiatives, len(pl.Skipped), len(planner.Initiatives))
		}
		for _, pe := range Perspectives() {
			planned := slices.ContainsFunc(pl.Steps, func(s Step) bool { return s.Initiative.Perspective == pe })
			if planned == slices.Contains(pl.Missing, pe) {
				t.Fatalf("perspective %v: planned %v, missing %v", pe, planned, pl.Missing)
			}
		}
	}
	c := genProfile(t)
	if pl, err := planner.Plan(c, asOf); err != nil {
		checkErr(t, "Plan", err)
	} else {
		checkPlan(c, pl)
	}
	cs := rapid.SliceOfN(rapid.Custom(genProfile), 0, 3).Draw(t, "profiles")
	if plans, gaps, err := planner.PlanAll(cs, asOf); err != nil {
		checkErr(t, "PlanAll", err)
	} else {
		for i, pl := range plans {
			checkPlan(cs[i], pl)
		}
		for _, n := range gaps {
			if n < 1 || n > len(cs) {
				t.Fatalf("gaps %v for %d profiles", gaps, len(cs))
			}
		}
	}
}

func TestPropHostile(t *testing.T) { rapid.Check(t, hostile) }

func FuzzHostile(f *testing.F) { f.Fuzz(rapid.MakeFuzz(hostile)) }
