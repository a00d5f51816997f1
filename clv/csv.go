package clv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// CSVOptions maps the columns of a transaction log to Transaction fields.
type CSVOptions struct {
	// Customer and Time name the header columns holding the customer ID and
	// the purchase time (both required).
	Customer, Time string
	// Amount names the column holding the amount; empty means the log has
	// no amounts and every transaction's amount is zero.
	Amount string
	// Product, Category and Channel optionally name columns read into
	// Purchase by ReadPurchase and Purchases; empty values are allowed.
	Product, Category, Channel string
	// TimeLayout is the layout of the time column in time.Parse form; empty
	// means "2006-01-02". Whatever the layout, RFC 3339 timestamps are also
	// accepted.
	TimeLayout string
	// Location is the zone of times whose layout carries none; nil means UTC.
	Location *time.Location
	// Comma is the field delimiter; zero means ','.
	Comma rune
	// SkipNegative drops rows with a negative amount (refunds) instead of
	// failing on them; Skipped counts them. See Transaction for why refunds
	// are not purchases.
	SkipNegative bool
}

// CSVReader reads transactions from a CSV log with a header row.
//
// Conventions: IDs are kept verbatim (leading zeros matter, surrounding
// spaces are trimmed); an empty ID, time or amount is an error naming the
// row; amounts are decimal numbers ("12.50", "-3", "1e2"); rows with a
// negative amount are an error unless SkipNegative is set; duplicate rows are
// not detected: two identical purchases on one day fall in one period, so
// they change the period's spend but not frequency, recency or T.
//
// Records are split as encoding/csv splits them, time fields parsed by
// time.Parse and amounts by decimal.NewFromString, with the same results
// and errors to the byte; the common cases (lines without quotes, a time
// seen on an earlier row, plain decimal amounts) skip their allocations.
// To summarise a log, hand the reader to Summarizer.AddCSV rather than
// passing Transactions to AddAll: it gives the same summaries several times
// faster.
type CSVReader struct {
	sc                    *csvScanner
	opts                  CSVOptions
	iCust, iTime, iAmount int
	iExtra                [3]int // product, category, channel; −1 when absent
	layout                string
	times                 timeMemo
	row                   int
	skipped               int
	err                   error
}

// NewCSVReader reads the header from r and checks that the named columns are
// present.
func NewCSVReader(r io.Reader, opts CSVOptions) (*CSVReader, error) {
	if opts.Customer == "" || opts.Time == "" {
		return nil, fmt.Errorf("%w: the customer and time columns are required", ErrInvalidOptions)
	}
	if opts.Comma == 0 {
		opts.Comma = ','
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	sc := newCSVScanner(r, opts.Comma)
	tr := &CSVReader{sc: sc, opts: opts, iAmount: -1, iExtra: [3]int{-1, -1, -1}, row: 1, layout: opts.TimeLayout}
	tr.times.loc = opts.Location
	if tr.layout == "" {
		tr.layout = time.DateOnly
	}
	names := []string{opts.Customer, opts.Time, opts.Amount, opts.Product, opts.Category, opts.Channel}
	var required []string
	for _, n := range names {
		if n != "" {
			required = append(required, n)
		}
	}
	header, err := ReadCSVHeader(sc.cr, required...)
	if err != nil {
		return nil, err
	}
	tr.iCust, _ = header.Index(opts.Customer)
	tr.iTime, _ = header.Index(opts.Time)
	if opts.Amount != "" {
		tr.iAmount, _ = header.Index(opts.Amount)
	}
	for i, name := range names[3:] {
		if name != "" {
			tr.iExtra[i], _ = header.Index(name)
		}
	}
	return tr, nil
}

// Read returns the next transaction, or io.EOF after the last one. Any other
// error is a *ParseError naming the row and column; reading can continue
// after a *ParseError about a value, not after a malformed record.
func (tr *CSVReader) Read() (Transaction, error) {
	p, err := tr.ReadPurchase()
	return p.Transaction, err
}

// ReadPurchase is Read with the optional product, category and channel
// columns.
func (tr *CSVReader) ReadPurchase() (Purchase, error) {
	r, err := tr.next()
	if err != nil {
		return Purchase{}, err
	}
	p := Purchase{Transaction: Transaction{Customer: string(r.id), Time: r.time.t}}
	if tr.iAmount >= 0 {
		p.Amount = r.amount.value()
	}
	for i, dst := range []*string{&p.Product, &p.Category, &p.Channel} {
		if j := tr.iExtra[i]; j >= 0 && j < len(tr.sc.fields) {
			*dst = string(bytes.TrimSpace(tr.sc.fields[j]))
		}
	}
	return p, nil
}

// txRow is a transaction as read from one row, before it becomes a
// Transaction: the ID is a view of the input, valid until the next row.
type txRow struct {
	id     []byte
	time   *timeEntry
	amount exactSum
}

// next reads the next row that SkipNegative does not drop. Its errors are
// those of Read.
func (tr *CSVReader) next() (txRow, error) {
	if tr == nil || tr.sc == nil {
		return txRow{}, unmade("CSVReader")
	}
	for {
		if err := tr.sc.next(); err != nil {
			if errors.Is(err, io.EOF) {
				return txRow{}, io.EOF
			}
			row := tr.row + 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				row = pe.Line
			}
			return txRow{}, &ParseError{Row: row, Err: err}
		}
		tr.row = tr.sc.row
		r, skip, err := tr.parse(tr.sc.fields)
		if err != nil {
			return txRow{}, err
		}
		if skip {
			tr.skipped++
			continue
		}
		return r, nil
	}
}

