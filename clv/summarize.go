package clv

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"iter"
	"maps"
	"runtime"
	"strings"
	"time"

	"github.com/clvkit/clvkit/internal/clip"

	"github.com/shopspring/decimal"

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
	// Workers bounds the goroutines SummarizeSlice runs on, those
	// Summarizer.AddCSV summarises on while the caller's goroutine reads,
	// and those Summaries and Split sort and lay the table out on; zero
	// (or less) means runtime.GOMAXPROCS(0), and 1 keeps AddCSV, Summaries
	// and Split on the caller's goroutine. It never changes a summary: Add and Merge work on
	// their caller's goroutine and ignore it, and summarizers whose
	// Workers differ merge.
	Workers int
}

// MonetaryScale is the number of decimal places to which means of money
// (Summary.MonetaryValue, Portfolio.Mean) are rounded, half away from zero
// (see Money for the whole rounding policy). Sums are exact; only the final
// division rounds, far below any currency's smallest unit.
const MonetaryScale = 12

// Summarizer builds per-customer summaries from transactions in any order.
// Its state is one Accumulator per customer; two summarizers with equal
// options merge exactly, so shards of a log can be summarised separately
// (in goroutines or processes) and combined. Accumulators and
// AddAccumulator move that state in and out one customer at a time, for an
// engine that shards by customer (see Accumulator). A Summarizer is not
// safe for concurrent use; give each goroutine its own and Merge them.
//
// Create one with NewSummarizer: the zero value has no observation end, so
// its Add and Merge return an error (they never panic).
type Summarizer struct {
	rules
	short     map[shortKey]int32 // IDs of up to 23 bytes, compared without a pointer chase
	long      map[string]int32   // longer IDs
	lastID    string             // ID of the most recent transaction
	ids       []string
	customers []Accumulator // each customer's state, stamped with the rules' fingerprint
	ignored   int
	late      map[string]struct{} // IDs of ignored transactions
	stale     bool                // short and long do not index ids yet
	last      int32               // index of the most recent customer, -1 if none
}

// NewSummarizer validates opts and returns an empty summarizer.
func NewSummarizer(opts SummaryOptions) (*Summarizer, error) {
	r, err := newRules(opts)
	if err != nil {
		return nil, err
	}
	return &Summarizer{rules: r, short: make(map[shortKey]int32), long: make(map[string]int32), late: map[string]struct{}{}, last: -1}, nil
}

// Options returns the options in force, with defaults filled in.
func (s *Summarizer) Options() SummaryOptions { return s.opts }

// Ignored returns how many valid transactions were ignored because they came
// after the observation end.
func (s *Summarizer) Ignored() int { return s.ignored }

// IgnoredCustomers returns how many customers bought only after the
// observation end: Ignored counts their transactions, and they have no
// summary.
func (s *Summarizer) IgnoredCustomers() int {
	n := 0
	for id := range s.late {
		if _, ok := lookup(s, id); !ok {
			n++
		}
	}
	return n
}

// Len returns the number of customers seen.
func (s *Summarizer) Len() int { return len(s.ids) }

// Add records one transaction. Invalid transactions (see
// Transaction.Validate) are rejected with an error and change nothing;
// transactions after the observation end are counted by Ignored.
func (s *Summarizer) Add(t Transaction) error {
	if err := s.ready(); err != nil {
		return err
	}
	day, late, err := s.day(t)
	if err != nil {
		return err
	}
	if late {
		ignore(s, t.Customer)
		return nil
	}
	// Logs are often grouped by customer: skip the map for a repeat.
	if s.last < 0 || s.lastID != t.Customer {
		s.last, s.lastID = index(s, t.Customer), t.Customer
	}
	var a exactSum
	a.add(t.Amount)
	s.addDay(&s.customers[s.last], day, a)
	return nil
}

// minDay is the first calendar day the summariser's state can hold.
const minDay = -(1 << 31)

// outOfRange is the error for a transaction before minDay.
func outOfRange(t Transaction) error {
	return fmt.Errorf("%w: customer %s: time %v is out of range", ErrInvalidTransaction, clip.Quote(t.Customer), t.Time)
}

