package clv

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// cmpExact compares summaries bit for bit: floats exactly, money by value
// (the printed form is compared separately, through WriteSummariesCSV).
var cmpExact = cmp.Options{cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }), cmpopts.EquateEmpty()}

// genLogAmount draws an amount a log may hold: cents, integers of up to 19
// digits at any scale, and decimals of up to 40 digits (beyond int64, so
// that sums take the decimal path).
func genLogAmount(t *rapid.T) decimal.Decimal {
	switch rapid.IntRange(0, 3).Draw(t, "amountKind") {
	case 0:
		return decimal.New(rapid.Int64Range(0, 1e6).Draw(t, "cents"), -int32(rapid.IntRange(0, 3).Draw(t, "scale")))
	case 1:
		return decimal.New(rapid.Int64Range(0, math.MaxInt64).Draw(t, "coef"), int32(rapid.IntRange(-20, 4).Draw(t, "exp")))
	case 2:
		digits := rapid.StringMatching(`[0-9]{1,40}`).Draw(t, "digits")
		return decimal.RequireFromString(digits).Shift(-int32(rapid.IntRange(0, len(digits)+2).Draw(t, "point")))
	default:
		return decimal.Zero
	}
}

// genAccLog draws a log of customers with random IDs (any UTF-8, shared
// between shards), any days around the observation end (some after it) and
// genAmount's amounts.
func genAccLog(t *rapid.T) []Transaction {
	ids := rapid.SliceOfNDistinct(rapid.StringN(1, 30, -1), 1, 8, func(s string) string { return s }).Draw(t, "ids")
	base := day("2023-01-01")
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Transaction {
		return Transaction{
			Customer: rapid.SampledFrom(ids).Draw(t, "id"),
			Time:     base.Add(time.Duration(rapid.IntRange(0, 450*24).Draw(t, "hour")) * time.Hour),
			Amount:   genLogAmount(t),
		}
	}), 0, 80).Draw(t, "log")
}

// genAccOptions is genOptions with a time zone.
func genAccOptions(t *rapid.T) SummaryOptions {
	o := genOptions(t)
	o.Location = rapid.SampledFrom([]*time.Location{nil, time.UTC, time.FixedZone("UTC+5:30", 19800), time.FixedZone("UTC-11", -11*3600)}).Draw(t, "location")
	return o
}

// cmpState compares accumulators field by field, each spend total by the
// form that holds it: c and scale while it fits an int64, the decimal's
// coefficient and exponent after (when c and scale no longer count).
var cmpState = cmp.Options{
	cmp.AllowUnexported(Accumulator{}),
	cmp.Transformer("exactSum", func(s exactSum) string {
		if s.slow != nil {
			return fmt.Sprintf("decimal %se%d", s.slow.Coefficient(), s.slow.Exponent())
		}
		return fmt.Sprintf("int64 %d/10^%d", s.c, s.scale)
	}),
}

// roundTrip encodes a and decodes the bytes, as an engine shipping it does.
func roundTrip(t *rapid.T, a Accumulator) Accumulator {
	b, err := a.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	var out Accumulator
	if err := out.UnmarshalBinary(b); err != nil {
		t.Fatalf("UnmarshalBinary(% x): %v", b, err)
	}
	return out
}