// field returns the non-empty value of column i, named name, with the spaces
// around it trimmed.
func (tr *CSVReader) field(rec [][]byte, i int, name string) ([]byte, error) {
	if i >= len(rec) {
		return nil, fieldCountError(len(rec), tr.row, i, name)
	}
	v := bytes.TrimSpace(rec[i])
	if len(v) == 0 {
		return nil, &ParseError{Row: tr.row, Column: name, Err: errors.New("empty value")}
	}
	return v, nil
}

// CSVHeader is the header row of a CSV input: the column of each name.
// CSVReader reads its header with it, and so can any reader of a CSV with
// named columns, so that every CSV input of the SDK follows one set of
// conventions: a byte-order mark before the first name and spaces around
// each name are ignored, of two columns with the same name the first
// counts, and values are read with the spaces around them trimmed.
type CSVHeader struct {
	names []string // as read, for messages
	index map[string]int
}

// ReadCSVHeader reads the header row from r and checks that every required
// column is present. It fails with a *ParseError for row 1 on empty input,
// a malformed header row or a missing column (naming it and showing the
// header).
func ReadCSVHeader(r *csv.Reader, required ...string) (CSVHeader, error) {
	names, err := r.Read()
	return newCSVHeader(names, err, required)
}

// newCSVHeader is ReadCSVHeader's check of a header row names, read with
// error err.
func newCSVHeader(names []string, err error, required []string) (CSVHeader, error) {
	if err != nil {
		if errors.Is(err, io.EOF) {
			return CSVHeader{}, &ParseError{Row: 1, Err: errors.New("empty input: no header row")}
		}
		return CSVHeader{}, &ParseError{Row: 1, Err: err}
	}
	h := CSVHeader{names: slices.Clone(names), index: make(map[string]int, len(names))}
	for i, n := range names {
		n = strings.TrimSpace(strings.TrimPrefix(n, "\ufeff"))
		if _, dup := h.index[n]; !dup {
			h.index[n] = i
		}
	}
	for _, name := range required {
		if _, ok := h.index[name]; !ok {
			return CSVHeader{}, &ParseError{Row: 1, Err: fmt.Errorf("missing column %q (header has %s)", name, strings.Join(names, ","))}
		}
	}
	return h, nil
}

// Index returns the position of the named column and whether the header
// has it.
func (h CSVHeader) Index(name string) (int, bool) {
	i, ok := h.index[name]
	return i, ok
}

// Field returns the value of the named column in rec, a record read from
// line row, with the spaces around it trimmed. A column the header lacks, or
// a record too short to hold it, is a *ParseError naming the row and
// column.
func (h CSVHeader) Field(rec []string, row int, name string) (string, error) {
	i, ok := h.index[name]
	if !ok {
		return "", &ParseError{Row: row, Column: name, Err: errors.New("no such column")}
	}
	return csvField(rec, row, i, name)
}

// csvField is Field by position.
func csvField(rec []string, row, i int, name string) (string, error) {
	if i >= len(rec) {
		return "", fieldCountError(len(rec), row, i, name)
	}
	return strings.TrimSpace(rec[i]), nil
}

