package clv

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// scanAll reads every record of in with a csvScanner (or, slow, with
// encoding/csv as CSVReader used to), one line per record or error:
// "line 3: [a b]" or "error: …". src wraps the input reader, to vary how
// the input arrives.
func scanAll(in string, comma rune, slow bool, src func(io.Reader) io.Reader) []string {
	var out []string
	add := func(rec []string, line int, err error) bool {
		switch {
		case errors.Is(err, io.EOF):
			return false
		case err != nil:
			out = append(out, "error: "+err.Error())
		default:
			out = append(out, fmt.Sprintf("line %d: %q", line, rec))
		}
		return len(out) < 1000
	}
	if slow {
		cr := csv.NewReader(src(strings.NewReader(in)))
		cr.Comma, cr.FieldsPerRecord, cr.ReuseRecord = comma, -1, true
		for {
			rec, err := cr.Read()
			line := 0
			if err == nil {
				line, _ = cr.FieldPos(0)
			}
			if !add(rec, line, err) {
				return out
			}
		}
	}
	sc := newCSVScanner(src(strings.NewReader(in)), comma)
	for {
		err := sc.next()
		var rec []string
		for _, f := range sc.fields {
			rec = append(rec, string(f))
		}
		if !add(rec, sc.row, err) {
			return out
		}
	}
}

// blockAll reads in as scanAll does, through CSVRecords' blocks of
// simple lines (of at most max bytes) where it has them and Next where it
// has not.
func blockAll(in string, comma rune, max int, src func(io.Reader) io.Reader) []string {
	var out []string
	r := NewCSVRecords(src(strings.NewReader(in)), comma)
	var b CSVBlock
	for len(out) < 1000 {
		if r.NextBlock(&b, max); len(b.Data) > 0 {
			for line, fields := range b.All() {
				var rec []string
				for _, f := range fields {
					rec = append(rec, string(f))
				}
				if out = append(out, fmt.Sprintf("line %d: %q", line, rec)); len(out) == 1000 {
					return out // where scanAll stops
				}
			}
			continue
		}
		rec, err := r.Next()
		switch {
		case errors.Is(err, io.EOF):
			return out
		case err != nil:
			out = append(out, "error: "+err.Error()) // and on, as scanAll goes on
			continue
		}
		var fields []string
		for _, f := range rec {
			fields = append(fields, string(f))
		}
		out = append(out, fmt.Sprintf("line %d: %q", r.Line(), fields))
	}
	return out
}

var scannerCommas = []rune{',', ';', '\t', '|', '§'}

func checkScanner(t *testing.T, in string, comma rune) {
	want := scanAll(in, comma, true, func(r io.Reader) io.Reader { return r })
	for name, src := range map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
	} {
		if got := scanAll(in, comma, false, src); !slices.Equal(got, want) {
			t.Fatalf("comma %q, input read %s, %q:\ngot  %q\nwant %q", comma, name, in, got, want)
		}
		for _, max := range []int{-1, 0, 1, 7, 1 << 20} {
			if got := blockAll(in, comma, max, src); !slices.Equal(got, want) {
				t.Fatalf("blocks of %d bytes, comma %q, input read %s, %q:\ngot  %q\nwant %q", max, comma, name, in, got, want)
			}
		}
	}
	// An input that fails part way: blocks and Next read it alike (how
	// both differ from encoding/csv after a read error is the scanner's
	// own, and not compared here).
	for _, n := range []int{len(in) / 2, len(in) - 1} {
		fail := func(r io.Reader) io.Reader { return &failingReader{r: r, n: n} }
		want := scanAll(in, comma, false, fail)
		for _, max := range []int{1, 1 << 20} {
			if got := blockAll(in, comma, max, fail); !slices.Equal(got, want) {
				t.Fatalf("blocks of %d bytes, comma %q, input failing after %d bytes, %q:\ngot  %q\nwant %q", max, comma, n, in, got, want)
			}
		}
	}
}

// failingReader gives the first n bytes of r, at most three a read, then
// fails every read.
type failingReader struct {
	r io.Reader
	n int
}

var errDiskOnFire = errors.New("disk on fire")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errDiskOnFire
	}
	k, err := f.r.Read(p[:min(len(p), 3, f.n)])
	f.n -= k
	return k, err
}

