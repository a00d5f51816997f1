package clv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

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
type CSVReader struct {
	r                     *csv.Reader
	opts                  CSVOptions
	iCust, iTime, iAmount int
	iExtra                [3]int // product, category, channel; −1 when absent
	layout                string
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
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	if opts.Comma != 0 {
		cr.Comma = opts.Comma
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	tr := &CSVReader{r: cr, opts: opts, iAmount: -1, iExtra: [3]int{-1, -1, -1}, row: 1, layout: opts.TimeLayout}
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
	header, err := ReadCSVHeader(cr, required...)
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
	for {
		rec, err := tr.r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return Purchase{}, io.EOF
			}
			row := tr.row + 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				row = pe.Line
			}
			return Purchase{}, &ParseError{Row: row, Err: err}
		}
		tr.row, _ = tr.r.FieldPos(0)
		t, skip, err := tr.parse(rec)
		if err != nil {
			return Purchase{}, err
		}
		if skip {
			tr.skipped++
			continue
		}
		p := Purchase{Transaction: t}
		for i, dst := range []*string{&p.Product, &p.Category, &p.Channel} {
			if j := tr.iExtra[i]; j >= 0 && j < len(rec) {
				*dst = strings.TrimSpace(rec[j])
			}
		}
		return p, nil
	}
}

// field returns the non-empty value of column i, named name.
func (tr *CSVReader) field(rec []string, i int, name string) (string, error) {
	v, err := csvField(rec, tr.row, i, name)
	if err == nil && v == "" {
		err = &ParseError{Row: tr.row, Column: name, Err: errors.New("empty value")}
	}
	return v, err
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
		return "", &ParseError{Row: row, Column: name, Err: fmt.Errorf("row has %d fields, column is number %d", len(rec), i+1)}
	}
	return strings.TrimSpace(rec[i]), nil
}

func (tr *CSVReader) parse(rec []string) (t Transaction, skip bool, err error) {
	id, err := tr.field(rec, tr.iCust, tr.opts.Customer)
	if err != nil {
		return t, false, err
	}
	ts, err := tr.field(rec, tr.iTime, tr.opts.Time)
	if err != nil {
		return t, false, err
	}
	when, err := time.ParseInLocation(tr.layout, ts, tr.opts.Location)
	if err != nil {
		var err2 error
		if when, err2 = time.Parse(time.RFC3339Nano, ts); err2 != nil {
			return t, false, &ParseError{Row: tr.row, Column: tr.opts.Time, Value: ts,
				Err: fmt.Errorf("not a time in layout %q or RFC 3339", tr.layout)}
		}
	}
	if when.IsZero() {
		// time.Time's zero value stands for "no time" throughout Go.
		return t, false, &ParseError{Row: tr.row, Column: tr.opts.Time, Value: ts,
			Err: errors.New("the zero time (0001-01-01T00:00:00Z) is not a purchase time")}
	}
	var amount decimal.Decimal
	if tr.iAmount >= 0 {
		as, err := tr.field(rec, tr.iAmount, tr.opts.Amount)
		if err != nil {
			return t, false, err
		}
		if len(as) > MaxNumberLength {
			return t, false, &ParseError{Row: tr.row, Column: tr.opts.Amount, Value: as,
				Err: fmt.Errorf("a number of %d characters (at most %d)", len(as), MaxNumberLength)}
		}
		if amount, err = decimal.NewFromString(as); err != nil {
			return t, false, &ParseError{Row: tr.row, Column: tr.opts.Amount, Value: as, Err: errors.New("not a decimal number")}
		}
		if amount.Sign() < 0 {
			if tr.opts.SkipNegative {
				return t, true, nil
			}
			return t, false, &ParseError{Row: tr.row, Column: tr.opts.Amount, Value: as,
				Err: errors.New("negative amount (a refund; set SkipNegative to drop refunds)")}
		}
	}
	return Transaction{Customer: id, Time: when, Amount: amount}, false, nil
}

// Skipped returns the number of rows dropped by SkipNegative so far.
func (tr *CSVReader) Skipped() int { return tr.skipped }

// Transactions returns an iterator over the remaining transactions. It stops
// at the end of the input or at the first error, which Err then returns, in
// the manner of bufio.Scanner.
func (tr *CSVReader) Transactions() iter.Seq[Transaction] {
	return func(yield func(Transaction) bool) {
		for {
			t, err := tr.Read()
			if err != nil {
				if !errors.Is(err, io.EOF) {
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
				if !errors.Is(err, io.EOF) {
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

// Err returns the first error met by Transactions or Purchases, or nil.
func (tr *CSVReader) Err() error { return tr.err }
