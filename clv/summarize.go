package clv

import (
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/clvkit/clvkit/internal/parallel"
)

// SummaryOptions configures a Summarizer. The zero value of every field but
// End means a documented default.
type SummaryOptions struct {
	// End is the observation end (required). It is read as a calendar day in
	// Location: purchases on that day count, purchases after it are ignored.
	End time.Time
	// CalibrationEnd, when non-zero, splits the log into a calibration part
	// (up to and including this day) and a holdout part (the days after it,
	// up to End). Customers whose first purchase falls after it are left
	// out of the split summaries: they were not yet customers at the end of
	// calibration. It must not be after End. With weekly or monthly
	// periods, the whole period that contains CalibrationEnd belongs to
	// calibration, so that no period is split in two.
	CalibrationEnd time.Time
	// Period is the aggregation period; the zero value is PeriodDay.
	Period Period
	// Unit is the unit of Recency and T; the zero value is UnitDay.
	Unit Unit
	// Location is the time zone in which calendar days are read; nil means
	// UTC.
	Location *time.Location
	// Workers bounds the goroutines SummarizeSlice runs on; zero (or less)
	// means runtime.GOMAXPROCS(0). It never changes a summary: a Summarizer
	// works on its caller's goroutine, ignores it, and merges with one whose
	// Workers differ.
	Workers int
}

// MonetaryScale is the number of decimal places to which means of money
// (Summary.MonetaryValue, Portfolio.Mean) are rounded, half away from zero
// (see Money for the whole rounding policy). Sums are exact; only the final
// division rounds, far below any currency's smallest unit.
const MonetaryScale = 12

// customer is the mergeable per-customer state: the sorted distinct purchase
// periods (as the day number of each period's first day) and exact spend
// totals. Its size grows with distinct purchase periods, never with
// transactions; keeping the periods (4 bytes each) is what makes merging
// overlapping shards and out-of-order input exact.
type customer struct {
	periods []int32
	first   exactSum // spend in the first period
	cal     exactSum // spend up to the calibration end (everything when there is none)
	holdout exactSum // spend after the calibration end
}

// Summarizer builds per-customer summaries from transactions in any order.
// Its state is one small record per customer; two summarizers with equal
// options merge exactly, so shards of a log can be summarised separately
// (in goroutines or processes) and combined. A Summarizer is not safe for
// concurrent use; give each goroutine its own and Merge them.
//
// Create one with NewSummarizer: the zero value has no observation end, so
// its Add and Merge return an error (they never panic).
type Summarizer struct {
	opts      SummaryOptions
	endDay    int64 // period start of the observation end
	endCivil  int64 // last calendar day that counts
	calDay    int64 // period start of the calibration end
	calCivil  int64
	hasCal    bool
	short     map[shortKey]int32 // IDs of up to 23 bytes, compared without a pointer chase
	long      map[string]int32   // longer IDs
	lastID    string             // ID of the most recent transaction
	ids       []string
	customers []customer
	ignored   int
	last      int32 // index of the most recent customer, -1 if none
}

