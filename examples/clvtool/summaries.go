package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
	"github.com/clvkit/clvkit/internal/numparse"
)

// table reads a CSV input with named columns one row at a time, by clv's
// header rules (clv.CSVHeader), so that no input is held in memory whole.
// Records come from clv.CSVRecords: encoding/csv's records, split in place.
type table struct {
	header clv.CSVHeader
	r      *clv.CSVRecords
	rec    [][]byte // the current row, valid until the next
	line   int      // its line
}

// openTable reads the header of a CSV; required columns must be present.
func openTable(r io.Reader, required ...string) (*table, error) {
	cr := clv.NewCSVRecords(r, ',')
	h, err := cr.Header(required...)
	if err != nil {
		return nil, err
	}
	return &table{header: h, r: cr}, nil
}

// next reads the next row, reporting false at the end of the input.
func (t *table) next() (bool, error) {
	rec, err := t.r.Next()
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return false, fmt.Errorf("row %d: %w", pe.Line, pe.Err)
		}
		return false, err
	}
	t.rec = rec
	t.line = t.r.Line()
	return true, nil
}

// column is a column of a table: its name, for errors, and its position,
// −1 when the table has none. Rows are read through columns looked up
// once.
type column struct {
	name string
	at   int
}

// col looks up the column called name.
func (t *table) col(name string) column {
	i, ok := t.header.Index(name)
	if !ok {
		i = -1
	}
	return column{name, i}
}

func (c column) present() bool { return c.at >= 0 }

// field returns the trimmed bytes of c in the current row, or an error
// naming it.
func (t *table) field(c column) ([]byte, error) {
	if c.at >= 0 && c.at < len(t.rec) {
		return bytes.TrimSpace(t.rec[c.at]), nil
	}
	rec := make([]string, len(t.rec))
	for i, f := range t.rec {
		rec[i] = string(f)
	}
	_, err := t.header.Field(rec, t.line, c.name) // the header's error for a short row
	return nil, err
}

// str returns the trimmed value of c in the current row, or an error
// naming it.
func (t *table) str(c column) (string, error) {
	b, err := t.field(c)
	return string(b), err
}

// number returns c, refusing values longer than clv.MaxNumberLength.
func (t *table) number(c column) ([]byte, error) {
	s, err := t.field(c)
	if err == nil && len(s) > clv.MaxNumberLength {
		err = fmt.Errorf("row %d, column %q: value %q has %d characters, more than a number may (%d)", t.line, c.name, clip.Value(string(s)), len(s), clv.MaxNumberLength)
	}
	return s, err
}

