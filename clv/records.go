package clv

import "io"

// CSVRecords reads the records of a CSV input exactly as an encoding/csv
// Reader with FieldsPerRecord −1 (any number of fields), strict quotes and
// no comments reads them — the same fields, line numbers and errors —
// several times faster, and without allocating per record: a line without
// quotes is split in place, and any other record is read by encoding/csv
// itself. It is what NewCSVReader reads transaction logs with, for programs
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
	if err := c.sc.next(); err != nil {
		return nil, err
	}
	return c.sc.fields, nil
}

// Line returns the line (counting from 1) on which the record Next last
// returned starts.
func (c *CSVRecords) Line() int { return c.sc.row }

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