// csvOf returns what WriteSummariesCSV and WriteSplitSummariesCSV print.
func csvOf(t *rapid.T, whole []Summary, split []SplitSummary) string {
	var b bytes.Buffer
	if err := WriteSummariesCSV(&b, slices.Values(whole), true); err != nil {
		t.Fatal(err)
	}
	if err := WriteSplitSummariesCSV(&b, slices.Values(split), true); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPropAccumulatorShardsEqualOnePass: a log split into random shards,
// accumulated per customer in each, shipped through the binary encoding and
// merged in a random order and grouping gives exactly the summaries of one
// Summarizer pass over the whole log — by SummaryRules and by a Summarizer
// fed the accumulators.
func TestPropAccumulatorShardsEqualOnePass(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		log, o := genAccLog(t), genAccOptions(t)
		whole := summarizeAll(t, log, o)
		r, err := NewSummaryRules(o)
		if err != nil {
			t.Fatal(err)
		}
		shards := make([]map[string]*Accumulator, rapid.IntRange(1, 5).Draw(t, "shards"))
		for k := range shards {
			shards[k] = map[string]*Accumulator{}
		}
		for _, tr := range log {
			sh := shards[rapid.IntRange(0, len(shards)-1).Draw(t, "shard")]
			if sh[tr.Customer] == nil {
				sh[tr.Customer] = &Accumulator{}
			}
			added, err := r.Add(sh[tr.Customer], tr)
			if err != nil {
				t.Fatal(err)
			}
			if late := civilDay(tr.Time, r.opts.Location) > r.endCivil; added == late {
				t.Fatalf("Add reported added %v for a transaction on %v (observation end %v)", added, tr.Time, o.End)
			}
		}
		parts := map[string][]Accumulator{}
		for _, sh := range shards {
			for id, a := range sh {
				parts[id] = append(parts[id], roundTrip(t, *a))
			}
		}
		ids := slices.Sorted(func(yield func(string) bool) {
			for id := range parts {
				if !yield(id) {
					return
				}
			}
		})
		var gotWhole []Summary
		var gotSplit []SplitSummary
		fed, _ := NewSummarizer(o)
		for _, id := range ids {
			// Merge pairs drawn at random until one is left: any tree
			// of merges, in any order.
			ps := parts[id]
			for len(ps) > 1 {
				i := rapid.IntRange(0, len(ps)-1).Draw(t, "i")
				j := rapid.IntRange(0, len(ps)-2).Draw(t, "j")
				if j >= i {
					j++
				}
				if err := ps[i].Merge(ps[j]); err != nil {
					t.Fatal(err)
				}
				ps[i] = roundTrip(t, ps[i])
				ps = slices.Delete(ps, j, j+1)
			}
			a := ps[0]
			s, err := r.Summary(id, a)
			if len(a.periods) == 0 {
				if !errors.Is(err, ErrNoData) {
					t.Fatalf("%q: empty accumulator: got %v, want ErrNoData", id, err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			gotWhole = append(gotWhole, s)
			if r.hasCal {
				sp, ok, err := r.SplitSummary(id, a)
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					gotSplit = append(gotSplit, sp)
				}
			}
			if err := fed.AddAccumulator(id, a); err != nil {
				t.Fatal(err)
			}
		}
		wantWhole, wantSplit := whole.Summaries(), split(t, whole)
		if diff := cmp.Diff(wantWhole, gotWhole, cmpExact); diff != "" {
			t.Fatalf("summaries of merged accumulators (-one pass +merged):\n%s", diff)
		}
		if diff := cmp.Diff(wantSplit, gotSplit, cmpExact); diff != "" {
			t.Fatalf("split summaries of merged accumulators (-one pass +merged):\n%s", diff)
		}
		if want, got := csvOf(t, wantWhole, wantSplit), csvOf(t, fed.Summaries(), split(t, fed)); got != want {
			t.Fatalf("a Summarizer fed the accumulators prints\n%s\nwant\n%s", got, want)
		}
	})
}

// TestPropSummarizerAccumulatorsRoundTrip: a Summarizer's accumulators,
// shipped and fed to another in any order, in one or two halves, give the
// same summaries; the first is not changed by it.
func TestPropSummarizerAccumulatorsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		log, o := genAccLog(t), genAccOptions(t)
		s := summarizeAll(t, log, o)
		want := csvOf(t, s.Summaries(), split(t, s))
		type kv struct {
			id string
			a  Accumulator
		}
		var all []kv
		for id, a := range s.Accumulators() {
			all = append(all, kv{id, roundTrip(t, a)})
		}
		all = rapid.Permutation(all).Draw(t, "order")
		fed, _ := NewSummarizer(o)
		for _, e := range all {
			if err := fed.AddAccumulator(e.id, e.a); err != nil {
				t.Fatal(err)
			}
			// Feeding must not alias: adding to fed leaves e.a alone.
			before, _ := e.a.MarshalBinary()
			_ = fed.Add(Transaction{Customer: e.id, Time: o.End, Amount: decimal.NewFromInt(1)})
			if after, _ := e.a.MarshalBinary(); !bytes.Equal(before, after) {
				t.Fatal("AddAccumulator kept a reference to the accumulator's memory")
			}
		}
		extra := log[:0:0]
		for _, e := range all {
			extra = append(extra, Transaction{Customer: e.id, Time: o.End, Amount: decimal.NewFromInt(1)})
		}
		ref := summarizeAll(t, append(slices.Clone(log), extra...), o)
		if got, want := csvOf(t, fed.Summaries(), split(t, fed)), csvOf(t, ref.Summaries(), split(t, ref)); got != want {
			t.Fatalf("fed summarizer prints\n%s\nwant\n%s", got, want)
		}
		if got := csvOf(t, s.Summaries(), split(t, s)); got != want {
			t.Fatal("reading the accumulators changed the summarizer")
		}
	})
}