// float returns c as a finite non-negative number.
func (t *table) float(c column) (float64, error) {
	s, err := t.number(c)
	if err != nil {
		return 0, err
	}
	if v, ok := numparse.Float(s); ok {
		return v, nil // strconv's value, faster
	}
	v, err := strconv.ParseFloat(string(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, fmt.Errorf("row %d, column %q: value %q is not a finite non-negative number", t.line, c.name, clip.Value(string(s)))
	}
	return v, nil
}

// real returns c as a finite number of any sign (a covariate).
func (t *table) real(c column) (float64, error) {
	s, err := t.number(c)
	if err != nil {
		return 0, err
	}
	if len(s) > 1 && s[0] == '-' {
		if v, ok := numparse.Float(s[1:]); ok {
			return -v, nil // strconv reads −x as the negation of x
		}
	} else if v, ok := numparse.Float(s); ok {
		return v, nil
	}
	v, err := strconv.ParseFloat(string(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("row %d, column %q: value %q is not a finite number", t.line, c.name, clip.Value(string(s)))
	}
	return v, nil
}

// uniqueIDs reports the first id that appears on two rows, naming both.
type uniqueIDs map[string]int

func (u uniqueIDs) check(id string, line int) error {
	if prev, dup := u[id]; dup {
		return fmt.Errorf("row %d: customer %q already appears on row %d (each customer must appear once)", line, clip.Value(id), prev)
	}
	u[id] = line
	return nil
}

// count returns c as a non-negative integer (written as 3 or 3.0).
func (t *table) count(c column) (int, error) {
	v, err := t.float(c)
	if err != nil {
		return 0, err
	}
	if v != math.Trunc(v) || v > math.MaxInt32 {
		s, _ := t.str(c)
		return 0, fmt.Errorf("row %d, column %q: value %q is not a whole number", t.line, c.name, clip.Value(s))
	}
	return int(v), nil
}

// summaryRow is one customer read from a summary CSV.
type summaryRow struct {
	s      clv.Summary
	weight float64
	z      []float64 // covariates, when asked for
}

// readSummaries reads id,frequency,recency,T with optional weight and
// monetary_value columns, and the covariate columns cov (nil for none),
// which must be present. Without an id column the id is the row index
// (from 0). Every summary is validated; errors name the row.
func readSummaries(r io.Reader, withMoney bool, cov []string) ([]summaryRow, error) {
	var out []summaryRow
	err := eachSummary(r, withMoney, true, cov, func(s clv.Summary, w float64, z []float64) {
		out = append(out, summaryRow{s: s, weight: w, z: z})
	})
	return out, err
}

// covariatesOf returns the covariates of rows.
func covariatesOf(names []string, rows []summaryRow) clv.Covariates {
	c := clv.Covariates{Names: names, Values: make([][]float64, len(rows))}
	for i, r := range rows {
		c.Values[i] = r.z
	}
	return c
}

// readPatterns is readSummaries straight into the weighted patterns of a
// fit, so that memory holds only distinct patterns. Weights of equal
// (frequency, recency, T) are added in row order, as clv.CompressPatterns
// adds them: the patterns are those of CompressPatterns over every row, in
// the order they first appear, which a fit does not depend on (it sorts
// them itself).
func readPatterns(r io.Reader) ([]clv.Pattern, error) {
	t, sr, err := openSummaries(r, false, false, nil)
	if err != nil {
		return nil, err
	}
	var c clv.PatternCounter
	br := batchReader{parse: sr.parse, use: func(b *rowBatch, first int) (int, error) {
		if b.isFolded {
			for _, p := range b.folded {
				if err := c.Add(p); err != nil {
					return 0, err
				}
			}
			return len(b.out), nil
		}
		for k := range b.out {
			s, w, _, err := sr.finish(b, k, first+k)
			if err == nil {
				err = c.Add(clv.Pattern{Frequency: s.Frequency, Recency: s.Recency, T: s.T, Weight: w})
			}
			if err != nil {
				return k, err
			}
		}
		return len(b.out), nil
	}}
	if !sr.id.present() && !sr.weight.present() {
		// Rows with ids are checked one by one, and weights other than
		// 1 must be added one by one (see foldBatch).
		br.fold = foldBatch
	}
	rows, err := eachRow(t, br)
	if err == nil && rows == 0 {
		err = errors.New("no data rows")
	}
	return c.Patterns(), err
}

// foldBatch folds the rows of b, a table without a weight column (every
// row weighs 1), into b.folded when all were read: its distinct patterns in
// the order they first appear, each weighing its rows. Half the rows of a
// typical table repeat a pattern of their batch, so the ordered counting
// that follows has half the work. Every weight the counter then holds is
// a whole count below 2⁵³, and such counts add exactly in any grouping:
// adding the folded patterns gives the bits adding the rows one by one
// gives. (With a weight column, a fraction or a weight of 2⁵³ counted
// earlier would round differently: 1e16 + 1 + 1 is 1e16, 1e16 + 2 is not.)
// Rows are one pattern when their frequency, recency and T are equal (−0
// and +0 too), as in clv.PatternCounter; b.foldAt is a small
// open-addressing table of 1 + their index in b.folded.
func foldBatch(b *rowBatch) {
	if len(b.faults) > 0 {
		return
	}
	size := 1024
	for size < 2*len(b.out) {
		size *= 2
	}
	if len(b.foldAt) < size {
		b.foldAt = make([]int32, size)
	}
	slots := b.foldAt[:size]
	clear(slots)
	mask := uint64(size - 1)
	b.folded = b.folded[:0]
	for _, p := range b.out {
		// +0 makes −0 into +0, so that the two hash alike.
		h := (math.Float64bits(p.tx+0)*0x9e3779b97f4a7c15 ^ math.Float64bits(p.T+0)*0xc2b2ae3d27d4eb4f ^ uint64(p.x)) * 0x165667b19e3779f9
		for i := h >> 40 & mask; ; i = (i + 1) & mask {
			k := slots[i]
			if k == 0 {
				b.folded = append(b.folded, clv.Pattern{Frequency: int(p.x), Recency: p.tx, T: p.T, Weight: 1})
				slots[i] = int32(len(b.folded))
				break
			}
			if q := &b.folded[k-1]; q.Frequency == int(p.x) && q.Recency == p.tx && q.T == p.T {
				q.Weight++
				break
			}
		}
	}
	b.isFolded = true
}

// eachSummary reads the rows of readSummaries, calling f with each one's
// summary and weight in file order. Without ids, a table without an id
// column gives summaries without IDs (errors still name them). The first
// error in file order is returned, as a loop over the rows would find it.
//
// Rows are read in batches on the caller's goroutine, parsed on two
// others, and handed to f in order on a third: reading, parsing and f's
// own work (a map of patterns, say) overlap.
func eachSummary(r io.Reader, withMoney, ids bool, cov []string, f func(s clv.Summary, weight float64, z []float64)) error {
	t, sr, err := openSummaries(r, withMoney, ids, cov)
	if err != nil {
		return err
	}
	rows, err := eachRow(t, batchReader{parse: sr.parse, use: func(b *rowBatch, first int) (int, error) {
		for k := range b.out {
			s, w, z, err := sr.finish(b, k, first+k)
			if err != nil {
				return k, err
			}
			f(s, w, z)
		}
		return len(b.out), nil
	}})
	if err == nil && rows == 0 {
		err = errors.New("no data rows")
	}
	return err
}

// summaryReader reads the rows of a summary table: parse reads one row
// alone, on any goroutine; finish completes the rows in file order.
type summaryReader struct {
	id, freq, rec, T, weight, money column
	cov                             []column
	withMoney, ids                  bool
	seen                            uniqueIDs
}

// openSummaries reads the header of a summary table: frequency, recency, T
// and the columns cov must be present, and monetary_value withMoney.
func openSummaries(r io.Reader, withMoney, ids bool, cov []string) (*table, *summaryReader, error) {
	req := []string{"frequency", "recency", "T"}
	if withMoney {
		req = append(req, "monetary_value")
	}
	t, err := openTable(r, append(req, cov...)...)
	if err != nil {
		return nil, nil, err
	}
	sr := &summaryReader{
		id: t.col("id"), freq: t.col("frequency"), rec: t.col("recency"), T: t.col("T"),
		weight: t.col("weight"), money: t.col("monetary_value"),
		withMoney: withMoney, ids: ids, seen: uniqueIDs{},
	}
	for _, c := range cov {
		sr.cov = append(sr.cov, t.col(c))
	}
	return t, sr, nil
}

// extra reports whether rows have more than numbers to keep: an id, a
// monetary value or covariates.
func (sr *summaryReader) extra() bool {
	return sr.id.present() || sr.withMoney || sr.cov != nil
}

// parsedRow is the numbers of a parsed summary row, 32 bytes: all a fit
// needs, handed between goroutines by the million. fault is 1 + the index
// of the row's error in its batch's faults, 0 for none.
type parsedRow struct {
	x, fault int32
	tx, T, w float64
}

// rowExtra is the rest of a row, kept when the reader has any (extra).
type rowExtra struct {
	id    string
	money decimal.Decimal
	z     []float64
}

// rowFault is a row's error: idErr an error reading its id, err any later
// one, invalid whether err is the summary's own (from Validate), which
// without an id column names the row index; s is the summary read.
type rowFault struct {
	idErr, err error
	invalid    bool
	s          clv.Summary
}

// parse parses the current row of t into b, the checks of eachSummary in
// their order but for those that need the rows before it: the uniqueness
// of the id, and the row index (see finish).
func (sr *summaryReader) parse(t *table, b *rowBatch) {
	var s clv.Summary
	var e rowExtra
	w := 1.0
	fail := func(f rowFault) {
		f.s = s
		b.faults = append(b.faults, f)
		b.out = append(b.out, parsedRow{fault: int32(len(b.faults))})
		if sr.extra() {
			b.extra = append(b.extra, rowExtra{})
		}
	}
	var err error
	if sr.id.present() {
		if s.ID, err = t.str(sr.id); err != nil {
			fail(rowFault{idErr: err})
			return
		}
		e.id = s.ID
	}
	if s.Frequency, err = t.count(sr.freq); err != nil {
		fail(rowFault{err: err})
		return
	}
	if s.Recency, err = t.float(sr.rec); err != nil {
		fail(rowFault{err: err})
		return
	}
	if s.T, err = t.float(sr.T); err != nil {
		fail(rowFault{err: err})
		return
	}
	if sr.weight.present() {
		if w, err = t.float(sr.weight); err != nil {
			fail(rowFault{err: err})
			return
		}
	}
	if sr.withMoney {
		m, err := t.number(sr.money)
		if err != nil {
			fail(rowFault{err: err})
			return
		}
		if s.MonetaryValue, err = decimal.NewFromString(string(m)); err != nil {
			fail(rowFault{err: fmt.Errorf("row %d, column %q: value %q is not a decimal number", t.line, sr.money.name, clip.Value(string(m)))})
			return
		}
		e.money = s.MonetaryValue
	}
	if sr.cov != nil {
		e.z = make([]float64, len(sr.cov))
		for j, c := range sr.cov {
			if e.z[j], err = t.real(c); err != nil {
				fail(rowFault{err: err})
				return
			}
		}
	}
	if err := s.Validate(); err != nil {
		fail(rowFault{err: fmt.Errorf("row %d: %w", t.line, err), invalid: true})
		return
	}
	b.out = append(b.out, parsedRow{x: int32(s.Frequency), tx: s.Recency, T: s.T, w: w})
	if sr.extra() {
		b.extra = append(b.extra, e)
	}
}

// finish completes row k of b, number row (from 0) of the table, in file
// order: it checks that the id is new, and without an id column gives the
// summary (or its error) the row index as its id when ids. It returns the
// row's summary, weight and covariates, or its error.
func (sr *summaryReader) finish(b *rowBatch, k, row int) (s clv.Summary, w float64, z []float64, err error) {
	line := b.lines[k]
	p := &b.out[k]
	if p.fault > 0 {
		f := &b.faults[p.fault-1]
		switch {
		case f.idErr != nil:
			return s, 0, nil, f.idErr
		case sr.id.present():
			if err := sr.seen.check(f.s.ID, line); err != nil {
				return s, 0, nil, err
			}
		case f.invalid:
			f.s.ID = strconv.Itoa(row)
			return s, 0, nil, fmt.Errorf("row %d: %w", line, f.s.Validate())
		}
		return s, 0, nil, f.err
	}
	s = clv.Summary{Frequency: int(p.x), Recency: p.tx, T: p.T}
	if sr.extra() {
		e := &b.extra[k]
		s.ID, s.MonetaryValue, z = e.id, e.money, e.z
	}
	if sr.id.present() {
		if err := sr.seen.check(s.ID, line); err != nil {
			return s, 0, nil, err
		}
	} else if sr.ids {
		s.ID = strconv.Itoa(row)
	}
	return s, p.w, z, nil
}

// rowBatch is rows of a table: rows read by Next, copied out of the
// reader's buffer (the fields of row k are buf[ends[j−1]:ends[j]] for j in
// [rows[k], rows[k+1])), then a block of simple lines; either may be
// empty.
type rowBatch struct {
	block  clv.CSVBlock
	buf    []byte
	ends   []int
	rows   []int
	lines  []int // the line of each row (of a block's rows, once parsed)
	err    error // the reader's error after these rows
	out    []parsedRow
	extra  []rowExtra // for each row of out, when its reader keeps any
	faults []rowFault
	// folded holds out's rows folded into patterns when isFolded (see
	// foldBatch, whose table foldAt is).
	folded   []clv.Pattern
	foldAt   []int32
	isFolded bool
	done     chan struct{}
}

// A batch read by Next holds at most batchRows rows and, but for its first
// row, batchBytes bytes of fields: memory stays bounded however wide the
// rows. A block of simple lines holds up to 64 bytes a row of the same
// limit (256 KiB, as many rows as fit). The first batches are short, so
// that an error in the first rows of a slow stream is reported at once.
const (
	batchRows  = 4096
	batchBytes = 4 << 20
	firstRows  = 64
)

// fill reads the next rows of t into b, up to limit of them: a block of
// simple lines if the next line is one, or else records read by Next
// until a simple line comes again, which then end the batch as a block.
// It returns false at the end of the input or on an error, which it
// records in b.
func (b *rowBatch) fill(t *table, limit int) bool {
	b.buf, b.ends, b.rows, b.lines, b.err = b.buf[:0], b.ends[:0], b.rows[:0], b.lines[:0], nil
	if t.r.NextBlock(&b.block, 64*limit); len(b.block.Data) > 0 {
		return true
	}
	for len(b.lines) < limit && (len(b.lines) == 0 || len(b.buf) < batchBytes) {
		ok, err := t.next()
		if !ok {
			b.err = err
			b.rows = append(b.rows, len(b.ends))
			return false
		}
		b.rows = append(b.rows, len(b.ends))
		for _, f := range t.rec {
			b.buf = append(b.buf, f...)
			b.ends = append(b.ends, len(b.buf))
		}
		b.lines = append(b.lines, t.line)
		if t.r.NextBlock(&b.block, 64*(limit-len(b.lines))); len(b.block.Data) > 0 {
			break
		}
	}
	b.rows = append(b.rows, len(b.ends))
	return true
}

// batchReader is how eachRow reads a table: parse parses one row into its
// batch, and fold (when not nil) a parsed batch, on the workers; use takes
// the parsed batches in file order, given the index (from 0) of a batch's
// first row, and returns the rows of it that it used and its error.
type batchReader struct {
	parse func(t *table, b *rowBatch)
	fold  func(b *rowBatch)
	use   func(b *rowBatch, first int) (int, error)
}

// parse parses b's rows with a table of its own that reads them.
func (b *rowBatch) parse(t *table, br batchReader) {
	defer close(b.done)
	own := &table{header: t.header}
	b.out, b.extra, b.faults, b.isFolded = b.out[:0], b.extra[:0], b.faults[:0], false
	if br.fold != nil {
		defer br.fold(b)
	}
	// The rows read by Next first, then the block's.
	var rec [][]byte
	for k, line := range b.lines {
		rec = rec[:0]
		start := 0
		if b.rows[k] > 0 {
			start = b.ends[b.rows[k]-1]
		}
		for j := b.rows[k]; j < b.rows[k+1]; j++ {
			rec = append(rec, b.buf[start:b.ends[j]])
			start = b.ends[j]
		}
		own.rec, own.line = rec, line
		br.parse(own, b)
	}
	for line, rec := range b.block.All() {
		own.rec, own.line = rec, line
		br.parse(own, b)
		b.lines = append(b.lines, line)
	}
}

// eachRow reads every row of t in batches, parsed in parallel and used in
// file order by br, stopping at the first error of use or the reader's. It
// returns the number of rows used.
func eachRow(t *table, br batchReader) (int, error) {
	const workers = 2
	work, ordered, free := make(chan *rowBatch, 2*workers), make(chan *rowBatch, 4*workers), make(chan *rowBatch, 4*workers)
	for range cap(free) {
		free <- &rowBatch{}
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				b.parse(t, br)
			}
		}()
	}
	var stop atomic.Bool
	type result struct {
		rows int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		var first error
		rows := 0
		for b := range ordered {
			<-b.done
			if first == nil {
				n, err := br.use(b, rows)
				rows += n
				if first = err; first == nil {
					first = b.err
				}
				if first != nil {
					stop.Store(true)
				}
			}
			free <- b
		}
		done <- result{rows, first}
	}()
	limit := firstRows
	for more := true; more && !stop.Load(); {
		b := <-free
		more = b.fill(t, limit)
		limit = min(2*limit, batchRows)
		b.done = make(chan struct{})
		work <- b
		ordered <- b
	}
	close(work)
	close(ordered)
	res := <-done
	wg.Wait()
	return res.rows, res.err
}

