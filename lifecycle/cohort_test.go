package lifecycle

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
	gen "github.com/clvkit/clvkit/internal/hostile"
)

// sameDecimal compares decimals bit for bit: the same value with the same
// exponent, so that "12.50" and "12.5" differ.
var sameDecimal = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) && a.String() == b.String() })

// genCohortLog draws a log of a few customers over about two years,
// amounts in cents with varying exponents (to check that sums come out
// the same in any order).
func genCohortLog(t *rapid.T) []clv.Transaction {
	start := time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC)
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) clv.Transaction {
		amount := decimal.New(rapid.Int64Range(0, 50000).Draw(t, "cents"), -2)
		if rapid.Bool().Draw(t, "whole") {
			amount = decimal.New(rapid.Int64Range(0, 50).Draw(t, "units"), rapid.Int32Range(0, 2).Draw(t, "exp"))
		}
		return clv.Transaction{Customer: rapid.SampledFrom([]string{"a", "b", "c", "d", "e", "f", "g"}).Draw(t, "customer"),
			Time:   start.Add(time.Duration(rapid.IntRange(0, 800*24).Draw(t, "hours")) * time.Hour),
			Amount: amount}
	}), 0, 60).Draw(t, "log")
}

func cohortOpts(t *rapid.T) CohortOptions {
	return CohortOptions{End: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), Location: rapid.SampledFrom(gen.Zones).Draw(t, "loc"),
		Margin: rapid.SampledFrom([]float64{0, 0.3, 1}).Draw(t, "margin")}
}

func mustReport(t *rapid.T, b *CohortBuilder, spend map[Month]decimal.Decimal) CohortReport {
	r, err := b.Report(spend)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestPropCohortMerge: any sharding of a log, merged in any order, gives
// the one-pass report bit for bit; so does any order of the log.
func TestPropCohortMerge(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := cohortOpts(t)
		log := genCohortLog(t)
		whole, _ := NewCohortBuilder(opts)
		if err := whole.AddAll(slices.Values(log)); err != nil {
			t.Fatal(err)
		}
		spend := map[Month]decimal.Decimal{}
		if len(log) > 0 && rapid.Bool().Draw(t, "spend") {
			spend[min(MonthOf(log[0].Time, opts.Location), MonthOf(opts.End, opts.Location))] = decimal.NewFromInt(rapid.Int64Range(1, 500).Draw(t, "cost"))
		}
		want := mustReport(t, whole, spend)

		k := rapid.IntRange(1, 5).Draw(t, "shards")
		shards := make([]*CohortBuilder, k)
		for i := range shards {
			shards[i], _ = NewCohortBuilder(opts)
		}
		for i, tx := range rapid.Permutation(log).Draw(t, "order") {
			if err := shards[rapid.IntRange(0, k-1).Draw(t, fmt.Sprint("shard", i))].AddPurchase(clv.Purchase{Transaction: tx, Channel: "web"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, i := range rapid.Permutation(slices.Collect(func(yield func(int) bool) {
			for i := 1; i < k; i++ {
				if !yield(i) {
					return
				}
			}
		})).Draw(t, "mergeOrder") {
			if err := shards[0].Merge(shards[i]); err != nil {
				t.Fatal(err)
			}
		}
		got := mustReport(t, shards[0], spend)
		if diff := cmp.Diff(want, got, sameDecimal); diff != "" {
			t.Fatalf("merged report differs (-one pass +merged):\n%s", diff)
		}
		if shards[0].Len() != whole.Len() || shards[0].Ignored() != whole.Ignored() {
			t.Fatalf("len %d/%d, ignored %d/%d", shards[0].Len(), whole.Len(), shards[0].Ignored(), whole.Ignored())
		}
	})
}

// TestPropCohortOracle recomputes every figure of the report naively from
// the log.
func TestPropCohortOracle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := cohortOpts(t)
		log := genCohortLog(t)
		b, _ := NewCohortBuilder(opts)
		_ = b.AddAll(slices.Values(log))
		r := mustReport(t, b, nil)
		loc := b.Options().Location
		endDay := clv.CalendarDay(opts.End, loc)
		days := map[string][]int64{}
		for _, tx := range log {
			if d := clv.CalendarDay(tx.Time, loc); d <= endDay && !slices.Contains(days[tx.Customer], d) {
				days[tx.Customer] = append(days[tx.Customer], d)
			}
		}
		total := 0
		for _, c := range r.Cohorts {
			total += c.Customers
			for _, p := range c.Periods {
				month := c.Month + Month(p.Age)
				active, repeat, size := 0, 0, 0
				revenue := decimal.Zero
				for id, ds := range days {
					slices.Sort(ds)
					if monthOfDay(ds[0]) != c.Month {
						continue
					}
					size++
					if slices.ContainsFunc(ds, func(d int64) bool { return monthOfDay(d) == month }) {
						active++
					}
					if len(ds) > 1 && monthOfDay(ds[1]) <= month {
						repeat++
					}
					for _, tx := range log {
						if d := clv.CalendarDay(tx.Time, loc); tx.Customer == id && d <= endDay && monthOfDay(d) == month {
							revenue = revenue.Add(tx.Amount)
						}
					}
				}
				if size != c.Customers || active != p.Active || !revenue.Equal(p.Revenue) ||
					p.Retention != float64(active)/float64(size) || p.RepeatRate != float64(repeat)/float64(size) {
					t.Fatalf("cohort %s age %d: %+v; naive size %d active %d repeat %d revenue %s", c.Month, p.Age, p, size, active, repeat, revenue)
				}
				if p.Age == 0 && p.Retention != 1 {
					t.Fatalf("retention %v at acquisition", p.Retention)
				}
			}
			if last := c.Periods[len(c.Periods)-1]; c.Month+Month(last.Age) != r.End {
				t.Fatalf("cohort %s ends at age %d, not at %s", c.Month, last.Age, r.End)
			}
		}
		if total != len(days) || total != b.Len() {
			t.Fatalf("%d customers in cohorts, %d in the log", total, len(days))
		}
		for _, p := range r.RetentionCurve() {
			if !(p.Retention >= 0 && p.Retention <= 1) || p.Active > p.Customers {
				t.Fatalf("curve point %+v", p)
			}
		}
	})
}

