package clv

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func tx(id, date, amount string) Transaction {
	return Transaction{Customer: id, Time: day(date), Amount: decimal.RequireFromString(amount)}
}

var cmpSummary = cmp.Options{
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmpopts.EquateApprox(0, 1e-12),
}

func TestSummarizeConventions(t *testing.T) {
	log := []Transaction{
		tx("b", "2024-01-10", "5"),
		tx("a", "2024-01-01", "10"),
		tx("a", "2024-01-01", "2.50"), // same day: one period, amounts add
		tx("a", "2024-01-08", "20"),
		tx("a", "2024-01-15", "30"),
		tx("a", "2024-02-01", "99"), // after the end: ignored
		tx("c", "2024-01-29", "0"),  // zero amount still a purchase
	}
	got, err := Summarize(slices.Values(log), SummaryOptions{End: day("2024-01-29"), Unit: UnitWeek})
	if err != nil {
		t.Fatal(err)
	}
	want := []Summary{
		{ID: "a", Frequency: 2, Recency: 2, T: 4, MonetaryValue: decimal.RequireFromString("25"), Unit: UnitWeek},
		{ID: "b", Frequency: 0, Recency: 0, T: 19.0 / 7, MonetaryValue: decimal.Zero, Unit: UnitWeek},
		{ID: "c", Frequency: 0, Recency: 0, T: 0, MonetaryValue: decimal.Zero, Unit: UnitWeek},
	}
	if diff := cmp.Diff(want, got, cmpSummary); diff != "" {
		t.Errorf("summaries (-want +got):\n%s", diff)
	}
}

func TestSummarizeCalibrationHoldout(t *testing.T) {
	log := []Transaction{
		tx("a", "2024-01-01", "10"),
		tx("a", "2024-01-05", "20"),
		tx("a", "2024-01-11", "7"),
		tx("a", "2024-01-12", "3"),
		tx("late", "2024-01-15", "1"), // first purchase in holdout: not in calibration
	}
	s, err := NewSummarizer(SummaryOptions{End: day("2024-01-20"), CalibrationEnd: day("2024-01-10")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddAll(slices.Values(log)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Split()
	if err != nil {
		t.Fatal(err)
	}
	want := []SplitSummary{{
		Calibration:          Summary{ID: "a", Frequency: 1, Recency: 4, T: 9, MonetaryValue: decimal.NewFromInt(20)},
		FrequencyHoldout:     2,
		MonetaryValueHoldout: decimal.NewFromInt(5),
		DurationHoldout:      10,
	}}
	if diff := cmp.Diff(want, got, cmpSummary); diff != "" {
		t.Errorf("split (-want +got):\n%s", diff)
	}
}

func TestSummarizePeriods(t *testing.T) {
	log := []Transaction{
		tx("a", "2024-01-01", "1"), // Monday
		tx("a", "2024-01-07", "2"), // Sunday, same ISO week
		tx("a", "2024-01-08", "4"), // next week
		tx("a", "2024-02-29", "8"), // February
	}
	for _, tc := range []struct {
		period Period
		want   Summary
	}{
		{PeriodDay, Summary{ID: "a", Frequency: 3, Recency: 59, T: 60, MonetaryValue: decimal.RequireFromString("4.666666666667")}},
		{PeriodWeek, Summary{ID: "a", Frequency: 2, Recency: 56, T: 56, MonetaryValue: decimal.NewFromInt(6)}},
		{PeriodMonth, Summary{ID: "a", Frequency: 1, Recency: 31, T: 60, MonetaryValue: decimal.NewFromInt(8)}},
	} {
		got, err := Summarize(slices.Values(log), SummaryOptions{End: day("2024-03-01"), Period: tc.period})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]Summary{tc.want}, got, cmpSummary); diff != "" {
			t.Errorf("period %v (-want +got):\n%s", tc.period, diff)
		}
	}
}

func TestSummarizeTimeZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	// 03:00 UTC on 2 January is 22:00 on 1 January in New York.
	log := []Transaction{
		{Customer: "a", Time: time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(1)},
		{Customer: "a", Time: time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(1)},
	}
	utc, _ := Summarize(slices.Values(log), SummaryOptions{End: day("2024-01-05")})
	local, _ := Summarize(slices.Values(log), SummaryOptions{End: time.Date(2024, 1, 5, 0, 0, 0, 0, ny), Location: ny})
	if utc[0].Frequency != 1 || local[0].Frequency != 0 {
		t.Errorf("frequency UTC %d (want 1), New York %d (want 0)", utc[0].Frequency, local[0].Frequency)
	}
}