// fieldCountError reports a record of n fields too short to hold column i.
func fieldCountError(n, row, i int, name string) error {
	return &ParseError{Row: row, Column: name, Err: fmt.Errorf("row has %d fields, column is number %d", n, i+1)}
}

// parse reads one record; skip is true for a negative amount under
// SkipNegative.
func (tr *CSVReader) parse(rec [][]byte) (r txRow, skip bool, err error) {
	if r.id, err = tr.field(rec, tr.iCust, tr.opts.Customer); err != nil {
		return r, false, err
	}
	ts, err := tr.field(rec, tr.iTime, tr.opts.Time)
	if err != nil {
		return r, false, err
	}
	if r.time, err = tr.times.lookup(ts, tr.parseTime); err != nil {
		return r, false, err
	}
	if tr.iAmount >= 0 {
		as, err := tr.field(rec, tr.iAmount, tr.opts.Amount)
		if err != nil {
			return r, false, err
		}
		if r.amount, err = tr.parseAmount(as); err != nil {
			return r, false, err
		}
		if r.amount.sign() < 0 {
			if tr.opts.SkipNegative {
				return r, true, nil
			}
			return r, false, &ParseError{Row: tr.row, Column: tr.opts.Amount, Value: string(as),
				Err: errors.New("negative amount (a refund; set SkipNegative to drop refunds)")}
		}
	}
	return r, false, nil
}

// parseTime reads a time in the layout, or else in RFC 3339.
func (tr *CSVReader) parseTime(ts string) (time.Time, error) {
	when, err := time.ParseInLocation(tr.layout, ts, tr.opts.Location)
	if err != nil {
		var err2 error
		if when, err2 = time.Parse(time.RFC3339Nano, ts); err2 != nil {
			return when, &ParseError{Row: tr.row, Column: tr.opts.Time, Value: ts,
				Err: fmt.Errorf("not a time in layout %q or RFC 3339", tr.layout)}
		}
	}
	if when.IsZero() {
		// time.Time's zero value stands for "no time" throughout Go.
		return when, &ParseError{Row: tr.row, Column: tr.opts.Time, Value: ts,
			Err: errors.New("the zero time (0001-01-01T00:00:00Z) is not a purchase time")}
	}
	return when, nil
}

// parseAmount reads a decimal amount exactly: as c/10^scale in integer
// arithmetic when it is plain digits with at most one point (what
// decimal.NewFromString would give, without its allocations), else as
// decimal.NewFromString's result itself.
func (tr *CSVReader) parseAmount(as []byte) (exactSum, error) {
	if len(as) > MaxNumberLength {
		return exactSum{}, &ParseError{Row: tr.row, Column: tr.opts.Amount, Value: string(as),
			Err: fmt.Errorf("a number of %d characters (at most %d)", len(as), MaxNumberLength)}
	}
	if a, ok := parsePlainDecimal(as); ok {
		return a, nil
	}
	d, err := decimal.NewFromString(string(as))
	if err != nil {
		return exactSum{}, &ParseError{Row: tr.row, Column: tr.opts.Amount, Value: string(as), Err: errors.New("not a decimal number")}
	}
	return exactSum{slow: &d}, nil
}

// parsePlainDecimal reads [+-]digits[.digits] of at most 18 digits, at
// least one, into c/10^scale; ok is false for anything else, which
// decimal.NewFromString then reads. The coefficient and scale are those
// NewFromString gives (trailing zeros kept), so sums keep their exact
// representation too.
func parsePlainDecimal(b []byte) (a exactSum, ok bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	digits, point := 0, -1
	var c int64
	for i, ch := range b {
		switch {
		case ch >= '0' && ch <= '9':
			if digits == 18 {
				return a, false
			}
			c = c*10 + int64(ch-'0')
			digits++
		case ch == '.' && point < 0:
			point = i
		default:
			return a, false
		}
	}
	if digits == 0 {
		return a, false
	}
	if point >= 0 {
		a.scale = int32(len(b) - point - 1)
	}
	// NewFromString refuses an exponent beyond this bound, a variable a
	// program may change; the fast path leaves such numbers to it, so that
	// both always agree.
	if m := decimal.MaxDecodeExponent; int(a.scale) > m || -int(a.scale) > m {
		return exactSum{}, false
	}
	if neg {
		c = -c
	}
	a.c = c
	return a, true
}

// Skipped returns the number of rows dropped by SkipNegative so far.
func (tr *CSVReader) Skipped() int {
	if tr == nil {
		return 0
	}
	return tr.skipped
}

