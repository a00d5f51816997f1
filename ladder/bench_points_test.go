package ladder

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// benchEvents returns n valid events over n/20 customers: earns every
// week, a redemption of half the points every fifth event.
func benchEvents(n int) []PointsEvent {
	out := make([]PointsEvent, n)
	start := time.Date(2023, 1, 1, 12, 0, 0, 0, time.UTC)
	for i := range out {
		c := i % max(1, n/20)
		k := i / max(1, n/20)
		e := PointsEvent{ID: fmt.Sprintf("e%d", i), Customer: fmt.Sprintf("c%d", c), Time: start.AddDate(0, 0, 7*k), Kind: Earn, Points: 100}
		if k%5 == 4 {
			e.Kind, e.Points = Redeem, 150
		}
		out[i] = e
	}
	return out
}

func BenchmarkLedgerPost(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		events := benchEvents(n)
		b.Run(fmt.Sprintf("batch/%d", n), func(b *testing.B) {
			for b.Loop() {
				l, _ := NewLedger(LedgerOptions{ExpiryMonths: 12})
				if err := l.Post(events...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// One at a time: each post replays the customer's account, so the cost
	// grows with the events per customer (here n/20... 20 per customer).
	events := benchEvents(2_000)
	b.Run("one-by-one/2000", func(b *testing.B) {
		for b.Loop() {
			l, _ := NewLedger(LedgerOptions{ExpiryMonths: 12})
			for _, e := range events {
				if err := l.Post(e); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func BenchmarkLedgerLiability(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		l, _ := NewLedger(LedgerOptions{ExpiryMonths: 12})
		if err := l.Post(benchEvents(n)...); err != nil {
			b.Fatal(err)
		}
		asOf := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := l.Liability(asOf, decimal.RequireFromString("0.01"), 0.2); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPotentialValues(b *testing.B) {
	l := threeRungs(b)
	for _, n := range []int{1_000, 100_000} {
		cs := make([]RungValue, n)
		for i := range cs {
			cs[i] = RungValue{Customer: fmt.Sprintf("c%d", i), Rung: i%4 - 1, Value: decimal.New(int64(i*7919%100_000), -2)}
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := l.PotentialValues(cs, PotentialOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