// NewSummarizer validates opts and returns an empty summarizer.
func NewSummarizer(opts SummaryOptions) (*Summarizer, error) {
	if opts.End.IsZero() {
		return nil, fmt.Errorf("%w: the observation end is required", ErrInvalidOptions)
	}
	if !opts.Period.IsValid() {
		return nil, fmt.Errorf("%w: unknown period %v", ErrInvalidOptions, opts.Period)
	}
	if !opts.Unit.IsValid() {
		return nil, fmt.Errorf("%w: unknown unit %v", ErrInvalidOptions, opts.Unit)
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	s := &Summarizer{opts: opts, short: make(map[shortKey]int32), long: make(map[string]int32), last: -1}
	s.endCivil = civilDay(opts.End, opts.Location)
	s.endDay = opts.Period.periodStart(s.endCivil)
	if !opts.CalibrationEnd.IsZero() {
		s.hasCal = true
		s.calCivil = civilDay(opts.CalibrationEnd, opts.Location)
		s.calDay = opts.Period.periodStart(s.calCivil)
		if s.calCivil > s.endCivil {
			return nil, fmt.Errorf("%w: calibration end %s is after the observation end %s", ErrInvalidOptions,
				opts.CalibrationEnd.Format(time.DateOnly), opts.End.Format(time.DateOnly))
		}
	}
	if s.endCivil > 1<<31-1 || s.endCivil < -(1<<31) {
		return nil, fmt.Errorf("%w: observation end %v is out of range", ErrInvalidOptions, opts.End)
	}
	return s, nil
}

// Options returns the options in force, with defaults filled in.
func (s *Summarizer) Options() SummaryOptions { return s.opts }

// Ignored returns how many valid transactions were ignored because they came
// after the observation end.
func (s *Summarizer) Ignored() int { return s.ignored }

// Len returns the number of customers seen.
func (s *Summarizer) Len() int { return len(s.ids) }

// Add records one transaction. Invalid transactions (see
// Transaction.Validate) are rejected with an error and change nothing;
// transactions after the observation end are counted by Ignored.
func (s *Summarizer) Add(t Transaction) error {
	if err := s.ready(); err != nil {
		return err
	}
	if err := t.Validate(); err != nil {
		return err
	}
	day := civilDay(t.Time, s.opts.Location)
	if day > s.endCivil {
		s.ignored++
		return nil
	}
	if day < -(1 << 31) {
		return fmt.Errorf("%w: customer %q: time %v is out of range", ErrInvalidTransaction, t.Customer, t.Time)
	}
	c := s.customer(t.Customer)
	p := int32(s.opts.Period.periodStart(day))
	switch {
	case len(c.periods) == 0 || p < c.periods[0]:
		c.first = exactSum{}
		c.first.add(t.Amount)
	case p == c.periods[0]:
		c.first.add(t.Amount)
	}
	c.addPeriod(p)
	if s.hasCal && int64(p) > s.calDay {
		c.holdout.add(t.Amount)
	} else {
		c.cal.add(t.Amount)
	}
	return nil
}

// ready reports a nil or zero Summarizer, which has no observation end.
func (s *Summarizer) ready() error {
	if s == nil || s.short == nil {
		return fmt.Errorf("%w: Summarizer not created by NewSummarizer (a nil or zero Summarizer has no observation end)", ErrInvalidOptions)
	}
	return nil
}

func (s *Summarizer) customer(id string) *customer {
	// Logs are often grouped by customer: skip the map for a repeat.
	if s.last >= 0 && s.lastID == id {
		return &s.customers[s.last]
	}
	i, ok := s.lookup(id)
	if !ok {
		i = s.insert(strings.Clone(id)) // do not pin a caller's larger buffer
		s.customers = append(s.customers, customer{})
	}
	s.last, s.lastID = i, id
	return &s.customers[i]
}

// shortKey holds an ID of up to 23 bytes inline, so that a map probe
// compares it in place instead of following a pointer to the key's bytes:
// with many customers that pointer is a cache miss per transaction.
type shortKey struct {
	n uint8
	b [23]byte
}

func (s *Summarizer) lookup(id string) (int32, bool) {
	if len(id) <= 23 {
		k := shortKey{n: uint8(len(id))}
		copy(k.b[:], id)
		i, ok := s.short[k]
		return i, ok
	}
	i, ok := s.long[id]
	return i, ok
}

// insert adds a new customer ID and returns its index.
func (s *Summarizer) insert(id string) int32 {
	i := int32(len(s.ids))
	if len(id) <= 23 {
		k := shortKey{n: uint8(len(id))}
		copy(k.b[:], id)
		s.short[k] = i
	} else {
		s.long[id] = i
	}
	s.ids = append(s.ids, id)
	return i
}

// addPeriod inserts p into the sorted set of periods. Input sorted by time
// appends in O(1); out-of-order input inserts by binary search.
func (c *customer) addPeriod(p int32) {
	n := len(c.periods)
	if n == 0 {
		// Room for a few periods in one allocation: most customers buy
		// only a handful of times.
		c.periods = append(make([]int32, 0, 4), p)
		return
	}
	if p > c.periods[n-1] {
		c.periods = append(c.periods, p)
		return
	}
	i, found := slices.BinarySearch(c.periods, p)
	if !found {
		c.periods = slices.Insert(c.periods, i, p)
	}
}

// AddAll records every transaction of seq, stopping at the first invalid
// one; the error says which (counting from 0) it was.
func (s *Summarizer) AddAll(seq iter.Seq[Transaction]) error {
	i := 0
	for t := range seq {
		if err := s.Add(t); err != nil {
			return fmt.Errorf("transaction %d: %w", i, err)
		}
		i++
	}
	return nil
}

// Merge adds other's state into s, as if s had also seen every transaction
// other saw. The options must be equal. other is not modified.
func (s *Summarizer) Merge(other *Summarizer) error {
	if err := s.ready(); err != nil {
		return err
	}
	if err := other.ready(); err != nil {
		return fmt.Errorf("merge: other: %w", err)
	}
	if !sameOptions(s.opts, other.opts) {
		return fmt.Errorf("%w: cannot merge summarizers with different options", ErrInvalidOptions)
	}
	s.ignored += other.ignored
	for j, id := range other.ids {
		o := &other.customers[j]
		i, ok := s.lookup(id)
		if !ok {
			s.insert(id)
			s.customers = append(s.customers, customer{
				periods: slices.Clone(o.periods), first: o.first, cal: o.cal, holdout: o.holdout,
			})
			continue
		}
		c := &s.customers[i]
		switch {
		case o.periods[0] < c.periods[0]:
			c.first = o.first
		case o.periods[0] == c.periods[0]:
			c.first.merge(o.first)
		}
		c.cal.merge(o.cal)
		c.holdout.merge(o.holdout)
		c.periods = mergeSorted(c.periods, o.periods)
	}
	return nil
}

func sameOptions(a, b SummaryOptions) bool {
	return a.End.Equal(b.End) && a.CalibrationEnd.Equal(b.CalibrationEnd) && a.Period == b.Period &&
		a.Unit == b.Unit && a.Location.String() == b.Location.String()
}

// mergeSorted returns the sorted union of two sorted sets.
func mergeSorted(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// order returns customer indices sorted by ID (byte-wise).
func (s *Summarizer) order() []int32 {
	idx := make([]int32, len(s.ids))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return strings.Compare(s.ids[a], s.ids[b]) })
	return idx
}