// Transactions returns an iterator over the remaining transactions. It stops
// at the end of the input or at the first error, which Err then returns, in
// the manner of bufio.Scanner.
func (tr *CSVReader) Transactions() iter.Seq[Transaction] {
	return func(yield func(Transaction) bool) {
		for {
			t, err := tr.Read()
			if err != nil {
				if !errors.Is(err, io.EOF) && tr != nil {
					tr.err = err
				}
				return
			}
			if !yield(t) {
				return
			}
		}
	}
}

// Purchases is Transactions with the optional product, category and channel
// columns; Err reports its first error.
func (tr *CSVReader) Purchases() iter.Seq[Purchase] {
	return func(yield func(Purchase) bool) {
		for {
			p, err := tr.ReadPurchase()
			if err != nil {
				if !errors.Is(err, io.EOF) && tr != nil {
					tr.err = err
				}
				return
			}
			if !yield(p) {
				return
			}
		}
	}
}

// Err returns the first error met by Transactions or Purchases, or nil;
// for a nil reader, the error of using one.
func (tr *CSVReader) Err() error {
	if tr == nil {
		return unmade("CSVReader")
	}
	return tr.err
}

// timeMemo remembers the times parsed from recent time fields, with their
// calendar day in loc. A log has far fewer distinct dates than rows, and
// rows of one date come together when it is in time order, so most rows
// find their time here instead of parsing it again: the result is the parse
// itself, whatever the layout.
type timeMemo struct {
	loc     *time.Location
	last    *timeEntry
	entries [512]timeEntry
}

// timeEntry is a parsed time field.
type timeEntry struct {
	key string
	t   time.Time
	day int64 // CalendarDay(t, loc)
}

// lookup returns the entry of field ts, parsing it with parse when it is not
// remembered.
func (m *timeMemo) lookup(ts []byte, parse func(string) (time.Time, error)) (*timeEntry, error) {
	if e := m.last; e != nil && e.key == string(ts) {
		return e, nil
	}
	e := &m.entries[fnv(ts)%uint32(len(m.entries))]
	if e.key != string(ts) { // ts is never empty, the key of an unused entry
		t, err := parse(string(ts))
		if err != nil {
			return nil, err
		}
		*e = timeEntry{key: string(ts), t: t, day: CalendarDay(t, m.loc)}
	}
	m.last = e
	return e, nil
}

// setLoc makes loc the zone of the remembered days.
func (m *timeMemo) setLoc(loc *time.Location) {
	if m.loc != loc {
		*m = timeMemo{loc: loc}
	}
}

// csvScanner splits CSV input into records exactly as encoding/csv does with
// the settings CSVReader uses (strict quotes, no comments, any number of
// fields), several times faster. A line without a carriage return but in a
// final CRLF, whose fields are unquoted or quoted whole without a quote
// inside ("a,b") — nearly every line a program writes, whether it quotes
// every field or none — is split on the delimiter in place. Any other line
// starts a record that an encoding/csv reader reads, fed one line at a time
// so that it never reads past the record. Doubled quotes, fields across
// lines, and every error thus keep encoding/csv's meaning, line numbers and
// messages; FuzzCSVScanner compares the two.
type csvScanner struct {
	src      io.Reader
	comma    byte // the delimiter, 0 when it is not one ASCII byte and every record goes to cr
	buf      []byte
	pos, end int   // buf[pos:end] is not yet read
	eof      bool  // src is exhausted
	err      error // src's error other than io.EOF, returned once buf is used up
	line     int   // lines read
	ownLines int   // lines read without cr, which counts only the lines it reads
	cr       *csv.Reader
	fields   [][]byte // the current record, valid until the next call to next
	scratch  []byte   // the bytes of a record read by cr
	row      int      // the line of the current record's first field
}

func newCSVScanner(r io.Reader, comma rune) *csvScanner {
	if r == nil {
		r = failingSource{fmt.Errorf("%w: a nil io.Reader", ErrInvalidOptions)}
	}
	sc := &csvScanner{src: r, buf: make([]byte, 1<<16)}
	if comma < utf8.RuneSelf && comma != '"' && comma != '\r' && comma != '\n' {
		sc.comma = byte(comma)
	}
	sc.cr = csv.NewReader(lineFeeder{sc})
	sc.cr.Comma = comma
	sc.cr.FieldsPerRecord = -1
	sc.cr.ReuseRecord = true
	return sc
}

