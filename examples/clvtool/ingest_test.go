package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
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
			tx := 0.0
			if x > 0 {
				tx = rapid.SampledFrom([]float64{0.5, 1.25, 3}).Draw(t, "tx")
			}
			fmt.Fprintf(&b, "%d,%v,%v", x, tx, rapid.SampledFrom([]float64{3, 4.5}).Draw(t, "T"))
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
	req := []string{"frequency", "recency", "T"}
	if withMoney {
		req = append(req, "monetary_value")
	}
	t, err := openTable(r, append(req, cov...)...)
	if err != nil {
		return err
	}
	seen := uniqueIDs{}
	for i := 0; ; i++ {
		if ok, err := t.next(); !ok {
			if err == nil && i == 0 {
				err = errors.New("no data rows")
			}
			return err
		}
		p := parseSummaryRow(t, i, withMoney, ids, cov)
		if p.idErr != nil {
			return p.idErr
		}
		if t.has("id") {
			if err := seen.check(p.s.ID, t.line); err != nil {
				return err
			}
		}
		if p.err != nil {
			return p.err
		}
		f(p.s, p.w, p.z)
	}
}

// TestPropEachSummaryBatches: reading in parallel batches gives every row,
// in order, and the first error in file order — across batch boundaries,
// with errors of any kind (a duplicate id, a bad number, a short row, a
// malformed quote) anywhere.
func TestPropEachSummaryBatches(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 3*batchRows).Draw(t, "rows")
		bad := rapid.IntRange(-1, n).Draw(t, "bad row")
		kind := rapid.IntRange(0, 4).Draw(t, "kind")
		withID := rapid.Bool().Draw(t, "id column")
		var b strings.Builder
		if withID {
			b.WriteString("id,")
		}
		b.WriteString("frequency,recency,T,z\n")
		for i := range n {
			id := fmt.Sprintf("c%d,", i)
			row := fmt.Sprintf("%d,%d,%d,%d\n", i%3, i%3, 5, i%7-3)
			if i == bad {
				switch kind {
				case 0:
					id = "c0,"
				case 1:
					row = "1,x,5,0\n"
				case 2:
					row = "1\n"
				case 3:
					row = "1,\"2,5,0\n"
				case 4:
					row = "3,2,1,0\n" // recency beyond T
				}
			}
			if withID {
				b.WriteString(id)
			}
			b.WriteString(row)
		}
		in := b.String()
		type got struct {
			ids []string
			err string
		}
		collect := func(each func(io.Reader, bool, bool, []string, func(clv.Summary, float64, []float64)) error) got {
			var g got
			err := each(strings.NewReader(in), false, true, []string{"z"}, func(s clv.Summary, _ float64, z []float64) {
				g.ids = append(g.ids, fmt.Sprint(s.ID, s.Frequency, s.Recency, s.T, z))
			})
			if err != nil {
				g.err = err.Error()
			}
			return g
		}
		a, want := collect(eachSummary), collect(eachSummarySerial)
		// The same rows handed over, up to the same first error.
		if a.err != want.err || !slices.Equal(a.ids, want.ids) {
			t.Fatalf("error %q after %d rows, want %q after %d", a.err, len(a.ids), want.err, len(want.ids))
		}
	})
}