func TestCohortLTVToCAC(t *testing.T) {
	b, _ := NewCohortBuilder(CohortOptions{End: date("2024-02-29"), Margin: 0.5})
	for _, tx := range []clv.Transaction{tx("a", "2024-01-03", 100), tx("a", "2024-02-03", 60), tx("b", "2024-01-09", 40), tx("c", "2024-03-01", 99)} {
		if err := b.Add(tx); err != nil {
			t.Fatal(err)
		}
	}
	jan, dec23 := MonthOf(date("2024-01-15"), nil), MonthOf(date("2023-12-01"), nil)
	r, err := b.Report(map[Month]decimal.Decimal{jan: dec("40"), dec23: dec("10")})
	if err != nil {
		t.Fatal(err)
	}
	if b.Ignored() != 1 || len(r.Cohorts) != 2 || r.Cohorts[0].Month != dec23 || r.Cohorts[0].Customers != 0 {
		t.Fatalf("report %+v", r)
	}
	// January: 2 customers, revenue 140 then 200; value per customer 0.5 ×
	// 200 / 2 = 50; LTV:CAC 0.5 × 200 / 40 = 2.5.
	p := r.Cohorts[1].Periods[1]
	if !p.ValuePerCustomer.Equal(dec("50")) || p.LTVToCAC != 2.5 || !p.CumulativeRevenue.Equal(dec("200")) || p.Retention != 0.5 {
		t.Errorf("period %+v", p)
	}
	if r.Cohorts[0].Periods[2].LTVToCAC != 0 || r.Cohorts[0].Periods[0].Retention != 0 {
		t.Errorf("empty cohort %+v", r.Cohorts[0])
	}
	if got := fmt.Sprint(jan, " ", Month(-1), " ", Month(12*5+11)); got != "2024-01 -1-12 0005-12" {
		t.Errorf("month names %q", got)
	}
	if s := jan.Start(nil); !s.Equal(date("2024-01-01")) {
		t.Errorf("start %v", s)
	}
}

