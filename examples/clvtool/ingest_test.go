package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
)

// TestPropReadPatterns: streaming a summary table into patterns gives the
// patterns of every row compressed at once — the same weights to the bit,
// added in the same order — with zero weights dropped, and fails where
// reading every row fails; with and without weight and id columns, over
// several batches, with a bad row anywhere.
func TestPropReadPatterns(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		weights, ids := rapid.Bool().Draw(t, "weights"), rapid.Bool().Draw(t, "ids")
		var b strings.Builder
		b.WriteString("frequency,recency,T")
		if ids {
			b.WriteString(",id")
		}
		if weights {
			b.WriteString(",weight")
		}
		b.WriteString("\n")
		n := rapid.IntRange(0, 60).Draw(t, "rows")
		if rapid.Bool().Draw(t, "long") {
			n = rapid.IntRange(batchRows, 3*batchRows).Draw(t, "long rows")
		}
		bad := rapid.IntRange(-1, n).Draw(t, "bad row") // −1: none
		for i := range n {
			x := rapid.IntRange(0, 3).Draw(t, "x")
			tx := rapid.SampledFrom([]string{"0", "-0", "0.0"}).Draw(t, "tx of 0") // −0 and +0: one pattern
			if x > 0 {
				tx = rapid.SampledFrom([]string{"0.5", "1.25", "3"}).Draw(t, "tx")
			}
			fmt.Fprintf(&b, "%d,%s,%v", x, tx, rapid.SampledFrom([]float64{3, 4.5}).Draw(t, "T"))
			if i == bad {
				b.WriteString("x")
			}
			if ids {
				fmt.Fprintf(&b, ",c%d", i)
			}
			if weights {
				b.WriteString("," + rapid.SampledFrom([]string{"1", "1", "0.1", "0.2", "0", "2.5", "1e-3", "-1"}).Draw(t, "weight"))
			}
			b.WriteString("\n")
		}
		in := b.String()
		rows, wantErr := readSummaries(strings.NewReader(in), false, nil)
		got, err := readPatterns(strings.NewReader(in))
		if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Fatalf("error %v, want %v", err, wantErr)
		}
		if err != nil {
			return
		}
		// The rows counted one by one: the same patterns in the same
		// order, the same bits.
		var c clv.PatternCounter
		for _, r := range rows {
			if err := c.Add(clv.Pattern{Frequency: r.s.Frequency, Recency: r.s.Recency, T: r.s.T, Weight: r.weight}); err != nil {
				t.Fatal(err)
			}
		}
		want := c.Patterns()
		bits := func(p clv.Pattern) [4]uint64 {
			return [4]uint64{uint64(p.Frequency), math.Float64bits(p.Recency), math.Float64bits(p.T), math.Float64bits(p.Weight)}
		}
		if len(got) != len(want) {
			t.Fatalf("%d patterns streamed, %d counted row by row", len(got), len(want))
		}
		for i := range got {
			if bits(got[i]) != bits(want[i]) {
				t.Fatalf("pattern %d: streamed %+v, counted row by row %+v", i, got[i], want[i])
			}
		}
		all := make([]clv.Pattern, len(rows))
		for i, r := range rows {
			all[i] = clv.Pattern{Frequency: r.s.Frequency, Recency: r.s.Recency, T: r.s.T, Weight: r.weight}
		}
		if diff := cmp.Diff(clv.CompressPatterns(all), clv.CompressPatterns(got)); diff != "" {
			t.Fatalf("patterns (-all rows +streamed):\n%s", diff)
		}
		for _, p := range got {
			if p.Weight == 0 {
				t.Fatalf("pattern %+v of zero weight kept", p)
			}
		}
	})
}