func TestSummarizerErrors(t *testing.T) {
	if _, err := NewSummarizer(SummaryOptions{}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("missing end: got %v", err)
	}
	if _, err := NewSummarizer(SummaryOptions{End: day("2024-01-01"), CalibrationEnd: day("2024-02-01")}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("calibration after end: got %v", err)
	}
	if _, err := NewSummarizer(SummaryOptions{End: day("2024-01-01"), Unit: 9}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("bad unit: got %v", err)
	}
	s, _ := NewSummarizer(SummaryOptions{End: day("2024-01-01")})
	for _, bad := range []Transaction{
		{Time: day("2023-01-01")},
		{Customer: "x"},
		{Customer: "x", Time: day("2023-01-01"), Amount: decimal.NewFromInt(-1)},
	} {
		if err := s.Add(bad); !errors.Is(err, ErrInvalidTransaction) {
			t.Errorf("Add(%+v) = %v, want ErrInvalidTransaction", bad, err)
		}
	}
	if s.Len() != 0 {
		t.Errorf("invalid transactions changed the state: %d customers", s.Len())
	}
	if _, err := s.Split(); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("Split without calibration end: %v", err)
	}
	other, _ := NewSummarizer(SummaryOptions{End: day("2024-01-02")})
	if err := s.Merge(other); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("merge with other options: %v", err)
	}
}

func TestSummaryValidate(t *testing.T) {
	ok := Summary{ID: "a", Frequency: 2, Recency: 3, T: 5, MonetaryValue: decimal.NewFromInt(4)}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid summary: %v", err)
	}
	for name, mod := range map[string]func(*Summary){
		"recency > T":        func(s *Summary) { s.Recency = 6 },
		"negative frequency": func(s *Summary) { s.Frequency = -1 },
		"negative recency":   func(s *Summary) { s.Recency = -1 },
		"NaN T":              func(s *Summary) { s.T = nanF() },
		"recency without x":  func(s *Summary) { s.Frequency = 0; s.MonetaryValue = decimal.Zero },
		"money without x":    func(s *Summary) { s.Frequency, s.Recency = 0, 0 },
		"negative money":     func(s *Summary) { s.MonetaryValue = decimal.NewFromInt(-1) },
		"bad unit":           func(s *Summary) { s.Unit = 7 },
	} {
		s := ok
		mod(&s)
		if err := s.Validate(); !errors.Is(err, ErrInvalidSummary) {
			t.Errorf("%s: got %v, want ErrInvalidSummary", name, err)
		}
	}
}

func nanF() float64 { var z float64; return z / z }