func (s *Summarizer) units(days int64) float64 { return float64(days) / s.opts.Unit.Days() }

// Summaries returns one summary per customer over the whole observation
// period, sorted by ID. When a calibration end is set the summaries still
// cover everything up to End; use Split for the calibration view.
func (s *Summarizer) Summaries() []Summary {
	out := make([]Summary, 0, len(s.ids))
	for _, i := range s.order() {
		c := &s.customers[i]
		repeat := c.cal
		repeat.merge(c.holdout)
		out = append(out, s.summary(s.ids[i], c.periods, repeat.minus(c.first), s.endDay))
	}
	return out
}

func (s *Summarizer) summary(id string, periods []int32, repeatSpend exactSum, end int64) Summary {
	first, last := int64(periods[0]), int64(periods[len(periods)-1])
	x := len(periods) - 1
	return Summary{
		ID:            id,
		Frequency:     x,
		Recency:       s.units(last - first),
		T:             s.units(end - first),
		MonetaryValue: repeatSpend.mean(x),
		Unit:          s.opts.Unit,
	}
}

// Split returns calibration summaries with holdout outcomes, sorted by ID,
// for customers whose first purchase is on or before the calibration end.
// It fails when no calibration end was set.
func (s *Summarizer) Split() ([]SplitSummary, error) {
	if !s.hasCal {
		return nil, fmt.Errorf("%w: Split needs a calibration end", ErrInvalidOptions)
	}
	out := make([]SplitSummary, 0, len(s.ids))
	for _, i := range s.order() {
		c := &s.customers[i]
		// Calibration periods are those starting on or before the start of
		// the period holding the calibration end (see SummaryOptions).
		k, _ := slices.BinarySearch(c.periods, int32(s.calDay)+1)
		if k == 0 {
			continue
		}
		cal := c.periods[:k]
		nHold := len(c.periods) - k
		out = append(out, SplitSummary{
			Calibration:          s.summary(s.ids[i], cal, c.cal.minus(c.first), s.calDay),
			FrequencyHoldout:     nHold,
			MonetaryValueHoldout: c.holdout.mean(nHold),
			DurationHoldout:      s.units(s.endDay - s.calDay),
		})
	}
	return out, nil
}

