package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestPropDecimalString: decimalString prints what decimal.String prints.
func TestPropDecimalString(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := decimal.New(rapid.Int64().Draw(t, "c")>>rapid.IntRange(0, 63).Draw(t, "shift"), -int32(rapid.IntRange(-3, 22).Draw(t, "scale")))
		if got, want := decimalString(d), d.String(); got != want {
			t.Fatalf("decimalString(%v) = %q, want %q", d, got, want)
		}
	})
}

// TestPropReadPatterns: streaming a summary table into patterns gives the
// patterns of every row compressed at once — the same weights to the bit,
// added in the same order — with zero weights dropped, and fails where
// reading every row fails.
func TestPropReadPatterns(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var b strings.Builder
		b.WriteString("id,frequency,recency,T,weight\n")
		for i := range rapid.IntRange(0, 60).Draw(t, "rows") {
			x := rapid.IntRange(0, 3).Draw(t, "x")
			tx := 0.0
			if x > 0 {
				tx = rapid.SampledFrom([]float64{0.5, 1.25, 3}).Draw(t, "tx")
			}
			w := rapid.SampledFrom([]string{"1", "1", "0.1", "0.2", "0", "2.5", "1e-3", "-1"}).Draw(t, "weight")
			fmt.Fprintf(&b, "c%d,%d,%v,%v,%s\n", i, x, tx, rapid.SampledFrom([]float64{3, 4.5}).Draw(t, "T"), w)
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
