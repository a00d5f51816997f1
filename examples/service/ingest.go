package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
)

// Limits bound what one request can make the service read and hold. The
// zero value of a field means its default.
type Limits struct {
	// MaxBody is the largest request body in bytes (default 64 MiB); a
	// larger one is refused with 413 after reading at most this much.
	MaxBody int64
	// MaxRows is the most transactions in one batch (default 1,000,000);
	// more is refused with 413.
	MaxRows int
	// MaxRowBytes is the longest CSV row or JSON element in bytes (default
	// 4 KiB); a longer one is refused with 400 naming it, after reading at
	// most this much of it.
	MaxRowBytes int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBody <= 0 {
		l.MaxBody = 64 << 20
	}
	if l.MaxRows <= 0 {
		l.MaxRows = 1_000_000
	}
	if l.MaxRowBytes <= 0 {
		l.MaxRowBytes = 4 << 10
	}
	return l
}

// maxField is the longest ID, product or channel accepted, in bytes.
const maxField = 256

// row is one validated transaction of a batch.
type row struct {
	customer      string
	time          time.Time
	amount        decimal.Decimal
	product       string
	channel       string
	transactionID string // empty: the row is never deduplicated
}

// Columns of a batch, in CSV headers and JSON objects alike.
const (
	colCustomer      = "customer_id"
	colTime          = "time"
	colAmount        = "amount"
	colProduct       = "product"
	colChannel       = "channel"
	colTransactionID = "transaction_id"
)

var knownColumns = []string{colCustomer, colTime, colAmount, colProduct, colChannel, colTransactionID}

// errTooManyRows reports a batch with more rows than Limits.MaxRows.
var errTooManyRows = errors.New("too many rows in one batch")

// errRowTooLong is the cause of a *clv.ParseError for a row longer than
// Limits.MaxRowBytes.
var errRowTooLong = errors.New("row too long")

// parser turns the fields of one row, by column, into a row; it names the
// row and column of the first bad value.
type parser struct {
	loc *time.Location
}

func (p parser) row(n int, get func(col string) (string, bool)) (row, error) {
	bad := func(col, v string, err error) error {
		return &clv.ParseError{Row: n, Column: col, Value: v, Err: err}
	}
	var r row
	text := func(col string, required bool) (string, error) {
		v, ok := get(col)
		v = strings.TrimSpace(v)
		switch {
		case required && (!ok || v == ""):
			return "", bad(col, v, errors.New("missing"))
		case len(v) > maxField:
			return "", bad(col, v, fmt.Errorf("longer than %d bytes", maxField))
		case !utf8.ValidString(v):
			return "", bad(col, v, errors.New("not UTF-8"))
		case strings.ContainsRune(v, 0):
			return "", bad(col, v, errors.New("contains a NUL byte"))
		}
		return v, nil
	}
	var err error
	if r.customer, err = text(colCustomer, true); err != nil {
		return row{}, err
	}
	ts, err := text(colTime, true)
	if err != nil {
		return row{}, err
	}
	if r.time, err = p.parseTime(ts); err != nil {
		return row{}, bad(colTime, ts, err)
	}
	am, err := text(colAmount, true)
	if err != nil {
		return row{}, err
	}
	if r.amount, err = parseAmount(am); err != nil {
		return row{}, bad(colAmount, am, err)
	}
	if r.product, err = text(colProduct, false); err != nil {
		return row{}, err
	}
	if r.channel, err = text(colChannel, false); err != nil {
		return row{}, err
	}
	if r.transactionID, err = text(colTransactionID, false); err != nil {
		return row{}, err
	}
	return r, nil
}

// parseTime reads YYYY-MM-DD (midnight in p.loc) or RFC 3339.
func (p parser) parseTime(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, p.loc)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return time.Time{}, errors.New("not YYYY-MM-DD or RFC 3339")
		}
	}
	// PostgreSQL's timestamptz spans 4713 BC to 294276 AD; a purchase
	// outside years 1000 to 9999 is a typo, not history.
	if y := t.Year(); y < 1000 || y > 9999 {
		return time.Time{}, fmt.Errorf("year %d out of range", y)
	}
	return t.UTC(), nil
}

// parseAmount reads a non-negative decimal of at most 15 integer digits
// and 12 decimal places: money, not a typo.
func parseAmount(s string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, errors.New("not a decimal number")
	}
	switch {
	case d.IsNegative():
		return decimal.Decimal{}, errors.New("negative (net refunds against their purchase before sending)")
	case d.GreaterThanOrEqual(decimal.New(1, 15)):
		return decimal.Decimal{}, errors.New("1e15 or more")
	case !d.Equal(d.Truncate(clv.MonetaryScale)):
		return decimal.Decimal{}, fmt.Errorf("more than %d decimal places", clv.MonetaryScale)
	}
	return d.Truncate(clv.MonetaryScale), nil
}