// readBGBB reads frequency,recency,n_periods with optional weight and id
// columns; ids default to the row index.
func readBGBB(r io.Reader) ([]clv.BGBBPattern, []string, error) {
	t, err := openTable(r, "frequency", "recency", "n_periods")
	if err != nil {
		return nil, nil, err
	}
	var ps []clv.BGBBPattern
	var ids []string
	seen := uniqueIDs{}
	xc, rc, nc, wc, idc := t.col("frequency"), t.col("recency"), t.col("n_periods"), t.col("weight"), t.col("id")
	for i := 0; ; i++ {
		if ok, err := t.next(); !ok {
			if err == nil && i == 0 {
				err = errors.New("no data rows")
			}
			return ps, ids, err
		}
		p := clv.BGBBPattern{Weight: 1}
		if p.Frequency, err = t.count(xc); err != nil {
			return nil, nil, err
		}
		if p.Recency, err = t.count(rc); err != nil {
			return nil, nil, err
		}
		if p.Periods, err = t.count(nc); err != nil {
			return nil, nil, err
		}
		if wc.present() {
			if p.Weight, err = t.float(wc); err != nil {
				return nil, nil, err
			}
		}
		id := strconv.Itoa(i)
		if idc.present() {
			if id, err = t.str(idc); err != nil {
				return nil, nil, err
			}
			if err := seen.check(id, t.line); err != nil {
				return nil, nil, err
			}
		}
		if err := p.Validate(); err != nil {
			return nil, nil, fmt.Errorf("row %d: %w", t.line, err)
		}
		ps, ids = append(ps, p), append(ids, id)
	}
}