// Summarize is a convenience for one pass over seq with a new Summarizer.
func Summarize(seq iter.Seq[Transaction], opts SummaryOptions) ([]Summary, error) {
	s, err := NewSummarizer(opts)
	if err != nil {
		return nil, err
	}
	if err := s.AddAll(seq); err != nil {
		return nil, err
	}
	return s.Summaries(), nil
}

// SummarizeSlice summarises an in-memory log on up to opts.Workers
// goroutines; the result is exactly what one pass gives. A log grouped by customer (most transactions follow one of the
// same customer) is cut into contiguous shards that are merged. Any other
// log — typically in time order, touching a different customer every time —
// is partitioned by a hash of the customer ID into buckets whose customers
// are few enough to stay in cache, summarised separately and joined. It returns the merged
// Summarizer, for Summaries, Split or Tracking. An invalid transaction is
// reported with its index (the first one, if several are invalid).
func SummarizeSlice(txs []Transaction, opts SummaryOptions) (*Summarizer, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if _, err := NewSummarizer(opts); err != nil {
		return nil, err
	}
	same, sample := 0, min(len(txs), 100_000)
	for i := 1; i < sample; i++ {
		if txs[i].Customer == txs[i-1].Customer {
			same++
		}
	}
	if 2*same >= sample {
		return summarizeShards(txs, opts, workers)
	}
	buckets := 1
	for buckets < 256 && buckets*20_000 < len(txs) {
		buckets *= 2
	}
	// Partition indices by bucket, in input order within each bucket.
	owner := make([]uint16, len(txs))
	counts := make([]int, buckets+1)
	for i := range txs {
		b := uint16(fnv(txs[i].Customer) & uint32(buckets-1))
		owner[i] = b
		counts[b+1]++
	}
	for b := 1; b <= buckets; b++ {
		counts[b] += counts[b-1]
	}
	order := make([]int32, len(txs))
	fill := append([]int(nil), counts[:buckets]...)
	for i, b := range owner {
		order[fill[b]] = int32(i)
		fill[b]++
	}
	parts := make([]*Summarizer, buckets)
	failed := make([]int, buckets) // first invalid index per bucket, or −1
	errs := make([]error, buckets)
	parallel.For(workers, buckets, func(b int) {
		s, _ := NewSummarizer(opts)
		parts[b], failed[b] = s, -1
		for _, i := range order[counts[b]:counts[b+1]] {
			if err := s.Add(txs[i]); err != nil {
				failed[b], errs[b] = int(i), fmt.Errorf("transaction %d: %w", i, err)
				return
			}
		}
	})
	first := -1
	for b := range buckets {
		if failed[b] >= 0 && (first < 0 || failed[b] < failed[first]) {
			first = b
		}
	}
	if first >= 0 {
		return nil, errs[first]
	}
	// Buckets hold disjoint customers: move their state into one summarizer
	// sized for all of them, without the lookups and copies of Merge.
	total := 0
	for _, p := range parts {
		total += len(p.ids)
	}
	out, _ := NewSummarizer(opts)
	out.short = make(map[shortKey]int32, total)
	out.ids = make([]string, 0, total)
	out.customers = make([]customer, 0, total)
	for _, p := range parts {
		out.ignored += p.ignored
		for j, id := range p.ids {
			out.insert(id)
			out.customers = append(out.customers, p.customers[j])
		}
	}
	return out, nil
}

// summarizeShards summarises contiguous shards in parallel and merges them.
func summarizeShards(txs []Transaction, opts SummaryOptions, workers int) (*Summarizer, error) {
	shards := max(1, min(workers, len(txs)/50_000))
	parts := make([]*Summarizer, shards)
	errs := make([]error, shards)
	parallel.For(workers, shards, func(k int) {
		s, _ := NewSummarizer(opts)
		parts[k] = s
		for i := k * len(txs) / shards; i < (k+1)*len(txs)/shards; i++ {
			if err := s.Add(txs[i]); err != nil {
				errs[k] = fmt.Errorf("transaction %d: %w", i, err)
				return
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for _, p := range parts[1:] {
		if err := parts[0].Merge(p); err != nil {
			return nil, err
		}
	}
	return parts[0], nil
}

// fnv is the 32-bit FNV-1a hash of s.
func fnv(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