func TestCSVScannerMatchesEncodingCSV(t *testing.T) {
	for _, in := range []string{
		"", "\n", "\r\n", "a", "a\n", "a\r\n", "a\r", "\r", "a\rb\n", "a,b\n\nc,d\n", "\n\n\na\n",
		`"a,b",c` + "\n", `"a""b",c`, "\"a\nb\",c\nd\n", "\"a\r\nb\",c\r\n", `a"b,c`, `"a"b,c`, `"abc`,
		"\ufeffid,t\n1,2\n", ",,\n", "a,\n", "x\n\"y\n", "a;b,c\n", "a\tb\n", "a§b\n", "\"\"\n", "\"\n\n\"\n",
		strings.Repeat("x", 70000) + ",y\nz\n", "a,b\r\n\r\nc,\"d\r\ne\"\r\n",
		"a\n\n\nb\r\n\r\n\r\nc", "\r\na\n", "a,b\nc\r\nd\re\nf\n", "a\nb\"\nc\n", "1,2\n3,4\n\"5\",6\n7,8\n9\r",
		// Quoted fields as programs that quote everything write them, and
		// the quotes the fast path must leave to encoding/csv.
		"\"C1\",\"2023-01-01\",\"2.75\"\r\n\"C2\",\"\",x\n", "\"a,b\",\"\"\n\"\",\n", "\"a\",\n,\"b\"", "\"a\"\"b\",c\n",
		"\"a\"b,c\n", " \"a\",b\n", "\"a\" ,b\n", "\"a\r\",b\n", "\"a\rb\",c\n", "\"\xff\xfe\",\"é\"\n", "\"a;b\";\"c\"\n", "\"a\tb\"\t\"\"\n",
	} {
		for _, comma := range scannerCommas {
			checkScanner(t, in, comma)
		}
	}
}

// FuzzCSVScanner checks that the scanner reads any input as encoding/csv
// does: the same records, lines and errors, however the input arrives.
func FuzzCSVScanner(f *testing.F) {
	f.Add("id,t,amt\n1,2024-01-01,1.5\r\n\n\"a,\"\"b\"\"\nc\",2,3\n", uint8(0))
	f.Add("a\"b\n\"x\ny", uint8(1))
	f.Add("a§\"b§\"\nc\r", uint8(4))
	f.Add("\"C1\",\"2023-01-01\",\"2.75\"\n\"a,b\",\"\",\n\"x\"\"y\",z\r\n", uint8(0))
	f.Fuzz(func(t *testing.T, in string, c uint8) {
		checkScanner(t, in, scannerCommas[int(c)%len(scannerCommas)])
	})
}

// The straightforward reader the fast paths must agree with: encoding/csv,
// time.ParseInLocation with an RFC 3339 fallback and decimal.NewFromString,
// as CSVReader was written before it had fast paths.