// reference summarises the naive way: group every transaction by customer
// and period in maps, then read the statistics off.
func reference(log []Transaction, o SummaryOptions) ([]Summary, []SplitSummary) {
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	endCivil := civilDay(o.End, loc)
	end := o.Period.periodStart(endCivil)
	cal := int64(1 << 62)
	if !o.CalibrationEnd.IsZero() {
		cal = o.Period.periodStart(civilDay(o.CalibrationEnd, loc))
	}
	spend := map[string]map[int64]decimal.Decimal{}
	for _, t := range log {
		d := civilDay(t.Time, loc)
		if d > endCivil {
			continue
		}
		p := o.Period.periodStart(d)
		if spend[t.Customer] == nil {
			spend[t.Customer] = map[int64]decimal.Decimal{}
		}
		spend[t.Customer][p] = spend[t.Customer][p].Add(t.Amount)
	}
	ids := make([]string, 0, len(spend))
	for id := range spend {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	u := o.Unit.Days()
	sum := func(id string, ps []int64, to int64) Summary {
		var total decimal.Decimal
		for _, p := range ps[1:] {
			total = total.Add(spend[id][p])
		}
		return Summary{ID: id, Frequency: len(ps) - 1, Recency: float64(ps[len(ps)-1]-ps[0]) / u,
			T: float64(to-ps[0]) / u, MonetaryValue: refMean(total, len(ps)-1), Unit: o.Unit}
	}
	var whole []Summary
	var split []SplitSummary
	for _, id := range ids {
		var ps, calPs, hold []int64
		for p := range spend[id] {
			ps = append(ps, p)
			if p <= cal {
				calPs = append(calPs, p)
			} else {
				hold = append(hold, p)
			}
		}
		slices.Sort(ps)
		slices.Sort(calPs)
		whole = append(whole, sum(id, ps, end))
		if len(calPs) > 0 && cal != 1<<62 {
			var h decimal.Decimal
			for _, p := range hold {
				h = h.Add(spend[id][p])
			}
			split = append(split, SplitSummary{Calibration: sum(id, calPs, cal), FrequencyHoldout: len(hold),
				MonetaryValueHoldout: refMean(h, len(hold)), DurationHoldout: float64(end-cal) / u})
		}
	}
	return whole, split
}

func refMean(total decimal.Decimal, n int) decimal.Decimal {
	if n == 0 {
		return decimal.Zero
	}
	return total.DivRound(decimal.NewFromInt(int64(n)), MonetaryScale)
}

func genLog(t *rapid.T, label string) []Transaction {
	base := day("2023-01-01")
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Transaction {
		return Transaction{
			Customer: rapid.SampledFrom([]string{"a", "b", "c", "d", "e", "0001", "Ω"}).Draw(t, "id"),
			Time:     base.Add(time.Duration(rapid.IntRange(0, 400*24).Draw(t, "hour")) * time.Hour),
			Amount:   decimal.New(rapid.Int64Range(0, 1e6).Draw(t, "cents"), -int32(rapid.IntRange(0, 3).Draw(t, "scale"))),
		}
	}), 1, 60).Draw(t, label)
}

func genOptions(t *rapid.T) SummaryOptions {
	o := SummaryOptions{
		End:    day("2023-01-01").AddDate(0, 0, rapid.IntRange(0, 420).Draw(t, "endDay")),
		Period: Period(rapid.IntRange(0, 2).Draw(t, "period")),
		Unit:   Unit(rapid.IntRange(0, 2).Draw(t, "unit")),
	}
	if rapid.Bool().Draw(t, "split") {
		o.CalibrationEnd = o.End.AddDate(0, 0, -rapid.IntRange(0, 200).Draw(t, "holdoutDays"))
	}
	return o
}

func summarizeAll(t *rapid.T, log []Transaction, o SummaryOptions) *Summarizer {
	s, err := NewSummarizer(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddAll(slices.Values(log)); err != nil {
		t.Fatal(err)
	}
	return s
}

func split(t *rapid.T, s *Summarizer) []SplitSummary {
	if s.Options().CalibrationEnd.IsZero() {
		return nil
	}
	sp, err := s.Split()
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func TestPropSummarizeMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		log, o := genLog(t, "log"), genOptions(t)
		s := summarizeAll(t, log, o)
		wantWhole, wantSplit := reference(log, o)
		if diff := cmp.Diff(wantWhole, s.Summaries(), cmpSummary, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("summaries (-reference +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantSplit, split(t, s), cmpSummary, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("split (-reference +got):\n%s", diff)
		}
	})
}

func TestPropSummaryInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		log, o := genLog(t, "log"), genOptions(t)
		s := summarizeAll(t, log, o)
		count := map[string]int{}
		for _, tr := range log {
			count[tr.Customer]++
		}
		whole := s.Summaries()
		for _, c := range whole {
			if err := c.Validate(); err != nil {
				t.Fatalf("invalid summary: %v", err)
			}
			if c.Recency < 0 || c.Recency > c.T {
				t.Fatalf("%s: recency %v outside [0, T=%v]", c.ID, c.Recency, c.T)
			}
			if c.Frequency > count[c.ID]-1 {
				t.Fatalf("%s: frequency %d > %d transactions - 1", c.ID, c.Frequency, count[c.ID])
			}
		}
		byID := map[string]Summary{}
		for _, c := range whole {
			byID[c.ID] = c
		}
		for _, sp := range split(t, s) {
			w := byID[sp.Calibration.ID]
			// Calibration and holdout add up to the whole.
			if got := sp.Calibration.Frequency + 1 + sp.FrequencyHoldout; got != w.Frequency+1 {
				t.Fatalf("%s: periods cal+holdout %d != whole %d", w.ID, got, w.Frequency+1)
			}
			if d := sp.Calibration.T + sp.DurationHoldout - w.T; d > 1e-9 || d < -1e-9 {
				t.Fatalf("%s: T_cal %v + duration %v != T %v", w.ID, sp.Calibration.T, sp.DurationHoldout, w.T)
			}
		}
	})
}

func TestPropSummarizePermutationInvariant(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		log, o := genLog(t, "log"), genOptions(t)
		perm := rapid.Permutation(log).Draw(t, "perm")
		a, b := summarizeAll(t, log, o), summarizeAll(t, perm, o)
		if diff := cmp.Diff(a.Summaries(), b.Summaries(), cmpSummary); diff != "" {
			t.Fatalf("permuted input changed summaries:\n%s", diff)
		}
		if diff := cmp.Diff(split(t, a), split(t, b), cmpSummary); diff != "" {
			t.Fatalf("permuted input changed split:\n%s", diff)
		}
	})
}

func TestPropMergeEqualsOnePass(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		log, o := genLog(t, "log"), genOptions(t)
		// Shards drawn per transaction, so customers overlap between shards
		// or not, as it happens.
		var shards [3][]Transaction
		for _, tr := range log {
			k := rapid.IntRange(0, 2).Draw(t, "shard")
			shards[k] = append(shards[k], tr)
		}
		whole := summarizeAll(t, log, o)
		merged := summarizeAll(t, shards[0], o)
		for _, sh := range shards[1:] {
			if err := merged.Merge(summarizeAll(t, sh, o)); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(whole.Summaries(), merged.Summaries(), cmpSummary); diff != "" {
			t.Fatalf("merge != one pass:\n%s", diff)
		}
		if diff := cmp.Diff(split(t, whole), split(t, merged), cmpSummary); diff != "" {
			t.Fatalf("merged split != one pass:\n%s", diff)
		}
	})
}

func TestPropCompressExpand(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 50).Draw(t, "n")
		var ss []Summary
		for range n {
			x := rapid.IntRange(0, 3).Draw(t, "x")
			T := float64(rapid.IntRange(0, 4).Draw(t, "T"))
			r := 0.0
			if x > 0 {
				r = float64(rapid.IntRange(0, int(T)).Draw(t, "r"))
			}
			ss = append(ss, Summary{Frequency: x, Recency: r, T: T})
		}
		ps := Compress(ss)
		total := 0.0
		for _, p := range ps {
			total += p.Weight
		}
		if int(total) != n {
			t.Fatalf("weights add to %v, want %d", total, n)
		}
		back, err := Expand(ps, UnitDay)
		if err != nil {
			t.Fatal(err)
		}
		key := func(s Summary) string { return fmt.Sprint(s.Frequency, s.Recency, s.T) }
		a, b := make([]string, 0, n), make([]string, 0, n)
		for i := range ss {
			a = append(a, key(ss[i]))
			b = append(b, key(back[i]))
		}
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Fatalf("expand(compress(s)) is not the same multiset:\n%v\n%v", a, b)
		}
	})
}