// TestReadPatternsWeightsInRowOrder: with a weight column, weights are
// added row by row even where a whole batch weighs 1 — after a fraction, or
// a weight of 1e16 that 1 + 1 does not move but 2 does.
func TestReadPatternsWeightsInRowOrder(t *testing.T) {
	for _, first := range []string{"1.025119022210379", "1e16"} {
		var b strings.Builder
		b.WriteString("frequency,recency,T,weight\n1,0.5,3," + first + "\n")
		for range 500 {
			b.WriteString("2,0.5,3,1\n")
		}
		for range 5000 {
			b.WriteString("1,0.5,3,1\n")
		}
		got, err := readPatterns(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		w, err := strconv.ParseFloat(first, 64)
		if err != nil {
			t.Fatal(err)
		}
		for range 5000 {
			w++
		}
		if len(got) != 2 || got[0].Weight != w || got[1].Weight != 500 {
			t.Errorf("first weight %s: patterns %+v, want weights %v and 500", first, got, w)
		}
	}
}

// TestFitStreamedAsBefore: 'clvtool fit' on patterns read as a stream
// prints what a fit of every row compressed at once gives, byte for byte.
func TestFitStreamedAsBefore(t *testing.T) {
	data := summaryTable(20_000)
	got, err := runTool(t, "fit", "-model", "bgnbd", "-unit", "week", "-in", writeFile(t, "s.csv", string(data)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readSummaries(bytes.NewReader(data), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := make([]clv.Pattern, len(rows))
	for i, r := range rows {
		all[i] = clv.Pattern{Frequency: r.s.Frequency, Recency: r.s.Recency, T: r.s.T, Weight: r.weight}
	}
	m, rep, err := clv.FitBGNBD(context.Background(), clv.CompressPatterns(all), clv.FitOptions{Unit: clv.UnitWeek})
	if err != nil {
		t.Fatal(err)
	}
	want, err := clv.MarshalModel(m, &rep)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want)+"\n" {
		t.Errorf("streamed fit\n%s\nwant\n%s", got, want)
	}
}

// eachSummarySerial is eachSummary as a plain loop over the rows: the
// straightforward reading the batched, parallel one must agree with.
func eachSummarySerial(r io.Reader, withMoney, ids bool, cov []string, f func(s clv.Summary, weight float64, z []float64)) error {
	t, sr, err := openSummaries(r, withMoney, ids, cov)
	if err != nil {
		return err
	}
	for i := 0; ; i++ {
		if ok, err := t.next(); !ok {
			if err == nil && i == 0 {
				err = errors.New("no data rows")
			}
			return err
		}
		b := &rowBatch{lines: []int{t.line}}
		sr.parse(t, b)
		s, w, z, err := sr.finish(b, 0, i)
		if err != nil {
			return err
		}
		f(s, w, z)
	}
}

// TestPropEachSummaryBatches: reading in parallel batches gives every row,
// in order, and the first error in file order — across batch boundaries,
// with errors of any kind (a duplicate id, a bad number, a short row, a
// malformed quote) anywhere, and lines that blocks of simple lines must
// leave to the CSV reader (quoted fields) or read as it does (CRLF, empty
// lines, a byte-order mark, no final newline).
func TestPropEachSummaryBatches(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 3*batchRows).Draw(t, "rows")
		bad := rapid.IntRange(-1, n).Draw(t, "bad row")
		kind := rapid.IntRange(0, 4).Draw(t, "kind")
		withID := rapid.Bool().Draw(t, "id column")
		// Every odd line of one in every (1 + k): CRLF, an empty line, a
		// quoted field.
		crlf, empty, quoted := rapid.IntRange(0, 50).Draw(t, "crlf"), rapid.IntRange(0, 50).Draw(t, "empty"), rapid.IntRange(0, 2000).Draw(t, "quoted")
		var b strings.Builder
		if rapid.Bool().Draw(t, "bom") {
			b.WriteString("\ufeff")
		}
		if withID {
			b.WriteString("id,")
		}
		b.WriteString("frequency,recency,T,z\n")
		for i := range n {
			id := fmt.Sprintf("c%d,", i)
			if quoted > 0 && i%quoted == quoted/2 {
				id = fmt.Sprintf("\"c%d\",", i)
			}
			end := "\n"
			if crlf > 0 && i%crlf == 1 {
				end = "\r\n"
			}
			if empty > 0 && i%empty == 1 {
				end += "\n"
			}
			if i == n-1 && rapid.Bool().Draw(t, "no final newline") {
				end = ""
			}
			row := fmt.Sprintf("%d,%d,%d,%d%s", i%3, i%3, 5, i%7-3, end)
			if i == bad {
				switch kind {
				case 0:
					id = "c0,"
				case 1:
					row = "1,x,5,0" + end
				case 2:
					row = "1" + end
				case 3:
					row = "1,\"2,5,0" + end
				case 4:
					row = "3,2,1,0" + end // recency beyond T
				}
			}
			if withID {
				b.WriteString(id)
			}
			b.WriteString(row)
		}
		checkBatches(t, b.String(), false, []string{"z"})
	})
}

// checkBatches fails t unless eachSummary and eachSummarySerial hand over
// the same rows of in, up to the same first error.
func checkBatches(t interface{ Fatalf(string, ...any) }, in string, withMoney bool, cov []string) {
	for _, ids := range []bool{true, false} {
		checkBatchesIDs(t, in, withMoney, ids, cov)
	}
}

func checkBatchesIDs(t interface{ Fatalf(string, ...any) }, in string, withMoney, ids bool, cov []string) {
	type got struct {
		ids []string
		err string
	}
	collect := func(each func(io.Reader, bool, bool, []string, func(clv.Summary, float64, []float64)) error) got {
		var g got
		err := each(strings.NewReader(in), withMoney, ids, cov, func(s clv.Summary, w float64, z []float64) {
			g.ids = append(g.ids, fmt.Sprint(s.ID, s.Frequency, s.Recency, s.T, s.MonetaryValue, w, z))
		})
		if err != nil {
			g.err = err.Error()
		}
		return g
	}
	a, want := collect(eachSummary), collect(eachSummarySerial)
	if a.err != want.err || !slices.Equal(a.ids, want.ids) {
		t.Fatalf("error %q after %d rows, want %q after %d", a.err, len(a.ids), want.err, len(want.ids))
	}
}

// FuzzEachSummaryBatches: the parallel reading of summary tables agrees
// with a plain loop over the CSV reader's records on any input.
func FuzzEachSummaryBatches(f *testing.F) {
	f.Add("frequency,recency,T\n0,0,1\r\n\n1,\"1\",2\n\"2\n\",1,3\n3,1,2")
	f.Add("\ufeffid,frequency,recency,T,weight\na,1,1,2,0.5\r\n\r\nb,0,0,1,2\r")
	f.Add("frequency,recency,T,monetary_value,z\n1,1,2,3.50,-1\n0,0,1,0,2e3\n2,1,1,x,0")
	f.Fuzz(func(t *testing.T, in string) {
		for _, money := range []bool{false, true} {
			checkBatches(t, in, money, nil)
			checkBatches(t, in, money, []string{"z"})
		}
	})
}
