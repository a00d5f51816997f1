package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/clvkit/clvkit/clv"
)

// benchDir, when set, makes TestWriteBenchLog write the benchmark's log
// there, for timing the pipeline and clvtool as whole processes (see the
// README).
var benchDir = flag.String("bench.dir", "", "write the benchmark's generated log to this directory")

// benchRows is the size of the benchmark's log: 2M rows.
const benchRows = 2_000_000

// writeLog writes a time-ordered log (customer_id,date,amount) of rows
// purchases over two years, as one file log.csv and as the same rows cut
// into files parts/part-NN.csv of consecutive time ranges, as periodic
// exports are. Customers buy as BG/NBD has them (so that the fit converges):
// each arrives on a random day, buys at a Gamma-distributed daily rate and,
// after each purchase, drops out with a Beta-distributed probability;
// customers are added until there are rows purchases (about 11 a
// customer). IDs are C%07d, amounts have two decimals: 27 bytes a row.
func writeLog(dir string, rows, files int) error {
	rng := rand.New(rand.NewPCG(1, 2))
	type purchase struct {
		day, customer int32
		cents         int32
	}
	log := make([]purchase, 0, rows)
	for c := int32(0); len(log) < rows; c++ {
		rate := gamma(rng, 2) / 40                    // purchases a day: mean 1/20
		drop := 1 / (1 + gamma(rng, 9)/gamma(rng, 1)) // Beta(1, 9): mean 0.1
		cents := int32(500 + rng.IntN(20_000))
		for day := float64(rng.IntN(730)); day < 730 && len(log) < rows; day += rng.ExpFloat64() / rate {
			log = append(log, purchase{int32(day), c, cents + int32(rng.IntN(2_000))})
			if rng.Float64() < drop {
				break
			}
		}
	}
	slices.SortStableFunc(log, func(a, b purchase) int { return int(a.day - b.day) })
	if err := os.MkdirAll(filepath.Join(dir, "parts"), 0o755); err != nil {
		return err
	}
	whole, err := os.Create(filepath.Join(dir, "log.csv"))
	if err != nil {
		return err
	}
	defer whole.Close()
	ww := bufio.NewWriterSize(whole, 1<<20)
	const header = "customer_id,date,amount\n"
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	var b []byte
	for k := range files {
		f, err := os.Create(filepath.Join(dir, "parts", fmt.Sprintf("part-%02d.csv", k)))
		if err != nil {
			return err
		}
		pw := bufio.NewWriterSize(f, 1<<20)
		w := io.MultiWriter(ww, pw)
		if k == 0 {
			_, _ = ww.WriteString(header)
		}
		_, _ = pw.WriteString(header)
		for _, p := range log[k*rows/files : (k+1)*rows/files] {
			b = fmt.Appendf(b[:0], "C%07d,", p.customer)
			b = start.AddDate(0, 0, int(p.day)).AppendFormat(b, time.DateOnly)
			b = append(b, ',')
			b = strconv.AppendFloat(b, float64(p.cents)/100, 'f', 2, 64)
			_, _ = w.Write(append(b, '\n'))
		}
		if err := pw.Flush(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return ww.Flush()
}

// gamma draws from Gamma(shape, 1) (Marsaglia and Tsang 2000; shape ≥ 1).
func gamma(rng *rand.Rand, shape float64) float64 {
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		if u := rng.Float64(); math.Log(u) < x*x/2+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// TestWriteBenchLog writes log.csv (2M rows) and the same rows in 8 files
// parts/part-NN.csv to -bench.dir:
//
//	go test -run '^TestWriteBenchLog$' -bench.dir /tmp/beambench .
func TestWriteBenchLog(t *testing.T) {
	if *benchDir == "" {
		t.Skip("-bench.dir not set")
	}
	if err := writeLog(*benchDir, benchRows, 8); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkPipeline runs the whole pipeline on Prism, in process, on
// generated logs (summaries, fits and scores, files written), from the 8
// files and from the one file; "summarize" is what clvtool summarize does
// with the whole file (read it with AddCSV, write the summaries), for
// comparison.
//
//	go test -run '^$' -bench Pipeline -benchtime 3x .
func BenchmarkPipeline(b *testing.B) {
	for _, rows := range []int{200_000, benchRows} {
		dir := b.TempDir()
		if err := writeLog(dir, rows, 8); err != nil {
			b.Fatal(err)
		}
		flags := []string{"-customer", "customer_id", "-time", "date", "-amount", "amount", "-unit", "week", "-end", "2025-01-01"}
		b.Run(fmt.Sprintf("summarize/rows=%d", rows), func(b *testing.B) {
			cfg := testConfig(b, append(flags, "-input", filepath.Join(dir, "log.csv"), "-output", b.TempDir())...)
			opts, csvOpts, _ := cfg.options()
			for b.Loop() {
				f, err := os.Open(cfg.Input)
				if err != nil {
					b.Fatal(err)
				}
				s, _ := clv.NewSummarizer(opts)
				r, err := clv.NewCSVReader(f, csvOpts)
				if err == nil {
					err = s.AddCSV(r)
				}
				if err == nil {
					err = clv.WriteSummariesCSV(io.Discard, slices.Values(s.Summaries()), true)
				}
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
		})
		for _, input := range []string{"parts/part-*.csv", "log.csv"} {
			files := 8
			if input == "log.csv" {
				files = 1
			}
			b.Run(fmt.Sprintf("pipeline/files=%d/rows=%d", files, rows), func(b *testing.B) {
				cfg := testConfig(b, append(flags, "-input", filepath.Join(dir, input), "-output", b.TempDir())...)
				for b.Loop() {
					p, s := beam.NewPipelineWithRoot()
					if _, err := buildPipeline(s, cfg); err != nil {
						b.Fatal(err)
					}
					if err := ptest.Run(p); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
			})
		}
	}
}