func TestExpandRejectsFractionalWeight(t *testing.T) {
	if _, err := Expand([]Pattern{{Weight: 1.5}}, UnitDay); !errors.Is(err, ErrInvalidSummary) {
		t.Errorf("got %v", err)
	}
}

func TestPropExactSum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ds := rapid.SliceOf(rapid.Custom(func(t *rapid.T) decimal.Decimal {
			return decimal.New(rapid.Int64().Draw(t, "c"), int32(rapid.IntRange(-20, 3).Draw(t, "e")))
		})).Draw(t, "amounts")
		var s, s2 exactSum
		want := decimal.Zero
		for i, d := range ds {
			want = want.Add(d)
			if i%2 == 0 {
				s.add(d)
			} else {
				s2.add(d)
			}
		}
		s.merge(s2)
		if !s.value().Equal(want) {
			t.Fatalf("sum %s, want %s", s.value(), want)
		}
		n := rapid.IntRange(0, 1000).Draw(t, "n")
		if got, want := s.mean(n), refMean(want, n); !got.Equal(want) {
			t.Fatalf("mean over %d = %s, want %s", n, got, want)
		}
		if d := s.minus(s2).value(); !d.Equal(want.Sub(s2.value())) {
			t.Fatalf("minus = %s, want %s", d, want.Sub(s2.value()))
		}
	})
}

func TestCivilCalendar(t *testing.T) {
	for d := int64(-800000); d < 800000; d += 997 {
		y, m, dd := civilFromDays(d)
		if got := daysFromCivil(y, m, dd); got != d {
			t.Fatalf("round trip %d -> %d-%d-%d -> %d", d, y, m, dd, got)
		}
		want := time.Unix(d*86400, 0).UTC()
		if int(y) != want.Year() || time.Month(m) != want.Month() || dd != want.Day() {
			t.Fatalf("day %d: got %d-%d-%d, want %s", d, y, m, dd, want.Format(time.DateOnly))
		}
	}
}

func TestPropSummarizeSliceEqualsOnePass(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		log, o := genLog(t, "log"), genOptions(t)
		// Repeat the log so that it is split into several shards; sorted by
		// customer or not, to take both of SummarizeSlice's paths.
		var big []Transaction
		for range 2000 {
			big = append(big, log...)
		}
		if rapid.Bool().Draw(t, "grouped") {
			slices.SortStableFunc(big, func(a, b Transaction) int { return strings.Compare(a.Customer, b.Customer) })
		}
		par := o
		par.Workers = 4
		s, err := SummarizeSlice(big, par)
		if err != nil {
			t.Fatal(err)
		}
		one := summarizeAll(t, big, o)
		if diff := cmp.Diff(one.Summaries(), s.Summaries(), cmpSummary); diff != "" {
			t.Fatalf("SummarizeSlice differs from one pass:\n%s", diff)
		}
	})
}

func TestSummarizeSliceReportsFirstInvalid(t *testing.T) {
	for _, grouped := range []bool{false, true} {
		log := syntheticLog(200_000)
		if grouped {
			slices.SortStableFunc(log, func(a, b Transaction) int { return strings.Compare(a.Customer, b.Customer) })
		}
		log[150_000].Customer = ""
		log[190_000].Customer = ""
		_, err := SummarizeSlice(log, SummaryOptions{End: day("2025-01-01"), Workers: 4})
		if !errors.Is(err, ErrInvalidTransaction) || !strings.Contains(err.Error(), "transaction 150000") {
			t.Errorf("grouped %v: got %v", grouped, err)
		}
	}
}