// slowRead reads every purchase of in up to the first error.
func slowRead(in string, opts CSVOptions) (ps []Purchase, skipped int, err error) {
	cr := csv.NewReader(strings.NewReader(in))
	cr.ReuseRecord, cr.FieldsPerRecord = true, -1
	if opts.Comma != 0 {
		cr.Comma = opts.Comma
	}
	loc, layout := cmp.Or(opts.Location, time.UTC), cmp.Or(opts.TimeLayout, time.DateOnly)
	cols := []string{opts.Customer, opts.Time, opts.Amount, opts.Product, opts.Category, opts.Channel}
	var required []string
	for _, c := range cols {
		if c != "" {
			required = append(required, c)
		}
	}
	h, err := ReadCSVHeader(cr, required...)
	if err != nil {
		return nil, 0, err
	}
	row := 1
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return ps, skipped, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return ps, skipped, &ParseError{Row: pe.Line, Err: err}
			}
			return ps, skipped, &ParseError{Row: row + 1, Err: err}
		}
		row, _ = cr.FieldPos(0)
		field := func(col string) (string, error) {
			v, err := h.Field(rec, row, col)
			if err == nil && v == "" {
				err = &ParseError{Row: row, Column: col, Err: errors.New("empty value")}
			}
			return v, err
		}
		id, err := field(opts.Customer)
		if err != nil {
			return ps, skipped, err
		}
		ts, err := field(opts.Time)
		if err != nil {
			return ps, skipped, err
		}
		when, err := time.ParseInLocation(layout, ts, loc)
		if err != nil {
			if when, err = time.Parse(time.RFC3339Nano, ts); err != nil {
				return ps, skipped, &ParseError{Row: row, Column: opts.Time, Value: ts,
					Err: fmt.Errorf("not a time in layout %q or RFC 3339", layout)}
			}
		}
		if when.IsZero() {
			return ps, skipped, &ParseError{Row: row, Column: opts.Time, Value: ts,
				Err: errors.New("the zero time (0001-01-01T00:00:00Z) is not a purchase time")}
		}
		var amount string
		if opts.Amount != "" {
			if amount, err = field(opts.Amount); err != nil {
				return ps, skipped, err
			}
		}
		var vals [6]string // product, category, channel at 3, 4, 5; empty when the row is short
		for i, c := range cols[3:] {
			if c != "" {
				vals[3+i], _ = h.Field(rec, row, c)
			}
		}
		p := Purchase{Transaction: Transaction{Customer: id, Time: when}, Product: vals[3], Category: vals[4], Channel: vals[5]}
		if as := amount; opts.Amount != "" {
			if len(as) > MaxNumberLength {
				return ps, skipped, &ParseError{Row: row, Column: opts.Amount, Value: as,
					Err: fmt.Errorf("a number of %d characters (at most %d)", len(as), MaxNumberLength)}
			}
			if p.Amount, err = decimal.NewFromString(as); err != nil {
				return ps, skipped, &ParseError{Row: row, Column: opts.Amount, Value: as, Err: errors.New("not a decimal number")}
			}
			if p.Amount.Sign() < 0 {
				if opts.SkipNegative {
					skipped++
					continue
				}
				return ps, skipped, &ParseError{Row: row, Column: opts.Amount, Value: as,
					Err: errors.New("negative amount (a refund; set SkipNegative to drop refunds)")}
			}
		}
		ps = append(ps, p)
	}
}

// genCSVLog draws a transaction log as a program or a person might write
// one: columns in any order with extra ones, any delimiter, quoted fields
// with delimiters, quotes and newlines inside, a byte-order mark, CRLF,
// blank lines, short rows, times in the layout or in RFC 3339 with offsets,
// amounts of up to 70 characters in every form decimal.NewFromString
// knows, negative amounts and invalid values.
func genCSVLog(t *rapid.T) (string, CSVOptions) {
	opts := CSVOptions{Customer: "cust", Time: "t", SkipNegative: rapid.Bool().Draw(t, "skipNegative")}
	cols := []string{"cust", "t", "sku", "note"}
	if rapid.IntRange(0, 4).Draw(t, "amounts") > 0 {
		opts.Amount = "amt"
		cols = append(cols, "amt")
	}
	if rapid.Bool().Draw(t, "product") {
		opts.Product = "sku"
	}
	cols = rapid.Permutation(cols).Draw(t, "columns")
	opts.Comma = rapid.SampledFrom([]rune{',', ',', ';', '\t', '|', '§'}).Draw(t, "comma")
	switch rapid.IntRange(0, 3).Draw(t, "layout") {
	case 1:
		opts.TimeLayout = "02/01/2006 15:04"
	case 2:
		opts.TimeLayout = time.RFC3339
	}
	if rapid.Bool().Draw(t, "zone") {
		loc, err := time.LoadLocation(rapid.SampledFrom([]string{"America/New_York", "Asia/Kolkata", "Pacific/Apia", "Europe/London"}).Draw(t, "loc"))
		if err != nil {
			t.Fatal(err)
		}
		opts.Location = loc
	}
	nl := rapid.SampledFrom([]string{"\n", "\r\n"}).Draw(t, "newline")
	field := func(v string) string {
		if strings.ContainsAny(v, string(opts.Comma)+"\"\r\n") || rapid.IntRange(0, 9).Draw(t, "quote") == 0 {
			return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
		}
		return v
	}
	var b strings.Builder
	if rapid.IntRange(0, 3).Draw(t, "bom") == 0 {
		b.WriteString("\ufeff")
	}
	for i, c := range cols {
		if i > 0 {
			b.WriteRune(opts.Comma)
		}
		b.WriteString(c)
	}
	b.WriteString(nl)
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	// Most logs are valid; the others have an invalid value in one row of
	// oddRate on average.
	oddRate := rapid.SampledFrom([]int{0, 0, 0, 200, 50}).Draw(t, "oddRate")
	oddRand := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "oddSeed"), 0)) // rapid would draw 1 in 1..n far more often than 1/n
	odd := func() bool { return oddRate > 0 && oddRand.IntN(oddRate) == 0 }
	rows := rapid.IntRange(0, 40).Draw(t, "rows")
	for row := range rows {
		if rapid.IntRange(0, 9).Draw(t, "blank") == 0 {
			b.WriteString(nl)
		}
		n := len(cols)
		if odd() {
			n = rapid.IntRange(1, n).Draw(t, "fields")
		}
		for i, c := range cols[:n] {
			if i > 0 {
				b.WriteRune(opts.Comma)
			}
			var v string
			switch c {
			case "cust":
				v = rapid.SampledFrom([]string{"a", "b", "0007", " 0007 ", "Ω", "x,y", "q\"t", "two\nlines", "x;y|z",
					"a-customer-id-longer-than-23-bytes"}).Draw(t, "id")
				if odd() {
					v = ""
				}
			case "t":
				v = genTime(t, base, opts.TimeLayout, odd())
			case "amt":
				v = genAmount(t, odd())
			default:
				v = rapid.SampledFrom([]string{"", "kit", "kit, large", " spaced "}).Draw(t, "extra")
			}
			b.WriteString(field(v))
		}
		if row < rows-1 || rapid.IntRange(0, 3).Draw(t, "last") > 0 {
			b.WriteString(nl)
		}
	}
	return b.String(), opts
}