// ignore counts a valid transaction after the observation end by id.
func ignore[ID string | []byte](s *Summarizer, id ID) {
	s.ignored++
	if _, seen := s.late[string(id)]; !seen {
		s.late[cloneID(id)] = struct{}{}
	}
}

// ready reports a nil or zero Summarizer, which has no observation end.
func (s *Summarizer) ready() error {
	if s == nil || s.short == nil {
		return fmt.Errorf("%w: Summarizer not created by NewSummarizer (a nil or zero Summarizer has no observation end)", ErrInvalidOptions)
	}
	return nil
}

// index returns the index of customer id, adding the customer if new.
func index[ID string | []byte](s *Summarizer, id ID) int32 {
	i, ok := lookup(s, id)
	if !ok {
		i = s.insert(cloneID(id))
		s.customers = append(s.customers, Accumulator{fp: s.fp})
	}
	return i
}

// cloneID returns id as a string of its own, so as not to pin a caller's
// larger buffer.
func cloneID[ID string | []byte](id ID) string {
	if b, ok := any(id).([]byte); ok {
		return string(b)
	}
	return strings.Clone(string(id))
}

// shortKey holds an ID of up to 23 bytes inline, so that a map probe
// compares it in place instead of following a pointer to the key's bytes:
// with many customers that pointer is a cache miss per transaction.
type shortKey struct {
	n uint8
	b [23]byte
}

func lookup[ID string | []byte](s *Summarizer, id ID) (int32, bool) {
	if s.stale {
		s.reindex()
	}
	if len(id) <= 23 {
		k := shortKey{n: uint8(len(id))}
		copy(k.b[:], id)
		i, ok := s.short[k]
		return i, ok
	}
	i, ok := s.long[string(id)]
	return i, ok
}