func TestCohortErrors(t *testing.T) {
	end := date("2024-06-30")
	if _, err := NewCohortBuilder(CohortOptions{}); !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "End") {
		t.Errorf("no end: %v", err)
	}
	if _, err := NewCohortBuilder(CohortOptions{End: end, Margin: 1.5}); !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "Margin 1.5") {
		t.Errorf("margin: %v", err)
	}
	var nilB *CohortBuilder
	for name, err := range map[string]error{
		"nil Add":     nilB.Add(tx("a", "2024-01-01", 1)),
		"zero Add":    (&CohortBuilder{}).Add(tx("a", "2024-01-01", 1)),
		"zero AddAll": (&CohortBuilder{}).AddAll(nil),
		"nil Merge":   nilB.Merge(nil),
		"nil Report":  second(nilB.Report(nil)),
		"zero Report": second((&CohortBuilder{}).Report(nil)),
	} {
		if !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if nilB.Len() != 0 || nilB.Ignored() != 0 || nilB.Options() != (CohortOptions{}) {
		t.Error("nil builder accessors")
	}
	b, _ := NewCohortBuilder(CohortOptions{End: end})
	if err := b.AddAll(nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("nil sequence: %v", err)
	}
	bad := clv.Transaction{Customer: longID, Time: end, Amount: dec("-1")}
	if err := b.AddAll(slices.Values([]clv.Transaction{tx("a", "2024-01-01", 1), bad})); !errors.Is(err, ErrInvalidInput) ||
		!strings.Contains(err.Error(), "transaction 1") || strings.Contains(err.Error(), strings.Repeat("x", 41)) {
		t.Errorf("bad transaction: %v", err)
	}
	other, _ := NewCohortBuilder(CohortOptions{End: end, Margin: 0.5})
	if err := b.Merge(other); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("merge different options: %v", err)
	}
	if err := b.Merge(&CohortBuilder{}); !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "other") {
		t.Errorf("merge a zero builder: %v", err)
	}
	jun := MonthOf(end, nil)
	for name, spend := range map[string]map[Month]decimal.Decimal{
		"zero spend":      {jun: decimal.Zero},
		"negative spend":  {jun: dec("-5")},
		"spend after end": {jun + 1: dec("5")},
		"spend long ago":  {jun - MaxCohortMonths: dec("5")},
	} {
		if _, err := b.Report(spend); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A purchase dated centuries ago makes a span too long to report.
	old := clv.Transaction{Customer: "old", Time: time.Date(1200, 1, 1, 0, 0, 0, 0, time.UTC), Amount: dec("1")}
	if err := b.Add(old); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Report(nil); !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "1200-01") {
		t.Errorf("long span: %v", err)
	}
}

func FuzzCohorts(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		opts := CohortOptions{End: genTime(t, "end"), Location: genLoc(t), Margin: genFloat(t, "margin")}
		b, err := NewCohortBuilder(opts)
		if err != nil {
			checkErr(t, "NewCohortBuilder", err)
			return
		}
		for _, tx := range genTransactions(t) {
			if err := b.Add(tx); err != nil {
				checkErr(t, "Add", err)
			}
		}
		spend := map[Month]decimal.Decimal{}
		if rapid.Bool().Draw(t, "spend") {
			spend[MonthOf(genTime(t, "spendMonth"), genLoc(t))] = genDecimal(t, "amount")
		}
		r, err := b.Report(spend)
		if err != nil {
			checkErr(t, "Report", err)
			return
		}
		for i, c := range r.Cohorts {
			if i > 0 && r.Cohorts[i-1].Month >= c.Month || len(c.Periods) != int(r.End-c.Month)+1 {
				t.Fatalf("cohorts %+v", r.Cohorts)
			}
		}
	}))
}

// BenchmarkCohorts counts a log and reports on it, at sizes that show the
// cost growing with the transactions.
func BenchmarkCohorts(b *testing.B) {
	start := date("2023-01-01")
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		log := make([]clv.Transaction, n)
		for i := range log {
			log[i] = clv.Transaction{Customer: fmt.Sprintf("c%06d", (i*7919)%(n/8+1)), Time: start.AddDate(0, 0, (i*104729)%730),
				Amount: decimal.New(int64(100+i%9000), -2)}
		}
		b.Run(fmt.Sprintf("transactions=%d", n), func(b *testing.B) {
			for b.Loop() {
				cb, _ := NewCohortBuilder(CohortOptions{End: date("2024-12-31")})
				if err := cb.AddAll(slices.Values(log)); err != nil {
					b.Fatal(err)
				}
				if _, err := cb.Report(nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