// genTime draws a time in layout, in RFC 3339 with an offset, or when odd
// something else: invalid dates, the zero time, spaces, the last day.
func genTime(t *rapid.T, base time.Time, layout string, odd bool) string {
	when := base.Add(time.Duration(rapid.IntRange(0, 500*24*4).Draw(t, "quarterHours")) * 15 * time.Minute)
	switch {
	case odd:
		return rapid.SampledFrom([]string{"2024-02-30", "2024-13-01", "01/02/2024", "0001-01-01", "0001-01-01T00:00:00Z",
			" 2024-03-05 ", "2024-03-05x", "2024-3-5", "9999-12-31", "0000-01-01"}).Draw(t, "oddTime")
	case rapid.IntRange(0, 4).Draw(t, "rfc3339") == 0:
		zone := time.FixedZone("", rapid.IntRange(-14*4, 14*4).Draw(t, "offset")*15*60)
		return when.In(zone).Format(rapid.SampledFrom([]string{time.RFC3339, time.RFC3339Nano}).Draw(t, "rfc"))
	}
	return when.Format(cmp.Or(layout, time.DateOnly))
}

// genAmount draws a decimal amount of up to 70 characters, signed or not,
// with or without a point, or when odd a value decimal.NewFromString reads
// otherwise or refuses.
func genAmount(t *rapid.T, odd bool) string {
	if odd {
		return rapid.SampledFrom([]string{"", "-", ".", "1e2", "1E-3", "−5", "1.2.3", "abc", "+.5", "5.", "-0", "-0.00",
			"0x10", " 7 ", "1_000", "123456789012345678", "1234567890123456789", "-9223372036854775808", "1e99999",
			"-1", "-12.50"}).Draw(t, "oddAmount")
	}
	s := rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), 0, 40, -1).Draw(t, "int")
	point := s == "" || rapid.Bool().Draw(t, "point")
	s = rapid.SampledFrom([]string{"", "", "", "+"}).Draw(t, "sign") + s
	if point {
		s += "." + rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), 1, 30, -1).Draw(t, "frac")
	}
	return s
}

// fastRead reads in with CSVReader.ReadPurchase up to the first error.
func fastRead(in string, opts CSVOptions, src func(io.Reader) io.Reader) ([]Purchase, int, error) {
	r, err := NewCSVReader(src(strings.NewReader(in)), opts)
	if err != nil {
		return nil, 0, err
	}
	var ps []Purchase
	for {
		p, err := r.ReadPurchase()
		if err == io.EOF {
			return ps, r.Skipped(), nil
		}
		if err != nil {
			return ps, r.Skipped(), err
		}
		ps = append(ps, p)
	}
}

// sameError reports whether two errors say the same thing, and for a
// *ParseError, name the same row, column and value.
func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	var pa, pb *ParseError
	if errors.As(a, &pa) != errors.As(b, &pb) {
		return false
	}
	if pa != nil && (pa.Row != pb.Row || pa.Column != pb.Column || pa.Value != pb.Value) {
		return false
	}
	return a.Error() == b.Error()
}

