package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// masterPath is the full CDNOW log (23,570 customers) in the project's
// shared data beside the repository.
const masterPath = "../../../shared/data/cdnow_master.csv"

// BenchmarkCustomerLatency is the load test: the full CDNOW log is loaded
// over HTTP and refitted as of 1998-06-30, then GET /v1/customers/{id} is
// sent on loopback at a fixed rate (open loop: requests leave on schedule
// whether or not earlier ones have been answered, at most 256 in flight),
// cycling through all customers in a shuffled order. b.N is the number of
// requests per rate; it reports p50, p99 and max latency. Run it with a
// fixed count, so that the log is loaded once:
//
//	go test -run '^$' -bench CustomerLatency -benchtime 10000x
func BenchmarkCustomerLatency(b *testing.B) {
	if _, err := os.Stat(masterPath); err != nil {
		b.Skipf("skipped: the full CDNOW log %s is not there (%v)", masterPath, err)
	}
	s := newService(b, ServerOptions{})
	s.ingest("text/csv", cdnowCSV(b, masterPath))
	m := s.refit("1998-06-30")
	ids := customerIDs(b, masterPath)
	if len(ids) != m.Customers {
		b.Fatalf("%d IDs in the log, %d customers in the model", len(ids), m.Customers)
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: time.Minute}
	defer client.CloseIdleConnections()
	for _, rate := range []int{500, 1000, 2000} {
		b.Run(fmt.Sprintf("customers=%d/rate=%d", len(ids), rate), func(b *testing.B) {
			lat := make([]time.Duration, b.N)
			var wg sync.WaitGroup
			var mu sync.Mutex
			var failed error
			inFlight := make(chan struct{}, 256)
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))))
				inFlight <- struct{}{}
				wg.Add(1)
				go func() {
					defer func() { <-inFlight; wg.Done() }()
					t0 := time.Now()
					resp, err := client.Get(s.ts.URL + "/v1/customers/" + ids[i%len(ids)])
					if err == nil {
						_, err = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if err == nil && resp.StatusCode != http.StatusOK {
							err = fmt.Errorf("status %d", resp.StatusCode)
						}
					}
					lat[i] = time.Since(t0)
					if err != nil {
						mu.Lock()
						failed = err
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if failed != nil {
				b.Fatal(failed)
			}
			slices.Sort(lat)
			q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
			b.ReportMetric(q(0.50), "p50-µs")
			b.ReportMetric(q(0.99), "p99-µs")
			b.ReportMetric(q(1), "max-µs")
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
		})
	}
}

// customerIDs returns the distinct customer IDs of a CDNOW log.
func customerIDs(b *testing.B, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	seen := map[string]bool{}
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		id, _, _ := strings.Cut(line, ",")
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}
