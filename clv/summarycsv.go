package clv

import (
	"bufio"
	"bytes"
	"io"
	"iter"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// WriteSummariesCSV writes summaries as CSV to w: the header
// id,frequency,recency,T — with monetary_value after T when monetary is
// true — then one row per summary in the order of ss (Summarizer.Summaries
// sorts them by ID). This is the table clvtool summarize prints and clvtool
// fit, predict and value read, to the byte: recency and T (in the
// summaries' unit) with the fewest digits that read back as the same
// float64, monetary values in plain decimal notation with trailing zeros
// trimmed, fields quoted as encoding/csv quotes them, lines ending in \n.
// It returns the first error writing to w.
func WriteSummariesCSV(w io.Writer, ss iter.Seq[Summary], monetary bool) error {
	header := []string{"id", "frequency", "recency", "T"}
	if monetary {
		header = append(header, "monetary_value")
	}
	cw := newRowWriter(w, header)
	for s := range ss {
		cw.id(s.ID)
		cw.int(s.Frequency)
		cw.float(s.Recency)
		cw.float(s.T)
		if monetary {
			cw.decimal(s.MonetaryValue)
		}
		if err := cw.end(); err != nil {
			return err
		}
	}
	return cw.flush()
}

// WriteSplitSummariesCSV writes split summaries as CSV to w, as
// WriteSummariesCSV writes summaries: the header
// id,frequency_cal,recency_cal,T_cal,[monetary_value_cal,]frequency_holdout,[monetary_value_holdout,]duration_holdout
// (the bracketed columns when monetary is true), then one row per summary
// in the order of ss. It is what clvtool summarize prints with a
// calibration end.
func WriteSplitSummariesCSV(w io.Writer, ss iter.Seq[SplitSummary], monetary bool) error {
	header := []string{"id", "frequency_cal", "recency_cal", "T_cal"}
	if monetary {
		header = append(header, "monetary_value_cal")
	}
	header = append(header, "frequency_holdout")
	if monetary {
		header = append(header, "monetary_value_holdout")
	}
	header = append(header, "duration_holdout")
	cw := newRowWriter(w, header)
	for s := range ss {
		c := s.Calibration
		cw.id(c.ID)
		cw.int(c.Frequency)
		cw.float(c.Recency)
		cw.float(c.T)
		if monetary {
			cw.decimal(c.MonetaryValue)
		}
		cw.int(s.FrequencyHoldout)
		if monetary {
			cw.decimal(s.MonetaryValueHoldout)
		}
		cw.float(s.DurationHoldout)
		if err := cw.end(); err != nil {
			return err
		}
	}
	return cw.flush()
}

// rowWriter writes CSV rows byte for byte as encoding/csv's Writer does
// (comma-separated, lines ending in \n, a field quoted when csv would quote
// it), with numbers appended in place: they never need quotes, so only
// text is checked.
type rowWriter struct {
	w      *bufio.Writer
	row    []byte
	fields int   // in the row so far
	err    error // the first error writing
}

func newRowWriter(w io.Writer, header []string) *rowWriter {
	cw := &rowWriter{w: bufio.NewWriterSize(w, 64<<10)}
	for _, h := range header {
		cw.id(h)
	}
	cw.err = cw.end()
	return cw
}

// sep starts a field.
func (cw *rowWriter) sep() {
	if cw.fields > 0 {
		cw.row = append(cw.row, ',')
	}
	cw.fields++
}

// id appends a text field, quoted as encoding/csv quotes it: in double
// quotes, with quotes doubled, when it holds a comma, a quote, \r or \n,
// begins with a space, or is \. (which PostgreSQL reads as the end of
// data). An empty field is written as nothing, as csv writes it.
func (cw *rowWriter) id(s string) {
	cw.sep()
	if !needsQuotes(s) {
		cw.row = append(cw.row, s...)
		return
	}
	cw.row = append(cw.row, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			cw.row = append(cw.row, '"')
		}
		cw.row = append(cw.row, s[i])
	}
	cw.row = append(cw.row, '"')
}

// needsQuotes is encoding/csv's rule for a comma separator.
func needsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

func (cw *rowWriter) int(n int) {
	cw.sep()
	cw.row = strconv.AppendInt(cw.row, int64(n), 10)
}

// float appends v with the fewest digits that read back as exactly v.
func (cw *rowWriter) float(v float64) {
	cw.sep()
	cw.row = strconv.AppendFloat(cw.row, v, 'f', -1, 64)
}

func (cw *rowWriter) decimal(d decimal.Decimal) {
	cw.sep()
	cw.row = appendDecimal(cw.row, d)
}

// end ends the row and writes it, returning the first error writing.
func (cw *rowWriter) end() error {
	cw.row = append(cw.row, '\n')
	_, err := cw.w.Write(cw.row)
	cw.row, cw.fields = cw.row[:0], 0
	if cw.err == nil {
		cw.err = err
	}
	return cw.err
}

func (cw *rowWriter) flush() error {
	if cw.err != nil {
		return cw.err
	}
	return cw.w.Flush()
}

// ftoa formats v with the fewest digits that read back as exactly v.
func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// decimalString is d.String() — the means of money summaries print, with
// trailing zeros trimmed.
func decimalString(d decimal.Decimal) string { return string(appendDecimal(nil, d)) }

// appendDecimal appends d.String() to b, from an int64 coefficient when d
// has one, which a mean of MonetaryScale places nearly always has, instead
// of through math/big.
func appendDecimal(b []byte, d decimal.Decimal) []byte {
	scale := -int(d.Exponent())
	if scale < 0 || scale > 18 || d.NumDigits() > 18 {
		return append(b, d.String()...)
	}
	c := d.CoefficientInt64()
	if c < 0 {
		b, c = append(b, '-'), -c
	}
	var digits [20]byte
	ds := strconv.AppendInt(digits[:0], c, 10)
	zeros := scale - len(ds) // after the point, before the digits
	if zeros < 0 {
		b = append(b, ds[:-zeros]...)
		ds, zeros = ds[-zeros:], 0
	} else {
		b = append(b, '0')
	}
	if frac := bytes.TrimRight(ds, "0"); len(frac) > 0 {
		b = append(b, '.')
		for range zeros {
			b = append(b, '0')
		}
		b = append(b, frac...)
	}
	return b
}