// TestPropAccumulatorEncoding: the encoding round-trips exactly, state and
// representation, and re-encodes to the same bytes.
func TestPropAccumulatorEncoding(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		log, o := genAccLog(t), genAccOptions(t)
		r, _ := NewSummaryRules(o)
		var a Accumulator
		for _, tr := range log {
			tr.Customer = "one"
			if _, err := r.Add(&a, tr); err != nil {
				t.Fatal(err)
			}
		}
		b, err := a.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		got := roundTrip(t, a)
		if diff := cmp.Diff(a, got, cmpState); diff != "" {
			t.Fatalf("decoded state (-encoded +decoded):\n%s", diff)
		}
		b2, _ := got.MarshalBinary()
		if !bytes.Equal(b, b2) {
			t.Fatalf("re-encoded % x, first % x", b2, b)
		}
		if b3, err := a.AppendBinary([]byte("prefix")); err != nil || !bytes.Equal(b3, append([]byte("prefix"), b...)) {
			t.Fatalf("AppendBinary = % x, %v", b3, err)
		}
	})
}

func TestAccumulatorOptionsMismatch(t *testing.T) {
	day1 := tx("a", "2024-01-02", "3")
	rules := func(o SummaryOptions) SummaryRules {
		t.Helper()
		r, err := NewSummaryRules(o)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	base := SummaryOptions{End: day("2024-03-01")}
	r := rules(base)
	var a Accumulator
	if _, err := r.Add(&a, day1); err != nil {
		t.Fatal(err)
	}
	others := map[string]SummaryOptions{
		"end":         {End: day("2024-03-02")},
		"calibration": {End: day("2024-03-01"), CalibrationEnd: day("2024-02-01")},
		"period":      {End: day("2024-03-01"), Period: PeriodWeek},
		"location":    {End: day("2024-03-01"), Location: time.FixedZone("UTC+1", 3600)},
	}
	for name, o := range others {
		r2 := rules(o)
		var b Accumulator
		if _, err := r2.Add(&b, day1); err != nil {
			t.Fatal(err)
		}
		before := a.Clone()
		if err := a.Merge(b); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: Merge: got %v, want ErrInvalidOptions", name, err)
		}
		if diff := cmp.Diff(before, a, cmpState); diff != "" {
			t.Errorf("%s: a refused Merge changed the accumulator:\n%s", name, diff)
		}
		if _, err := r2.Add(&a, day1); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: Add: got %v, want ErrInvalidOptions", name, err)
		}
		if _, err := r2.Summary("a", a); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: Summary: got %v, want ErrInvalidOptions", name, err)
		}
		s, _ := NewSummarizer(o)
		if err := s.AddAccumulator("a", a); !errors.Is(err, ErrInvalidOptions) || s.Len() != 0 {
			t.Errorf("%s: AddAccumulator: got %v with %d customers, want ErrInvalidOptions and none", name, err, s.Len())
		}
	}
	// The unit only scales the summary: accumulators built in days are
	// summarised in weeks.
	week := base
	week.Unit = UnitWeek
	s, err := rules(week).Summary("a", a)
	if err != nil || s.T != 59.0/7 {
		t.Errorf("summary in weeks of an accumulator built in days: %+v, %v", s, err)
	}
}

