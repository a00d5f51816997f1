package clv

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// syntheticLog returns n transactions from n/10 customers over two years,
// sorted by time as a real log usually is.
func syntheticLog(n int) []Transaction {
	rng := rand.New(rand.NewPCG(1, 2))
	customers := max(n/10, 1)
	ids := make([]string, customers)
	for i := range ids {
		ids[i] = fmt.Sprintf("C%08d", i)
	}
	start := day("2023-01-01")
	log := make([]Transaction, n)
	for i := range log {
		log[i] = Transaction{
			Customer: ids[rng.IntN(customers)],
			Time:     start.Add(time.Duration(rng.Int64N(730*24*3600)) * time.Second),
		}
	}
	slices.SortFunc(log, func(a, b Transaction) int { return a.Time.Compare(b.Time) })
	// Amounts are made in log order, as a reader streaming the log would.
	for i := range log {
		log[i].Amount = decimal.New(rng.Int64N(100000), -2)
	}
	return log
}

// BenchmarkSummarize measures summarising from memory. "time-ordered" is a
// log in time order, where each transaction belongs to a random one of n/10
// customers, so that every transaction touches a different customer's state
// (bound by memory latency); "by-customer" is the same log grouped by
// customer, as exports from a warehouse often are.
func BenchmarkSummarize(b *testing.B) {
	benchOrders(b, func(log []Transaction) (*Summarizer, error) {
		s, _ := NewSummarizer(benchOptions)
		for _, t := range log {
			if err := s.Add(t); err != nil {
				return nil, err
			}
		}
		return s, nil
	})
}

// BenchmarkSummarizeSlice is BenchmarkSummarize with SummarizeSlice on
// every core.
func BenchmarkSummarizeSlice(b *testing.B) {
	benchOrders(b, func(log []Transaction) (*Summarizer, error) { return SummarizeSlice(log, benchOptions) })
}

var benchOptions = SummaryOptions{End: day("2025-01-01"), Unit: UnitWeek}

// benchOrders times summarize, then Summaries, on logs of 1M and 10M
// transactions in both orders.
func benchOrders(b *testing.B, summarize func([]Transaction) (*Summarizer, error)) {
	for _, n := range []int{1_000_000, 10_000_000} {
		for _, order := range []string{"time-ordered", "by-customer"} {
			b.Run(fmt.Sprintf("%s/tx=%d", order, n), func(b *testing.B) {
				// Built inside the sub-benchmark so that only one log is
				// live: a multi-gigabyte heap would bill the loop for GC.
				log := syntheticLog(n)
				if order == "by-customer" {
					slices.SortStableFunc(log, func(a, b Transaction) int { return strings.Compare(a.Customer, b.Customer) })
					// Amounts re-made in the new order, as a stream would have them.
					for i := range log {
						log[i].Amount = decimal.New(log[i].Amount.CoefficientInt64(), -2)
					}
				}
				runtime.GC()
				b.ReportAllocs()
				for b.Loop() {
					s, err := summarize(log)
					if err != nil {
						b.Fatal(err)
					}
					_ = s.Summaries()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/tx")
				b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds()/1e6, "Mtx/s")
			})
		}
	}
}
