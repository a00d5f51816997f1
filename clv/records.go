package clv

import (
	"bytes"
	"io"
	"iter"
)

// CSVRecords reads the records of a CSV input exactly as an encoding/csv
// Reader with FieldsPerRecord −1 (any number of fields), strict quotes and
// no comments reads them — the same fields, line numbers and errors —
// several times faster, and without allocating per record: a line without
// quotes, or with fields quoted whole ("a,b", as programs that quote every
// field write them), is split in place, and any other record is read by
// encoding/csv itself. It is what NewCSVReader reads transaction logs with, for programs
// that read other tables (summaries, cohorts) as fast.
//
// Create one with NewCSVRecords; a CSVRecords is not safe for concurrent
// use.
type CSVRecords struct {
	sc *csvScanner
}

// NewCSVRecords returns a reader of the records of r, whose fields are
// separated by comma (',' for the usual CSV). A delimiter encoding/csv
// refuses ('"', '\r', '\n', an invalid rune) makes Next return its error.
func NewCSVRecords(r io.Reader, comma rune) *CSVRecords {
	return &CSVRecords{sc: newCSVScanner(r, comma)}
}

// Next returns the fields of the next record, valid until the following
// call to Next (copy what you keep). It returns io.EOF at the end of the
// input; otherwise its errors are encoding/csv's: a *csv.ParseError with the
// lines of the whole input, or r's error. Empty lines are skipped, as
// encoding/csv skips them.
func (c *CSVRecords) Next() ([][]byte, error) {
	if c == nil || c.sc == nil {
		return nil, unmade("CSVRecords")
	}
	if err := c.sc.next(); err != nil {
		return nil, err
	}
	return c.sc.fields, nil
}

// Line returns the line (counting from 1) on which the record Next last
// returned starts.
func (c *CSVRecords) Line() int {
	if c == nil || c.sc == nil {
		return 0
	}
	return c.sc.row
}

// Header reads the next record as a header row, as ReadCSVHeader does: every
// required column must be present, and a byte-order mark and the spaces
// around names are ignored.
func (c *CSVRecords) Header(required ...string) (CSVHeader, error) {
	rec, err := c.Next()
	names := make([]string, len(rec))
	for i, f := range rec {
		names[i] = string(f)
	}
	return newCSVHeader(names, err, required)
}

// CSVBlock is a run of whole lines of a CSV input that each split on the
// delimiter into exactly the record Next would read: lines without quotes,
// and without carriage returns but in a final CRLF, as programs write
// nearly every line. A reader fills blocks with NextBlock and hands them to
// other goroutines to split (All) and parse: the reading goroutine does no
// work per record. The zero value is an empty block.
type CSVBlock struct {
	// Data holds the lines, each with its terminator but perhaps the last
	// line of the input; empty lines among them are no records, as Next
	// skips them.
	Data []byte
	// Line is the line of the input (counting from 1) on which Data
	// starts.
	Line  int
	comma byte
}

// NextBlock fills b with the next lines of the input, reusing b.Data's
// memory: the next line if it is simple, then those after it that are
// simple and end within max bytes of the first one's start. It reads from
// the input only while it has no whole line to look at. An empty block
// means: call Next for the next record — quoted, spanning lines, or with a
// carriage return of its own — or for the input's end or its error. Then
// NextBlock may be called again. A max of 0 or less gives one line at a
// time. A nil b is left alone; a nil or zero c empties b (its Next says
// why).
func (c *CSVRecords) NextBlock(b *CSVBlock, max int) {
	if b == nil {
		return
	}
	if c == nil || c.sc == nil {
		*b = CSVBlock{Data: b.Data[:0]}
		return
	}
	b.Line, b.comma = c.sc.line+1, c.sc.comma
	b.Data = c.sc.appendLines(b.Data[:0], max)
}

// All yields the records of b in order: the line each is on, and its
// fields, valid until the next yield. It splits the lines as NextBlock
// vouched for them, on the input's delimiter, looking for no quotes; a
// block NextBlock did not fill is split on ','.
func (b *CSVBlock) All() iter.Seq2[int, [][]byte] {
	return func(yield func(int, [][]byte) bool) {
		if b == nil {
			return
		}
		comma := b.comma
		if comma == 0 {
			comma = ','
		}
		var fields [][]byte
		data, line := b.Data, b.Line
		for len(data) > 0 {
			i := bytes.IndexByte(data, '\n') + 1
			if i == 0 {
				i = len(data)
			}
			fields, _ = splitLine(data[:i], comma, fields[:0], true)
			if len(fields) > 0 && !yield(line, fields) {
				return
			}
			data, line = data[i:], line+1
		}
	}
}