func TestAccumulatorErrors(t *testing.T) {
	var zero SummaryRules
	var a Accumulator
	if _, err := zero.Add(&a, tx("a", "2024-01-01", "1")); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("zero rules: Add: %v", err)
	}
	if _, err := zero.Summary("a", a); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("zero rules: Summary: %v", err)
	}
	r, _ := NewSummaryRules(SummaryOptions{End: day("2024-03-01")})
	if _, err := r.Add(nil, tx("a", "2024-01-01", "1")); !errors.Is(err, ErrInvalidAccumulator) {
		t.Errorf("nil accumulator: %v", err)
	}
	for _, bad := range []Transaction{
		{Customer: "", Time: day("2024-01-01")},
		{Customer: "a"},
		tx("a", "2024-01-01", "-1"),
	} {
		if added, err := r.Add(&a, bad); added || !errors.Is(err, ErrInvalidTransaction) {
			t.Errorf("Add(%+v) = %v, %v; want ErrInvalidTransaction", bad, added, err)
		}
	}
	if len(a.periods) != 0 {
		t.Errorf("rejected transactions changed the accumulator: %+v", a)
	}
	if added, err := r.Add(&a, tx("a", "2024-03-02", "1")); added || err != nil {
		t.Errorf("a transaction after the end: added %v, %v; want false, nil", added, err)
	}
	if _, err := r.Summary("a", a); !errors.Is(err, ErrNoData) || !strings.Contains(err.Error(), `customer "a"`) {
		t.Errorf("empty accumulator: %v", err)
	}
	if _, _, err := r.SplitSummary("a", a); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("SplitSummary without a calibration end: %v", err)
	}
	s, _ := NewSummarizer(SummaryOptions{End: day("2024-03-01")})
	if err := s.AddAccumulator("", a); !errors.Is(err, ErrInvalidAccumulator) {
		t.Errorf("AddAccumulator with an empty ID: %v", err)
	}
	if err := s.AddAccumulator("a", a); err != nil || s.Len() != 0 {
		t.Errorf("AddAccumulator of an empty accumulator: %v, %d customers", err, s.Len())
	}
	var nilS *Summarizer
	if err := nilS.AddAccumulator("a", a); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("nil Summarizer: %v", err)
	}
	for range nilS.Accumulators() {
		t.Error("a nil Summarizer yields an accumulator")
	}
}

// TestAccumulatorSize: the exported accumulator is the summariser's state
// per customer, and no bigger than the struct it replaced (104 bytes on
// 64-bit platforms: the fingerprint sits in padding).
func TestAccumulatorSize(t *testing.T) {
	if got := unsafe.Sizeof(Accumulator{}); unsafe.Sizeof(uintptr(0)) == 8 && got != 104 {
		t.Errorf("Accumulator is %d bytes, want 104", got)
	}
}