// fill reads more input into buf, keeping its unread bytes and growing it
// when they fill it. Like bufio, it gives up with io.ErrNoProgress after 100
// empty reads.
func (sc *csvScanner) fill() {
	if sc.pos > 0 {
		sc.end = copy(sc.buf, sc.buf[sc.pos:sc.end])
		sc.pos = 0
	}
	if sc.end == len(sc.buf) {
		sc.buf = append(sc.buf, make([]byte, len(sc.buf))...)
	}
	for range 100 {
		n, err := sc.src.Read(sc.buf[sc.end:])
		sc.end += n
		if err == io.EOF {
			sc.eof = true
			return
		}
		if err != nil {
			sc.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	sc.err = io.ErrNoProgress
}

// next reads the next record into fields and row. It returns io.EOF at the
// end of the input, and otherwise what encoding/csv's Read would: a
// *csv.ParseError (with the lines of the whole input) or src's error.
func (sc *csvScanner) next() error {
	seen := 0 // bytes of an incomplete line already searched
	for {
		i := bytes.IndexByte(sc.buf[sc.pos+seen:sc.end], '\n')
		if i >= 0 {
			i += seen
		} else if !sc.eof {
			if sc.err != nil {
				// What encoding/csv makes of a read error is its own.
				return sc.readCSV()
			}
			seen = sc.end - sc.pos
			sc.fill()
			continue
		}
		line := sc.buf[sc.pos:sc.end]
		if i >= 0 {
			line = line[:i+1]
		} else if len(line) == 0 {
			return io.EOF
		}
		if !sc.split(line) {
			return sc.readCSV()
		}
		sc.pos += len(line)
		sc.line++
		sc.ownLines++
		seen = 0
		if len(sc.fields) > 0 {
			sc.row = sc.line
			return nil
		}
	}
}

// split splits a line, its terminator included, into fields and reports
// whether it could: false for a line encoding/csv must read. An empty line
// gives no fields, as encoding/csv skips it.
func (sc *csvScanner) split(line []byte) bool {
	if sc.comma == 0 {
		sc.fields = sc.fields[:0]
		return false
	}
	var ok bool
	sc.fields, ok = splitLine(line, sc.comma, sc.fields[:0], false)
	return ok
}

// splitLine appends to fields the fields of line, its terminator (LF or
// CRLF) included, split on comma, and reports whether it could: false for a
// line encoding/csv must read itself. An empty line gives no fields, as
// encoding/csv skips it. simple says the line is known to have neither
// quotes nor carriage returns (see appendLines). Otherwise a field may be
// quoted as programs that quote every field write it, "…" with neither a
// quote nor a carriage return inside, and it is then read without its
// quotes, as encoding/csv reads it; any other quote, and any carriage
// return but in the terminator, leaves the line to encoding/csv (a doubled
// quote, a field across lines, a quote where none may be).
func splitLine(line []byte, comma byte, fields [][]byte, simple bool) ([][]byte, bool) {
	n := len(line)
	if n > 0 && line[n-1] == '\n' {
		n--
		if n > 0 && line[n-1] == '\r' {
			n--
		}
	}
	if n == 0 {
		return fields, true
	}
	line = line[:n]
	if !simple {
		if bytes.IndexByte(line, '\r') >= 0 {
			return fields, false
		}
		if bytes.IndexByte(line, '"') >= 0 {
			return splitQuoted(line, comma, fields)
		}
	}
	for {
		i := bytes.IndexByte(line, comma)
		if i < 0 {
			return append(fields, line), true
		}
		fields = append(fields, line[:i])
		line = line[i+1:]
	}
}

// splitQuoted is splitLine for a line, without its terminator or carriage
// returns, that has quotes.
func splitQuoted(line []byte, comma byte, fields [][]byte) ([][]byte, bool) {
	for {
		if len(line) > 0 && line[0] == '"' {
			end := bytes.IndexByte(line[1:], '"')
			if end < 0 {
				return fields, false // the field goes on past the line
			}
			field, rest := line[1:1+end], line[2+end:]
			if len(rest) > 0 && rest[0] != comma {
				return fields, false // a doubled quote, or text after the closing one
			}
			fields = append(fields, field)
			if len(rest) == 0 {
				return fields, true
			}
			line = rest[1:]
			continue
		}
		i := bytes.IndexByte(line, comma)
		field := line
		if i >= 0 {
			field = line[:i]
		}
		if bytes.IndexByte(field, '"') >= 0 {
			return fields, false // a quote in an unquoted field: encoding/csv's error
		}
		fields = append(fields, field)
		if i < 0 {
			return fields, true
		}
		line = line[i+1:]
	}
}

// appendLines appends to dst a run of whole lines from the front of the
// unread input that split splits — no quote, and no carriage return but in
// a final CRLF — and moves past them. The run holds the first line when it
// qualifies (however long), then the lines after it that qualify and end
// within limit bytes of the run's start. It reads from src only while it
// has no whole line to look at, and looks at no more than the first line
// when that one does not qualify. Nothing appended means that the next
// record is for next to read: it is not on a simple line, or src is at its
// end or failed.
func (sc *csvScanner) appendLines(dst []byte, limit int) []byte {
	if sc.comma == 0 {
		return dst
	}
	seen, first := 0, 0 // bytes searched for the first line's end; its length
	for {
		buf := sc.buf[sc.pos:sc.end]
		if k := bytes.IndexByte(buf[seen:], '\n'); k >= 0 {
			first = seen + k + 1
			break
		}
		if sc.eof {
			first = len(buf) // the last line, without a terminator
			break
		}
		if sc.err != nil {
			return dst
		}
		seen = len(buf)
		sc.fill()
	}
	buf := sc.buf[sc.pos:sc.end]
	if first == 0 || notSimple(buf[:first]) >= 0 {
		return dst
	}
	run := buf[:max(first, bytes.LastIndexByte(buf[:min(len(buf), max(limit, 0))], '\n')+1)]
	if bad := notSimple(run[first:]); bad >= 0 {
		run = run[:first+bytes.LastIndexByte(run[first:first+bad], '\n')+1]
	}
	lines := bytes.Count(run, []byte{'\n'})
	if run[len(run)-1] != '\n' {
		lines++
	}
	sc.pos += len(run)
	sc.line += lines
	sc.ownLines += lines
	return append(dst, run...)
}

// notSimple returns the index of the first quote, or carriage return not
// followed by a line feed, in b; −1 when there is none.
func notSimple(b []byte) int {
	bad := bytes.IndexByte(b, '"')
	if bad < 0 {
		bad = len(b)
	}
	for i := 0; i < bad; {
		k := bytes.IndexByte(b[i:bad], '\r')
		if k < 0 {
			break
		}
		i += k
		if i+1 == len(b) || b[i+1] != '\n' {
			return i
		}
		i++
	}
	if bad == len(b) {
		return -1
	}
	return bad
}

// readCSV reads the record starting at the next line with encoding/csv.
func (sc *csvScanner) readCSV() error {
	rec, err := sc.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			pe.StartLine += sc.ownLines
			pe.Line += sc.ownLines
		}
		return err
	}
	sc.row, _ = sc.cr.FieldPos(0)
	sc.row += sc.ownLines
	sc.scratch = sc.scratch[:0]
	for _, f := range rec {
		sc.scratch = append(sc.scratch, f...)
	}
	sc.fields = sc.fields[:0]
	k := 0
	for _, f := range rec {
		sc.fields = append(sc.fields, sc.scratch[k:k+len(f)])
		k += len(f)
	}
	return nil
}

// failingSource is the input of a reader made with a nil io.Reader: its
// first read fails with err, so that the reader reports it instead of
// panicking.
type failingSource struct{ err error }

func (f failingSource) Read([]byte) (int, error) { return 0, f.err }

// unmade is the error of a nil or zero CSVReader or CSVRecords, one not
// made by its constructor.
func unmade(what string) error {
	return fmt.Errorf("%w: a %s not made by New%s", ErrInvalidOptions, what, what)
}

// lineFeeder hands a csvScanner's input to its encoding/csv reader at most
// one line per Read, so that the reader's buffer never holds bytes past the
// line it asked for.
type lineFeeder struct{ sc *csvScanner }

func (f lineFeeder) Read(p []byte) (int, error) {
	sc := f.sc
	for sc.pos == sc.end {
		if sc.err != nil {
			err := sc.err
			sc.err = nil
			return 0, err
		}
		if sc.eof {
			return 0, io.EOF
		}
		sc.fill()
	}
	b := sc.buf[sc.pos:sc.end]
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i+1]
	}
	n := copy(p, b)
	if n > 0 && b[n-1] == '\n' {
		sc.line++
	}
	sc.pos += n
	return n, nil
}