var cmpPurchase = gocmp.Options{
	gocmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) && a.Exponent() == b.Exponent() }),
	gocmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) && a.Location().String() == b.Location().String() }),
}

// TestPropCSVReaderMatchesSlowPath: CSVReader reads every log as the
// straightforward reader does — the same purchases (amounts with the same
// coefficient and exponent, times in the same zone), the same count of
// skipped refunds, the same first error — however the input arrives.
func TestPropCSVReaderMatchesSlowPath(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in, opts := genCSVLog(t)
		want, wantSkipped, wantErr := slowRead(in, opts)
		src := rapid.SampledFrom([]func(io.Reader) io.Reader{
			func(r io.Reader) io.Reader { return r }, iotest.OneByteReader, iotest.HalfReader, iotest.DataErrReader,
		}).Draw(t, "source")
		got, gotSkipped, gotErr := fastRead(in, opts, src)
		if !sameError(gotErr, wantErr) {
			t.Fatalf("error %v, want %v", gotErr, wantErr)
		}
		if diff := gocmp.Diff(want, got, cmpPurchase); diff != "" || gotSkipped != wantSkipped {
			t.Fatalf("skipped %d, want %d; purchases (-slow +fast):\n%s", gotSkipped, wantSkipped, diff)
		}
	})
}

// TestPropAddCSVMatchesSlowPath: Summarizer.AddCSV gives the state that
// adding the straightforward reader's transactions one by one gives, into
// an empty summarizer or one that already holds transactions, and the same
// first error.
func TestPropAddCSVMatchesSlowPath(t *testing.T) { rapid.Check(t, propAddCSVMatchesSlowPath) }

func propAddCSVMatchesSlowPath(t *rapid.T) {
	in, opts := genCSVLog(t)
	o := genOptions(t)
	o.Location, o.Workers = opts.Location, rapid.IntRange(0, 3).Draw(t, "workers")
	prior := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Transaction {
		return tx(rapid.SampledFrom([]string{"a", "Ω", "z"}).Draw(t, "id"), "2023-06-01", "1.5")
	}), 0, 3).Draw(t, "prior")
	want := summarizeAll(t, prior, o)
	ps, wantSkipped, wantErr := slowRead(in, opts)
	for _, p := range ps {
		if err := want.Add(p.Transaction); err != nil {
			t.Fatal(err)
		}
	}
	got := summarizeAll(t, prior, o)
	r, err := NewCSVReader(strings.NewReader(in), opts)
	if err == nil {
		// Batches of a few rows take every path large logs take.
		err = got.addCSV(r, rapid.SampledFrom([]int{1, 2, 5, 1 << 12}).Draw(t, "firstBatch"))
	}
	if !sameError(err, wantErr) {
		t.Fatalf("error %v, want %v", err, wantErr)
	}
	if r != nil && r.Skipped() != wantSkipped {
		t.Fatalf("skipped %d, want %d", r.Skipped(), wantSkipped)
	}
	checkSameSummarizer(t, got, want)
}

// checkSameSummarizer fails unless got and want give the same summaries,
// split, counts of ignored transactions and customers, to the last bit.
func checkSameSummarizer(t interface{ Fatalf(string, ...any) }, got, want *Summarizer) {
	exact := gocmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })
	if diff := gocmp.Diff(want.Summaries(), got.Summaries(), exact); diff != "" {
		t.Fatalf("summaries (-want +got):\n%s", diff)
	}
	wantSplit, wantErr := want.Split()
	gotSplit, gotErr := got.Split()
	if diff := gocmp.Diff(wantSplit, gotSplit, exact); diff != "" || (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("split error %v, want %v; split (-want +got):\n%s", gotErr, wantErr, diff)
	}
	if got.Len() != want.Len() || got.Ignored() != want.Ignored() || got.IgnoredCustomers() != want.IgnoredCustomers() {
		t.Fatalf("len %d, ignored %d, ignored customers %d; want %d, %d, %d", got.Len(), got.Ignored(),
			got.IgnoredCustomers(), want.Len(), want.Ignored(), want.IgnoredCustomers())
	}
}

