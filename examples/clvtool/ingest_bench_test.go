package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// ingestDir, when set, makes TestWriteIngestFiles write the summary tables
// of BenchmarkFitSummaries there, for timing clvtool as a whole process
// (see the README's performance tables).
var ingestDir = flag.String("ingest.dir", "", "write the fit benchmark's summary CSVs to this directory")

// summaryTable returns a summary CSV (frequency,recency,T) of n customers
// simulated from a BG/NBD model with ages spread over a year of days, in
// weeks, written as strconv prints them. With continuous recencies about a
// third of the rows are distinct patterns; 26 bytes a row.
func summaryTable(n int) []byte {
	rng := rand.New(rand.NewPCG(uint64(n), 43))
	T := make([]float64, n)
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	var buf bytes.Buffer
	buf.Grow(n * 30)
	buf.WriteString("frequency,recency,T\n")
	var b []byte
	for _, s := range (clv.BGNBD{R: 0.25, Alpha: 4.4, A: 0.8, B: 2.4, Unit: clv.UnitWeek}).Simulate(rng, T) {
		b = strconv.AppendInt(b[:0], int64(s.Frequency), 10)
		b = append(b, ',')
		b = strconv.AppendFloat(b, s.Recency, 'f', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, s.T, 'f', -1, 64)
		buf.Write(append(b, '\n'))
	}
	return buf.Bytes()
}

// TestWriteIngestFiles writes summaries.csv (1M rows) and
// summaries-100k.csv to -ingest.dir:
//
//	go test ./examples/clvtool/ -run '^TestWriteIngestFiles$' -ingest.dir /tmp/ingest
func TestWriteIngestFiles(t *testing.T) {
	if *ingestDir == "" {
		t.Skip("-ingest.dir not set")
	}
	for name, n := range map[string]int{"summaries.csv": 1_000_000, "summaries-100k.csv": 100_000} {
		if err := os.WriteFile(filepath.Join(*ingestDir, name), summaryTable(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkFitSummaries runs 'clvtool fit -model M' on summary tables,
// reading included.
func BenchmarkFitSummaries(b *testing.B) {
	for _, model := range []string{"bgnbd", "pnbd"} {
		for _, n := range []int{10_000, 100_000, 1_000_000} {
			if model == "pnbd" && n > 100_000 {
				continue
			}
			b.Run(fmt.Sprintf("%s/rows=%d", model, n), func(b *testing.B) {
				in := filepath.Join(b.TempDir(), "summaries.csv")
				if err := os.WriteFile(in, summaryTable(n), 0o600); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := runWith([]string{"fit", "-model", model, "-unit", "week", "-in", in}, new(bytes.Buffer), new(bytes.Buffer)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkReadPatterns reads summary tables into the weighted patterns of
// a fit: what 'clvtool fit' does before fitting.
func BenchmarkReadPatterns(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		data := summaryTable(n)
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := readPatterns(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds()/1e6, "Mrows/s")
		})
	}
}
