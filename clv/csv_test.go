package clv

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestCSVReader(t *testing.T) {
	in := "\ufeffdate,cust,amount\n2024-01-02,0007,12.50\n2024-01-03T10:00:00+02:00, 0007 ,3\n"
	r, err := NewCSVReader(strings.NewReader(in), CSVOptions{Customer: "cust", Time: "date", Amount: "amount"})
	if err != nil {
		t.Fatal(err)
	}
	var got []Transaction
	for tr := range r.Transactions() {
		got = append(got, tr)
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	want := []Transaction{
		{Customer: "0007", Time: day("2024-01-02"), Amount: decimal.RequireFromString("12.5")},
		{Customer: "0007", Time: time.Date(2024, 1, 3, 8, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(3)},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d transactions, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Customer != want[i].Customer || !got[i].Time.Equal(want[i].Time) || !got[i].Amount.Equal(want[i].Amount) {
			t.Errorf("row %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestCSVReaderErrors(t *testing.T) {
	opts := CSVOptions{Customer: "id", Time: "t", Amount: "amt"}
	for _, tc := range []struct {
		name, in string
		row      int
		column   string
	}{
		{"missing column", "id,t\n1,2024-01-01\n", 1, ""},
		{"empty input", "", 1, ""},
		{"empty id", "id,t,amt\n1,2024-01-01,1\n,2024-01-01,1\n", 3, "id"},
		{"bad time", "id,t,amt\n1,01/02/2024,1\n", 2, "t"},
		{"bad amount", "id,t,amt\n1,2024-01-01,1\n1,2024-01-02,abc\n", 3, "amt"},
		{"negative amount", "id,t,amt\n1,2024-01-01,-4\n", 2, "amt"},
		{"short row", "id,t,amt\n1,2024-01-01\n", 2, "amt"},
		{"bad quote", "id,t,amt\n1,2024-01-01,1\n\"1,2024-01-01,1\n", 3, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := readAll(tc.in, opts)
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalidCSV) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.Row != tc.row || pe.Column != tc.column {
				t.Errorf("error at row %d column %q, want row %d column %q (%v)", pe.Row, pe.Column, tc.row, tc.column, err)
			}
		})
	}
}

func TestCSVSkipNegative(t *testing.T) {
	r, err := NewCSVReader(strings.NewReader("id,t,amt\n1,2024-01-01,-4\n1,2024-01-02,4\n"),
		CSVOptions{Customer: "id", Time: "t", Amount: "amt", SkipNegative: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range r.Transactions() {
		n++
	}
	if r.Err() != nil || n != 1 || r.Skipped() != 1 {
		t.Errorf("got %d transactions, %d skipped, err %v; want 1, 1, nil", n, r.Skipped(), r.Err())
	}
}

func readAll(in string, opts CSVOptions) error {
	r, err := NewCSVReader(strings.NewReader(in), opts)
	if err != nil {
		return err
	}
	for {
		_, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func FuzzCSVReader(f *testing.F) {
	f.Add("id,t,amt\n1,2024-01-01,1.5\n2,2024-01-02T00:00:00Z,0\n")
	f.Add("id,t,amt\n,,\n")
	f.Add("id,t,amt\n\"x\",2024-13-01,1e400\n")
	f.Add("t,id\n2024-01-01,a\n")
	f.Fuzz(func(t *testing.T, in string) {
		r, err := NewCSVReader(strings.NewReader(in), CSVOptions{Customer: "id", Time: "t", Amount: "amt"})
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Row < 1 {
				t.Fatalf("header error without a row: %v", err)
			}
			return
		}
		s, _ := NewSummarizer(SummaryOptions{End: day("2030-01-01")})
		for i := 0; i < 1000; i++ {
			tr, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Row < 2 || !strings.Contains(err.Error(), "row ") {
					t.Fatalf("error without a row: %v", err)
				}
				if pe.Column == "" { // a malformed record ends the input
					break
				}
				continue
			}
			if err := tr.Validate(); err != nil {
				t.Fatalf("reader returned an invalid transaction: %v", err)
			}
			if err := s.Add(tr); err != nil && !errors.Is(err, ErrInvalidTransaction) {
				t.Fatalf("unexpected error kind: %v", err)
			}
		}
		for _, sm := range s.Summaries() {
			if err := sm.Validate(); err != nil {
				t.Fatalf("summary of fuzzed input is invalid: %v", err)
			}
		}
	})
}

func TestCSVPurchases(t *testing.T) {
	in := "id,t,amt,sku,via\na,2024-01-01,5,\"kit, large\",web\nb,2024-01-02,3,,\n"
	r, err := NewCSVReader(strings.NewReader(in), CSVOptions{Customer: "id", Time: "t", Amount: "amt", Product: "sku", Channel: "via"})
	if err != nil {
		t.Fatal(err)
	}
	var got []Purchase
	for p := range r.Purchases() {
		got = append(got, p)
	}
	if r.Err() != nil || len(got) != 2 || got[0].Product != "kit, large" || got[0].Channel != "web" || got[1].Product != "" {
		t.Errorf("purchases %+v, err %v", got, r.Err())
	}
	if _, err := NewCSVReader(strings.NewReader(in), CSVOptions{Customer: "id", Time: "t", Channel: "nope"}); err == nil {
		t.Error("missing channel column accepted")
	}
}

func TestCSVHeader(t *testing.T) {
	cr := csv.NewReader(strings.NewReader("\ufeff id , x,id\n 7 ,2\n"))
	cr.FieldsPerRecord = -1
	h, err := ReadCSVHeader(cr, "id", "x")
	if err != nil {
		t.Fatal(err)
	}
	if i, ok := h.Index("id"); !ok || i != 0 {
		t.Errorf("Index(id) = %d, %v; want the first of two, 0", i, ok)
	}
	rec, _ := cr.Read()
	if v, err := h.Field(rec, 2, "id"); err != nil || v != "7" {
		t.Errorf("Field(id) = %q, %v", v, err)
	}
	var pe *ParseError
	if _, err := h.Field([]string{"7"}, 3, "x"); !errors.As(err, &pe) || pe.Row != 3 || pe.Column != "x" {
		t.Errorf("short record: %v", err)
	}
	for in, want := range map[string]string{"": "empty input", "id\n": `missing column "x" (header has id)`} {
		_, err := ReadCSVHeader(csv.NewReader(strings.NewReader(in)), "id", "x")
		if !errors.As(err, &pe) || pe.Row != 1 || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrInvalidCSV) {
			t.Errorf("header %q: %v, want row 1: %s", in, err, want)
		}
	}
}