// FuzzCSVReaderMatchesSlowPath feeds any input to CSVReader and to the
// straightforward reader, with a few sets of options: both must read the
// same purchases and stop at the same error.
func FuzzCSVReaderMatchesSlowPath(f *testing.F) {
	f.Add("id,t,amt\n1,2024-01-01,1.5\n2,2024-01-02T00:00:00+05:30,-0\r\n\n\"x,y\",2024-02-29,12345678901234567890.5\n", uint8(0))
	f.Add("amt;t;id\n-3;01/02/2024 10:00;a\n1e2;2024-01-01T23:00:00-05:00;b\n", uint8(3))
	f.Add("\ufeffid,t,amt\n\"a\"\"b\",0001-01-01,.5\n", uint8(1))
	f.Fuzz(func(t *testing.T, in string, o uint8) {
		opts := CSVOptions{Customer: "id", Time: "t", Amount: "amt", SkipNegative: o&1 != 0}
		if o&2 != 0 {
			opts.Comma, opts.TimeLayout = ';', "02/01/2006 15:04"
		}
		if o&4 != 0 {
			opts.Location = time.FixedZone("", -5*3600)
		}
		want, wantSkipped, wantErr := slowRead(in, opts)
		got, gotSkipped, gotErr := fastRead(in, opts, func(r io.Reader) io.Reader { return r })
		if !sameError(gotErr, wantErr) {
			t.Fatalf("error %v, want %v", gotErr, wantErr)
		}
		if diff := gocmp.Diff(want, got, cmpPurchase); diff != "" || gotSkipped != wantSkipped {
			t.Fatalf("skipped %d, want %d; purchases (-slow +fast):\n%s", gotSkipped, wantSkipped, diff)
		}
	})
}

// FuzzAddCSVMatchesSlowPath is TestPropAddCSVMatchesSlowPath as a fuzz
// target.
func FuzzAddCSVMatchesSlowPath(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(propAddCSVMatchesSlowPath))
}

// TestAddCSVContinuesAfterBadValue: as with Read, a bad value stops AddCSV
// at its row with every row before it recorded, and the next call goes on
// after it.
func TestAddCSVContinuesAfterBadValue(t *testing.T) {
	in := "id,t,amt\na,2024-01-01,1\nb,2024-01-02,x\nb,2024-01-03,2\nc,2024-01-04,-1\na,2024-01-05,3\n"
	r, err := NewCSVReader(strings.NewReader(in), CSVOptions{Customer: "id", Time: "t", Amount: "amt"})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := NewSummarizer(SummaryOptions{End: day("2024-12-31")})
	var rows []int
	for {
		err := s.AddCSV(r)
		if err == nil {
			break
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("AddCSV: %v, want a *ParseError", err)
		}
		rows = append(rows, pe.Row)
	}
	want, _ := NewSummarizer(SummaryOptions{End: day("2024-12-31")})
	for _, tr := range []Transaction{tx("a", "2024-01-01", "1"), tx("b", "2024-01-03", "2"), tx("a", "2024-01-05", "3")} {
		if err := want.Add(tr); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(rows, []int{3, 5}) {
		t.Errorf("errors at rows %v, want 3 and 5", rows)
	}
	if diff := gocmp.Diff(want.Summaries(), s.Summaries(), cmpSummary); diff != "" {
		t.Errorf("summaries (-want +got):\n%s", diff)
	}
}

// TestAddCSVManyBatches runs AddCSV over enough rows to fill and reuse both
// batches, on one goroutine and on several: the state must be what Add
// gives row by row.
func TestAddCSVManyBatches(t *testing.T) {
	data := timeOrderedLog(100_000, 3_000)
	opts := CSVOptions{Customer: "customer_id", Time: "date", Amount: "amount"}
	for _, workers := range []int{1, 0, 3} {
		o := SummaryOptions{End: day("2024-06-30"), CalibrationEnd: day("2024-01-31"), Unit: UnitWeek, Period: PeriodWeek, Workers: workers}
		ps, _, err := slowRead(string(data), opts)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := NewSummarizer(o)
		for _, p := range ps {
			if err := want.Add(p.Transaction); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := NewSummarizer(o)
		r, err := NewCSVReader(bytes.NewReader(data), opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := got.AddCSV(r); err != nil {
			t.Fatal(err)
		}
		checkSameSummarizer(t, got, want)
	}
}