// readCohort reads period,alive: survivors at the start of consecutive
// periods, period 0 being the cohort size.
func readCohort(r io.Reader) ([]clv.SBGObservation, error) {
	t, err := openTable(r, "period", "alive")
	if err != nil {
		return nil, err
	}
	var alive []float64
	pc, ac := t.col("period"), t.col("alive")
	for i := 0; ; i++ {
		if ok, err := t.next(); !ok {
			if err != nil {
				return nil, err
			}
			return clv.CohortObservations(alive)
		}
		p, err := t.count(pc)
		if err != nil {
			return nil, err
		}
		if p != i {
			return nil, fmt.Errorf("row %d, column %q: period %d, want %d (consecutive periods from 0)", t.line, "period", p, i)
		}
		a, err := t.float(ac)
		if err != nil {
			return nil, err
		}
		if i > 0 && a > alive[i-1] {
			return nil, fmt.Errorf("row %d, column %q: survivors rise from %v to %v", t.line, "alive", alive[i-1], a)
		}
		alive = append(alive, a)
	}
}

// readSpend reads id,frequency,monetary_value (other columns ignored) for
// the Gamma-Gamma fit.
func readSpend(r io.Reader) ([]clv.SpendObservation, error) {
	t, err := openTable(r, "frequency", "monetary_value")
	if err != nil {
		return nil, err
	}
	var obs []clv.SpendObservation
	xc, mc := t.col("frequency"), t.col("monetary_value")
	for {
		if ok, err := t.next(); !ok {
			if err == nil && len(obs) == 0 {
				err = errors.New("no data rows")
			}
			return obs, err
		}
		o := clv.SpendObservation{Weight: 1}
		if o.Frequency, err = t.count(xc); err != nil {
			return nil, err
		}
		if o.Mean, err = t.float(mc); err != nil {
			return nil, err
		}
		if o.Frequency > 0 && o.Mean == 0 {
			return nil, fmt.Errorf("row %d, column %q: a repeat buyer with zero mean spend has no Gamma-Gamma density", t.line, "monetary_value")
		}
		if o.Frequency == 0 && o.Mean != 0 {
			return nil, fmt.Errorf("row %d, column %q: monetary value %v with frequency 0 (it is the mean of repeat purchases)", t.line, "monetary_value", o.Mean)
		}
		obs = append(obs, o)
	}
}
