package clv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

// recordsOf reads in with CSVRecords (fast) or encoding/csv and
// ReadCSVHeader (slow): the header's error or columns, then each record
// with its line, then the final error.
func recordsOf(in string, required []string, fast bool) []string {
	var out []string
	var next func() ([]string, int, error)
	var h CSVHeader
	var err error
	if fast {
		r := NewCSVRecords(strings.NewReader(in), ',')
		h, err = r.Header(required...)
		next = func() ([]string, int, error) {
			rec, err := r.Next()
			fields := make([]string, len(rec))
			for i, f := range rec {
				fields[i] = string(f)
			}
			return fields, r.Line(), err
		}
	} else {
		cr := csv.NewReader(strings.NewReader(in))
		cr.FieldsPerRecord = -1
		h, err = ReadCSVHeader(cr, required...)
		next = func() ([]string, int, error) {
			rec, err := cr.Read()
			line := 0
			if err == nil {
				line, _ = cr.FieldPos(0)
			}
			return rec, line, err
		}
	}
	if err != nil {
		return []string{"header: " + err.Error()}
	}
	for _, c := range required {
		i, ok := h.Index(c)
		out = append(out, fmt.Sprint(c, i, ok))
	}
	for {
		rec, line, err := next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				out = append(out, "error: "+err.Error())
			}
			return out
		}
		out = append(out, fmt.Sprintf("%d %q", line, rec))
	}
}

func checkRecords(t *testing.T, in string, required ...string) {
	t.Helper()
	got, want := recordsOf(in, required, true), recordsOf(in, required, false)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%q:\ngot  %q\nwant %q", in, got, want)
	}
}

func TestCSVRecordsMatchEncodingCSV(t *testing.T) {
	for _, in := range []string{
		"", "\n", "id,T\n", "\ufeff id ,T\n1,2\n", "T\n1\n\n2\r\n", "id,T\n\"a,b\",1\n\"x\ny\",2\n3",
		"id\n1\n", "id,T\n1,2,3\n4\n", `id,T` + "\n" + `"a"b,1` + "\n", "id,id,T\n1,2,3\n",
	} {
		checkRecords(t, in, "id", "T")
	}
}

// FuzzCSVRecords: CSVRecords reads any input as ReadCSVHeader and
// encoding/csv do — the same header, records, lines and errors.
func FuzzCSVRecords(f *testing.F) {
	f.Add("frequency,recency,T\n0,0,3\n\"1\",2,5\r\n")
	f.Add("\ufeffT\n\"1\n2\",x\n")
	f.Fuzz(func(t *testing.T, in string) {
		checkRecords(t, in, "T")
	})
}

// TestCSVNilAndZeroValues: readers made from a nil io.Reader, and nil or
// zero readers, blocks and summarizer inputs, answer with errors (or
// nothing), never a panic.
func TestCSVNilAndZeroValues(t *testing.T) {
	if _, err := NewCSVRecords(nil, ',').Next(); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("records of a nil io.Reader: %v", err)
	}
	if _, err := NewCSVReader(nil, CSVOptions{Customer: "id", Time: "t"}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("a CSVReader of a nil io.Reader: %v", err)
	}
	for name, r := range map[string]*CSVRecords{"nil": nil, "zero": {}} {
		if _, err := r.Next(); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s CSVRecords Next: %v", name, err)
		}
		if _, err := r.Header("id"); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s CSVRecords Header: %v", name, err)
		}
		b := CSVBlock{Data: []byte("stale\n"), Line: 9}
		if r.NextBlock(&b, 100); len(b.Data) != 0 || b.Line != 0 {
			t.Errorf("%s CSVRecords NextBlock left %q at line %d", name, b.Data, b.Line)
		}
		r.NextBlock(nil, 100)
		if r.Line() != 0 {
			t.Errorf("%s CSVRecords Line: %d", name, r.Line())
		}
	}
	var nilBlock *CSVBlock
	for range nilBlock.All() {
		t.Error("a nil block yields records")
	}
	own := CSVBlock{Data: []byte("a,b\n\nc\r\n"), Line: 7}
	var got []string
	for line, rec := range own.All() {
		got = append(got, fmt.Sprintf("%d %q", line, rec))
	}
	if want := []string{`7 ["a" "b"]`, `9 ["c"]`}; !slices.Equal(got, want) {
		t.Errorf("a block of the caller's own: %q, want %q", got, want)
	}
	s, err := NewSummarizer(SummaryOptions{End: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*CSVReader{"nil": nil, "zero": {}} {
		if _, err := r.Read(); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s CSVReader Read: %v", name, err)
		}
		if _, err := r.ReadPurchase(); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s CSVReader ReadPurchase: %v", name, err)
		}
		for range r.Transactions() {
			t.Errorf("%s CSVReader yields transactions", name)
		}
		for range r.Purchases() {
			t.Errorf("%s CSVReader yields purchases", name)
		}
		if err := r.Err(); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s CSVReader Err: %v", name, err)
		}
		if r.Skipped() != 0 {
			t.Errorf("%s CSVReader Skipped: %d", name, r.Skipped())
		}
		if err := s.AddCSV(r); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("AddCSV of a %s CSVReader: %v", name, err)
		}
	}
	if s.Len() != 0 {
		t.Errorf("%d customers from nothing", s.Len())
	}
}