// encodeFor returns the encoding of an accumulator of the given
// transactions under r.
func encodeFor(t testing.TB, r SummaryRules, txs ...Transaction) []byte {
	var a Accumulator
	for _, tr := range txs {
		if _, err := r.Add(&a, tr); err != nil {
			t.Fatal(err)
		}
	}
	b, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAccumulatorUnmarshalHostile(t *testing.T) {
	r, _ := NewSummaryRules(SummaryOptions{End: day("2024-03-01")})
	good := encodeFor(t, r, tx("a", "2024-01-01", "1.5"), tx("a", "2024-01-03", "2"))
	fp := good[2:6]
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "byte 0: truncated before the version"},
		{"version", []byte{2, 0}, "byte 0: version 2 (this package reads version 1)"},
		{"no count", []byte{1}, "byte 1: truncated in the period count"},
		{"trailing", []byte{1, 0, 0}, "byte 2: 1 bytes after the end"},
		{"count overflow", cat([]byte{1}, bytes.Repeat([]byte{0xff}, 10), []byte{1}), "byte 1: the period count overflows 64 bits"},
		{"huge count", cat([]byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f}, fp), "byte 1: 4294967295 periods in 4 remaining bytes"},
		{"even fingerprint", []byte{1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "byte 2: options fingerprint 00000002 is even"},
		{"short fingerprint", []byte{1, 1, 3, 0}, "byte 2: truncated in the options fingerprint"},
		{"first period range", cat([]byte{1, 1}, fp, []byte{0x80, 0x80, 0x80, 0x80, 0x10, 0, 0, 0, 0, 0, 0}), "byte 6: first period 2147483648 is out of the range"},
		{"zero delta", cat([]byte{1, 2}, fp, []byte{2, 0, 0, 0, 0, 0, 0, 0}), "byte 7: period 1 repeats the one before"},
		{"delta range", cat([]byte{1, 2}, fp, []byte{2, 0xff, 0xff, 0xff, 0xff, 0x07, 0, 0, 0, 0, 0, 0}), "byte 7: period 1 is out of the range"},
		{"unknown tag", cat([]byte{1, 1}, fp, []byte{2, 19, 0, 0, 0, 0, 0}), "byte 7: first-period spend has unknown tag 0x13"},
		{"coefficient overflow", cat([]byte{1, 1}, fp, []byte{2, 0}, bytes.Repeat([]byte{0xff}, 9), []byte{1, 0, 0, 0, 0}), "byte 7: first-period spend coefficient 18446744073709551615 overflows"},
		{"exponent", cat([]byte{1, 1}, fp, []byte{2, 0x80, 0xa2, 0x9c, 0x01, 0, 0, 0, 0, 0}), "byte 8: first-period spend exponent 10001 is beyond ±10000"},
		{"big length", cat([]byte{1, 1}, fp, []byte{2, 0, 0, 0, 0, 0x80, 0, 5, 1}), "byte 13: holdout spend of 5 bytes in 1 remaining"},
		{"truncated amount", cat([]byte{1, 1}, fp, []byte{2, 0, 0, 0, 0}), "byte 11: truncated before the holdout spend"},
		{"truncated good", good[:len(good)-1], "truncated"},
	} {
		var a Accumulator
		keep := encodeFor(t, r, tx("k", "2024-02-01", "7"))
		_ = a.UnmarshalBinary(keep)
		err := a.UnmarshalBinary(tc.data)
		if !errors.Is(err, ErrInvalidAccumulator) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: UnmarshalBinary(% x) = %v, want an ErrInvalidAccumulator saying %q", tc.name, tc.data, err, tc.want)
		}
		if after, _ := a.MarshalBinary(); !bytes.Equal(after, keep) {
			t.Errorf("%s: a failed UnmarshalBinary changed the accumulator", tc.name)
		}
	}
	var a Accumulator
	if err := a.UnmarshalBinary(good); err != nil {
		t.Fatal(err)
	}
	if s, err := r.Summary("a", a); err != nil || s.Frequency != 1 || s.Recency != 2 || !s.MonetaryValue.Equal(decimal.NewFromInt(2)) {
		t.Errorf("decoded summary %+v, %v", s, err)
	}
}

// TestAccumulatorForgedState: well-formed encodings of states no
// transactions give are refused when summarised or fed to a Summarizer,
// naming the customer and what is wrong.
func TestAccumulatorForgedState(t *testing.T) {
	o := SummaryOptions{End: day("2024-03-01"), CalibrationEnd: day("2024-02-01")}
	r, _ := NewSummaryRules(o)
	d := func(date string) int32 { return int32(civilDay(day(date), time.UTC)) }
	jan1, jan6 := d("2024-01-01"), d("2024-01-06")
	amount := func(c int64) exactSum { return exactSum{c: c} }
	enc := func(periods []int32, first, cal, hold int64) []byte {
		a := Accumulator{periods: periods, last: periods[len(periods)-1], fp: r.fp, first: amount(first), cal: amount(cal), holdout: amount(hold)}
		b, err := a.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"after the end", enc([]int32{d("2024-07-24")}, 1, 1, 0), "after the observation end"},
		{"one period, spend beyond it", enc([]int32{jan1}, 1, 2, 0), "does not fit the total"},
		{"first above total", enc([]int32{jan1, jan6}, 3, 2, 0), "does not fit the total"},
		{"holdout without period", enc([]int32{jan1, jan6}, 1, 2, 1), "holdout spend 1 without a holdout period"},
		{"calibration without period", enc([]int32{d("2024-02-10")}, 1, 1, 0), "calibration spend 1 without a calibration period"},
		{"one calibration period, more spend", enc([]int32{jan1, d("2024-02-10")}, 1, 2, 1), "beyond the first period's"},
	} {
		var a Accumulator
		if err := a.UnmarshalBinary(tc.data); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if _, err := r.Summary("c1", a); !errors.Is(err, ErrInvalidAccumulator) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `customer "c1"`) {
			t.Errorf("%s: Summary: %v, want ErrInvalidAccumulator saying %q", tc.name, err, tc.want)
		}
		s, _ := NewSummarizer(o)
		if err := s.AddAccumulator("c1", a); !errors.Is(err, ErrInvalidAccumulator) || s.Len() != 0 {
			t.Errorf("%s: AddAccumulator: %v", tc.name, err)
		}
	}
}