// parseCSV reads a batch in CSV with a header row naming customer_id, time
// and amount, and optionally product, channel and transaction_id, in any
// order. It reads at most lim.MaxRowBytes of any row.
func parseCSV(body io.Reader, p parser, lim Limits) ([]row, error) {
	cr := csv.NewReader(&rowLimiter{r: body, max: lim.MaxRowBytes, csv: true})
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &clv.ParseError{Row: 1, Err: errors.New("empty body: want a header row")}
	}
	if err != nil {
		return nil, csvError(err, 1)
	}
	idx := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		switch {
		case !slices.Contains(knownColumns, h):
			return nil, &clv.ParseError{Row: 1, Column: h, Value: h, Err: fmt.Errorf("unknown column; want %s", strings.Join(knownColumns, ","))}
		case idx[h] != 0:
			return nil, &clv.ParseError{Row: 1, Column: h, Value: h, Err: errors.New("repeated column")}
		}
		idx[h] = i + 1
	}
	for _, c := range knownColumns[:3] {
		if idx[c] == 0 {
			return nil, &clv.ParseError{Row: 1, Column: c, Err: errors.New("missing column")}
		}
	}
	var rows []row
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, csvError(err, n)
		}
		if len(rows) == lim.MaxRows {
			return nil, fmt.Errorf("%w: more than %d", errTooManyRows, lim.MaxRows)
		}
		r, err := p.row(n, func(col string) (string, bool) {
			if i := idx[col]; i > 0 {
				return rec[i-1], true
			}
			return "", false
		})
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
}

// csvError turns an error of encoding/csv into one naming the row; the
// body's own errors (too large, a row too long) pass through.
func csvError(err error, n int) error {
	var pe *csv.ParseError
	var me *http.MaxBytesError
	switch {
	case errors.As(err, &me), errors.As(err, new(*clv.ParseError)):
		return err
	case errors.As(err, &pe):
		return &clv.ParseError{Row: pe.StartLine, Err: pe.Err}
	}
	return &clv.ParseError{Row: n, Err: err}
}

// parseJSON reads a batch as a JSON array of objects with the CSV's
// columns as keys; amounts may be numbers or strings (both read as
// decimals, never as floats). Row n is the array's nth element.
func parseJSON(body io.Reader, p parser, lim Limits) ([]row, error) {
	dec := json.NewDecoder(&rowLimiter{r: body, max: lim.MaxRowBytes})
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		if e := bodyError(err); e != nil {
			return nil, e
		}
		return nil, &clv.ParseError{Row: 0, Err: errors.New("want a JSON array of transactions")}
	}
	var rows []row
	for n := 1; dec.More(); n++ {
		if len(rows) == lim.MaxRows {
			return nil, fmt.Errorf("%w: more than %d", errTooManyRows, lim.MaxRows)
		}
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			if e := bodyError(err); e != nil {
				return nil, e
			}
			return nil, &clv.ParseError{Row: n, Err: fmt.Errorf("not a JSON object: %v", err)}
		}
		for k := range obj {
			if !slices.Contains(knownColumns, k) {
				return nil, &clv.ParseError{Row: n, Column: k, Value: k, Err: fmt.Errorf("unknown field; want %s", strings.Join(knownColumns, ","))}
			}
		}
		var fieldErr error
		r, err := p.row(n, func(col string) (string, bool) {
			raw, ok := obj[col]
			if !ok || bytes.Equal(raw, []byte("null")) {
				return "", false
			}
			var s string
			if err := json.Unmarshal(raw, &s); err == nil {
				return s, true
			}
			if col == colAmount && len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') {
				return string(raw), true
			}
			if fieldErr == nil {
				fieldErr = &clv.ParseError{Row: n, Column: col, Value: string(raw), Err: errors.New("want a string")}
			}
			return "", true
		})
		if fieldErr != nil {
			return nil, fieldErr
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	if _, err := dec.Token(); err != nil {
		if e := bodyError(err); e != nil {
			return nil, e
		}
		return nil, &clv.ParseError{Row: len(rows) + 1, Err: fmt.Errorf("malformed JSON array: %v", err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		if e := bodyError(err); e != nil {
			return nil, e
		}
		return nil, &clv.ParseError{Row: len(rows) + 1, Err: errors.New("data after the JSON array")}
	}
	return rows, nil
}

// bodyError returns err when it is the body's own (too large, a row too
// long), nil otherwise.
func bodyError(err error) error {
	var me *http.MaxBytesError
	if errors.As(err, &me) || errors.As(err, new(*clv.ParseError)) {
		return err
	}
	return nil
}

// rowLimiter passes a body through, failing with a *clv.ParseError
// wrapping errRowTooLong as soon as one row is longer than max bytes, so
// that a row of any length costs at most max bytes of memory. A CSV row
// ends at a newline outside double quotes (a quote toggles quoting, which
// reads RFC 4180's "" escape right); a JSON row is an element of the
// top-level array, ending at a comma at depth 1 outside strings. Rows are
// numbered as the parsers number them: the CSV header is row 1, the first
// JSON element row 1.
type rowLimiter struct {
	r   io.Reader
	max int
	csv bool

	row, n        int // current row (from 0) and its length so far
	quoted        bool
	depth         int
	str, escaping bool
	err           error
}

func (l *rowLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		l.n++
		if l.csv {
			switch {
			case c == '"':
				l.quoted = !l.quoted
			case c == '\n' && !l.quoted:
				l.row, l.n = l.row+1, 0
			}
		} else {
			switch {
			case l.str && l.escaping:
				l.escaping = false
			case l.str && c == '\\':
				l.escaping = true
			case c == '"':
				l.str = !l.str
			case l.str:
			case c == '[' || c == '{':
				l.depth++
			case c == ']' || c == '}':
				l.depth--
			case c == ',' && l.depth == 1:
				l.row, l.n = l.row+1, 0
			}
		}
		if l.n > l.max {
			l.err = &clv.ParseError{Row: l.row + 1, Err: fmt.Errorf("%w: longer than %d bytes", errRowTooLong, l.max)}
			return i, l.err
		}
	}
	return n, err
}
