package clv

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// ingestDir, when set, makes TestWriteIngestFiles write the generated inputs
// of the ingestion benchmarks there, for timing clvtool as a whole process
// (see the README's performance tables).
var ingestDir = flag.String("ingest.dir", "", "write the ingestion benchmarks' CSV files to this directory")

// timeOrderedLog returns a CSV log (customer_id,date,amount) of n rows from
// the given number of customers over two years of days, in time order as
// an export usually is: each row belongs to a random customer. IDs are
// C%06d and amounts have two decimals, about 26 bytes a row.
func timeOrderedLog(n, customers int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	days := make([]int32, n)
	for i := range days {
		days[i] = int32(rng.IntN(730))
	}
	slices.Sort(days)
	start := day("2023-01-01")
	var buf bytes.Buffer
	buf.Grow(n * 27)
	buf.WriteString("customer_id,date,amount\n")
	var b []byte
	for _, d := range days {
		b = fmt.Appendf(b[:0], "C%06d,", rng.IntN(customers))
		b = start.AddDate(0, 0, int(d)).AppendFormat(b, time.DateOnly)
		b = append(b, ',')
		b = strconv.AppendFloat(b, float64(rng.IntN(100_000))/100, 'f', 2, 64)
		buf.Write(append(b, '\n'))
	}
	return buf.Bytes()
}

// The shape of the whole-process figure: 2.2M rows, 57 MB.
const logRows, logCustomers = 2_200_000, 200_000

// TestWriteIngestFiles writes log.csv (2.2M rows, 200k customers) to
// -ingest.dir:
//
//	go test ./clv/ -run '^TestWriteIngestFiles$' -ingest.dir /tmp/ingest
func TestWriteIngestFiles(t *testing.T) {
	if *ingestDir == "" {
		t.Skip("-ingest.dir not set")
	}
	if err := os.WriteFile(filepath.Join(*ingestDir, "log.csv"), timeOrderedLog(logRows, logCustomers), 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkIngestLog reads and summarises time-ordered logs of 11 rows per
// customer through CSVReader and Summarizer: "AddAll" as a Transaction
// stream, "AddCSV" with the reader handed to the summariser.
func BenchmarkIngestLog(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000, logRows} {
		data := timeOrderedLog(n, max(n*logCustomers/logRows, 1))
		for _, way := range []string{"AddAll", "AddCSV"} {
			b.Run(fmt.Sprintf("%s/rows=%d", way, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					r, err := NewCSVReader(bytes.NewReader(data), CSVOptions{Customer: "customer_id", Time: "date", Amount: "amount"})
					if err != nil {
						b.Fatal(err)
					}
					s, _ := NewSummarizer(SummaryOptions{End: day("2025-01-01"), Unit: UnitWeek})
					if way == "AddCSV" {
						err = s.AddCSV(r)
					} else if err = s.AddAll(r.Transactions()); err == nil {
						err = r.Err()
					}
					if err != nil {
						b.Fatal(err)
					}
					_ = s.Summaries()
				}
				b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds()/1e6, "Mrows/s")
			})
		}
	}
}

// BenchmarkCSVScanner splits a 1M-row log into records: csvScanner against
// encoding/csv, which CSVReader used before.
func BenchmarkCSVScanner(b *testing.B) {
	const n = 1_000_000
	data := timeOrderedLog(n, n/11)
	b.Run("csvScanner", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			sc := newCSVScanner(bytes.NewReader(data), ',')
			for sc.next() == nil {
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
	})
	b.Run("encoding-csv", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			cr := csv.NewReader(bytes.NewReader(data))
			cr.ReuseRecord, cr.FieldsPerRecord = true, -1
			for {
				if _, err := cr.Read(); err != nil {
					break
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
	})
}