// insert adds a new customer ID and returns its index.
func (s *Summarizer) insert(id string) int32 {
	if s.stale {
		s.reindex()
	}
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

// reindex builds the index of IDs that joinDisjoint leaves to the first
// lookup, which may never come: summaries do not need it.
func (s *Summarizer) reindex() {
	ids := s.ids
	s.short, s.long, s.ids, s.stale = make(map[shortKey]int32, len(ids)), map[string]int32{}, ids[:0], false
	for _, id := range ids {
		s.insert(id)
	}
}

// AddCSV records every remaining transaction of r. It is
// AddAll(r.Transactions()) — the same summaries, Ignored and r.Skipped, the
// same first error, with every transaction before it recorded — several
// times faster. Rows are never made into Transactions; they are read in
// batches and summarised by a hash of the customer ID in parts small enough
// to stay in a processor's cache, on up to Workers goroutines while the
// caller's goroutine reads the next batch. The parts hold disjoint
// customers and are joined at the end, exactly as Merge would.
func (s *Summarizer) AddCSV(r *CSVReader) error { return s.addCSV(r, 1<<12) }

// addCSV is AddCSV with a first batch of firstRows rows.
func (s *Summarizer) addCSV(r *CSVReader, firstRows int) error {
	if err := s.ready(); err != nil {
		return err
	}
	if r == nil || r.sc == nil {
		return unmade("CSVReader")
	}
	r.times.setLoc(s.opts.Location)
	first := &rowBatch{limit: firstRows}
	err := first.fill(r, s.endCivil)
	if err != nil {
		// The input fits one batch: its buckets go straight into s.
		for k := range ingestBuckets {
			first.summarise(k, s)
		}
		if err == io.EOF {
			return nil
		}
		return err
	}
	var parts [ingestBuckets]*Summarizer
	for k := range parts {
		parts[k], _ = NewSummarizer(s.opts)
	}
	workers := s.workers()
	summarise := func(b *rowBatch) {
		parallel.For(workers, ingestBuckets, func(k int) { b.summarise(k, parts[k]) })
		b.slow, b.n, b.size = b.slow[:0], 0, 0
	}
	if workers == 1 {
		for b := first; ; {
			summarise(b)
			if err != nil {
				break
			}
			err = b.fill(r, s.endCivil)
		}
	} else {
		// One batch is read while the other is summarised.
		full, free, done := make(chan *rowBatch), make(chan *rowBatch, 2), make(chan struct{})
		free <- &rowBatch{limit: firstRows}
		go func() {
			for b := range full {
				summarise(b)
				free <- b
			}
			close(done)
		}()
		full <- first
		for err == nil {
			b := <-free
			err = b.fill(r, s.endCivil)
			full <- b
		}
		close(full)
		<-done
	}
	joined := joinDisjoint(s.opts, parts[:])
	if s.Len() == 0 && s.ignored == 0 && len(s.late) == 0 {
		*s = *joined
	} else if err := s.Merge(joined); err != nil {
		return err
	}
	if err == io.EOF {
		return nil
	}
	return err
}

// ingestBuckets is the number of parts, by a hash of the customer ID, in
// which AddCSV summarises a log: enough for the customers of each to stay
// in a core's cache for logs of up to a million customers.
const ingestBuckets = 256

// maxBatchRows is the most rows AddCSV reads before summarising them: the
// more rows a batch holds per customer, the more of them find their
// customer's state in cache.
const maxBatchRows = 1 << 18

// rowBatch is rows read and checked but not yet summarised, by bucket.
type rowBatch struct {
	buckets [ingestBuckets][]pendingRow
	ids     [ingestBuckets][]byte // the customer IDs of each bucket's rows, in order
	slow    []decimal.Decimal     // amounts that do not fit pendingRow
	n, size int                   // rows, bytes of IDs
	limit   int                   // rows the next fill takes
	scratch [ingestBuckets][]int32
}

// pendingRow is one row of a rowBatch.
type pendingRow struct {
	id, idLen uint32 // the ID is ids[bucket][id:id+idLen]
	day       int32  // calendar day, if kind is not late
	scale     int8
	kind      uint8
	c         int64 // the amount c/10^scale, or the index of a slow one
}

// Kinds of pendingRow.
const (
	fastAmount = iota
	slowAmount // c indexes slow
	late       // after the observation end
)

// fill reads b.limit rows into b, or fewer if r ends; it returns io.EOF at
// the end, and r's error otherwise. The next fill takes twice as many rows,
// up to maxBatchRows, so that a short log costs little memory; buckets are
// sized for that at once, sparing the copies of growing them row by row.
func (b *rowBatch) fill(r *CSVReader, endCivil int64) error {
	limit := b.limit
	b.limit = min(2*limit, maxBatchRows)
	if per := limit/ingestBuckets*9/8 + 16; cap(b.buckets[0]) < per {
		for k := range b.buckets {
			b.buckets[k] = make([]pendingRow, 0, per)
		}
	}
	for b.n < limit && b.size < 1<<30 {
		row, err := r.next()
		if err != nil {
			return err
		}
		day := row.time.day
		if day < minDay {
			return &ParseError{Row: r.row, Column: r.opts.Time, Value: row.time.key,
				Err: outOfRange(Transaction{Customer: string(row.id), Time: row.time.t})}
		}
		k := fnv(row.id) % ingestBuckets
		p := pendingRow{id: uint32(len(b.ids[k])), idLen: uint32(len(row.id)), c: row.amount.c, scale: int8(row.amount.scale)}
		b.ids[k] = append(b.ids[k], row.id...)
		b.size += len(row.id)
		switch {
		case day > endCivil:
			p.kind = late
		case row.amount.slow != nil:
			p.kind, p.c = slowAmount, int64(len(b.slow))
			b.slow = append(b.slow, *row.amount.slow)
		}
		p.day = int32(min(day, endCivil))
		b.buckets[k] = append(b.buckets[k], p)
		b.n++
	}
	return nil
}

// summarise records the rows of bucket k in s and empties the bucket. It
// finds every row's customer first, then records the rows customer by
// customer in the order of their state in memory (a stable counting sort,
// so each customer's rows keep their order): each customer's state is then
// fetched once per batch, and in address order, instead of once per row.
func (b *rowBatch) summarise(k int, s *Summarizer) {
	rows := b.buckets[k]
	var prev []byte // the previous row's ID, of customer i
	i := int32(-1)
	for j := range rows {
		p := &rows[j]
		id := b.ids[k][p.id : p.id+p.idLen]
		if p.kind == late {
			ignore(s, id)
			continue
		}
		if i < 0 || !bytes.Equal(id, prev) {
			i, prev = index(s, id), id
		}
		p.id = uint32(i) // the ID is no longer needed
	}
	n := len(s.customers)
	if need := n + 1 + len(rows); cap(b.scratch[k]) < need {
		b.scratch[k] = make([]int32, need)
	}
	start, order := b.scratch[k][:n+1], b.scratch[k][n+1:n+1+len(rows)]
	clear(start)
	for _, p := range rows {
		if p.kind != late {
			start[p.id+1]++
		}
	}
	for c := 1; c <= n; c++ {
		start[c] += start[c-1]
	}
	m := 0
	for j, p := range rows {
		if p.kind != late {
			order[start[p.id]] = int32(j)
			start[p.id]++
			m++
		}
	}
	for _, j := range order[:m] {
		p := &rows[j]
		a := exactSum{c: p.c, scale: int32(p.scale)}
		if p.kind == slowAmount {
			a = exactSum{} // as Add makes it
			a.add(b.slow[p.c])
		}
		s.addDay(&s.customers[p.id], int64(p.day), a)
	}
	b.buckets[k], b.ids[k] = rows[:0], b.ids[k][:0]
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
	maps.Copy(s.late, other.late)
	for j, id := range other.ids {
		o := &other.customers[j]
		i, ok := lookup(s, id)
		if !ok {
			s.insert(id)
			s.customers = append(s.customers, o.Clone())
			continue
		}
		s.customers[i].merge(o)
	}
	return nil
}

// Rules returns the rules the summarizer builds its accumulators by, for
// summarising or adding to accumulators outside it.
func (s *Summarizer) Rules() SummaryRules {
	if s == nil {
		return SummaryRules{}
	}
	return SummaryRules{s.rules}
}

// Accumulators yields every customer's ID and accumulator, in an order that
// depends only on what s was given (not sorted; Summaries sorts). Customers
// who bought only after the observation end have none. The accumulators
// share memory with s: Clone one to keep it past the next change to s.
func (s *Summarizer) Accumulators() iter.Seq2[string, Accumulator] {
	return func(yield func(string, Accumulator) bool) {
		if s == nil {
			return
		}
		for i, id := range s.ids {
			if !yield(id, s.customers[i]) {
				return
			}
		}
	}
}

// AddAccumulator merges a, the accumulator of customer id built under s's
// rules (by SummaryRules.Add, Merge or UnmarshalBinary), into s, as if s had
// seen every transaction a saw; s keeps no reference to a's memory. An
// empty a changes nothing. It fails, changing nothing, for an empty id, an
// a built under other options (ErrInvalidOptions) or in a state no
// transactions give (ErrInvalidAccumulator): see SummaryRules.Summary.
func (s *Summarizer) AddAccumulator(id string, a Accumulator) error {
	if err := s.ready(); err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("%w: empty customer ID", ErrInvalidAccumulator)
	}
	if len(a.periods) == 0 {
		return nil
	}
	if err := s.check(id, &a); err != nil {
		return err
	}
	i, ok := lookup(s, id)
	if !ok {
		s.insert(strings.Clone(id))
		s.customers = append(s.customers, a.Clone())
		return nil
	}
	s.customers[i].merge(&a)
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

// order returns customer indices sorted by ID (byte-wise). IDs are sorted by
// their first eight bytes as a number, which orders them as bytes do, and
// only IDs with equal first bytes are compared whole: most comparisons then
// touch neither the IDs nor a cache line outside the slice being sorted.
func (s *Summarizer) order() []int32 {
	type key struct {
		prefix uint64 // the first 8 bytes, big-endian, zero-padded
		i      int32
	}
	keys := make([]key, len(s.ids))
	for i, id := range s.ids {
		var b [8]byte
		copy(b[:], id)
		keys[i] = key{binary.BigEndian.Uint64(b[:]), int32(i)}
	}
	// IDs are distinct: the order is total, the same on any workers.
	parallel.SortFunc(keys, s.workers(), func(a, b key) int {
		if c := cmp.Compare(a.prefix, b.prefix); c != 0 {
			return c
		}
		return strings.Compare(s.ids[a.i], s.ids[b.i])
	})
	idx := make([]int32, len(keys))
	for j, k := range keys {
		idx[j] = k.i
	}
	return idx
}

// Summaries returns one summary per customer over the whole observation
// period, sorted by ID. When a calibration end is set the summaries still
// cover everything up to End; use Split for the calibration view.
//
// The summaries' IDs share one string; reading the summaries in order
// reads memory nearly in order (their IDs in one string, their monetary
// values in long runs of that order), which is what writing a large table
// out needs.
func (s *Summarizer) Summaries() []Summary {
	// Customers are visited in the order of their state in memory, and
	// their summaries written where their ID sorts, IDs copied to where
	// they sort in one buffer. The monetary values, which allocate, are
	// made afterwards in sorted order, in contiguous chunks of it on the
	// workers.
	order := s.order()
	rank := make([]int32, len(s.ids))
	off := make([]int, len(s.ids)+1)
	for j, i := range order {
		rank[i] = int32(j)
		off[j+1] = off[j] + len(s.ids[i])
	}
	buf := make([]byte, off[len(s.ids)])
	out := make([]Summary, len(s.ids))
	spend := make([]exactSum, len(s.ids))
	// Each customer's summary is its own: both loops run in chunks on the
	// workers.
	const chunk = 4096
	chunks := (len(out) + chunk - 1) / chunk
	parallel.For(s.workers(), chunks, func(c int) {
		for i := c * chunk; i < min((c+1)*chunk, len(out)); i++ {
			j := rank[i]
			copy(buf[off[j]:], s.ids[i])
			out[j], spend[j] = s.fullCounts("", &s.customers[i])
		}
	})
	ids := string(buf)
	parallel.For(s.workers(), chunks, func(c int) {
		for j := c * chunk; j < min((c+1)*chunk, len(out)); j++ {
			out[j].ID = ids[off[j]:off[j+1]]
			out[j].MonetaryValue = spend[j].mean(out[j].Frequency)
		}
	})
	return out
}

// workers returns the goroutines the summariser's own work may use: the
// option, or GOMAXPROCS.
func (s *Summarizer) workers() int {
	if s.opts.Workers > 0 {
		return s.opts.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Split returns calibration summaries with holdout outcomes, sorted by ID,
// for customers whose first purchase is on or before the calibration end.
// It fails when no calibration end was set.
func (s *Summarizer) Split() ([]SplitSummary, error) {
	if !s.hasCal {
		return nil, errNoCalibration
	}
	out := make([]SplitSummary, 0, len(s.ids))
	for _, i := range s.order() {
		if ss, ok := s.split(s.ids[i], &s.customers[i]); ok {
			out = append(out, ss)
		}
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
	return joinDisjoint(opts, parts), nil
}

// joinDisjoint returns one summarizer with the state of parts, which have
// no customer in common: their state is moved, without the lookups and
// copies of Merge, and the index of IDs is built when first needed.
func joinDisjoint(opts SummaryOptions, parts []*Summarizer) *Summarizer {
	total := 0
	for _, p := range parts {
		total += len(p.ids)
	}
	out, _ := NewSummarizer(opts)
	out.ids = make([]string, 0, total)
	out.customers = make([]Accumulator, 0, total)
	out.stale = true
	for _, p := range parts {
		out.ignored += p.ignored
		maps.Copy(out.late, p.late)
		out.ids = append(out.ids, p.ids...)
		out.customers = append(out.customers, p.customers...)
	}
	return out
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
func fnv[S string | []byte](s S) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