// fuzzRules are the rules FuzzAccumulatorUnmarshalBinary summarises
// decoded accumulators by; its seeds are encoded under them.
var fuzzRules = func() []SummaryRules {
	var out []SummaryRules
	for _, o := range []SummaryOptions{
		{End: day("2024-03-01")},
		{End: day("2024-03-01"), CalibrationEnd: day("2024-02-01"), Period: PeriodWeek, Unit: UnitWeek},
	} {
		r, err := NewSummaryRules(o)
		if err != nil {
			panic(err)
		}
		out = append(out, r)
	}
	return out
}()

// FuzzAccumulatorUnmarshalBinary: any bytes either decode or fail with
// ErrInvalidAccumulator, never panic; what decodes re-encodes to bytes that
// decode to the same encoding, and summarises to a valid summary or an
// error, never to an invalid one.
func FuzzAccumulatorUnmarshalBinary(f *testing.F) {
	for _, r := range fuzzRules {
		f.Add(encodeFor(f, r))
		f.Add(encodeFor(f, r, tx("a", "2024-01-01", "12.5")))
		f.Add(encodeFor(f, r, tx("a", "2023-12-30", "1"), tx("a", "2024-01-20", "0.001"), tx("a", "2024-02-20", "3e2")))
		f.Add(encodeFor(f, r, tx("a", "2024-01-05", "123456789012345678901234567890.5"), tx("a", "2024-02-25", "9223372036854775807")))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Accumulator
		if err := a.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrInvalidAccumulator) {
				t.Fatalf("error %v does not wrap ErrInvalidAccumulator", err)
			}
			return
		}
		b, err := a.MarshalBinary()
		if err != nil {
			t.Fatalf("a decoded accumulator does not encode: %v", err)
		}
		var a2 Accumulator
		if err := a2.UnmarshalBinary(b); err != nil {
			t.Fatalf("re-encoding % x of % x does not decode: %v", b, data, err)
		}
		if b2, _ := a2.MarshalBinary(); !bytes.Equal(b, b2) {
			t.Fatalf("re-encoding is not stable: % x then % x", b, b2)
		}
		for _, r := range fuzzRules {
			if s, err := r.Summary("f", a); err == nil {
				if err := s.Validate(); err != nil {
					t.Fatalf("decoded % x summarises to an invalid summary: %v", data, err)
				}
			}
			if sp, ok, err := r.SplitSummary("f", a); err == nil && ok {
				if err := sp.Calibration.Validate(); err != nil || sp.FrequencyHoldout < 0 || sp.MonetaryValueHoldout.Sign() < 0 {
					t.Fatalf("decoded % x splits to an invalid summary %+v: %v", data, sp, err)
				}
			}
			s, _ := NewSummarizer(r.Options())
			if err := s.AddAccumulator("f", a); err == nil {
				if err := s.AddAccumulator("f", a); err != nil {
					t.Fatalf("an accumulator accepted once is refused the second time: %v", err)
				}
				for _, sum := range s.Summaries() {
					if err := sum.Validate(); err != nil {
						t.Fatalf("decoded % x merged twice summarises to an invalid summary: %v", data, err)
					}
				}
			}
		}
	})
}
