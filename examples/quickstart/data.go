package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/clvkit/clvkit/clv"
)

// The built-in data: a shop selling a starter kit, refills, a premium kit,
// accessories and a service plan, through the web, a store and an app.
var (
	logStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	logEnd   = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	products = []string{"starter kit", "refill", "premium kit", "accessories", "service plan"}
	channels = []string{"web", "store", "app"}
)

// synthetic generates a two-year transaction log for n customers from a
// fixed seed: buy-till-you-die behaviour (purchase rates and dropout
// probabilities that vary across customers) with gamma-gamma spend, so the
// models have something true to find.
func synthetic(n int, seed uint64) []clv.Purchase {
	rng := rand.New(rand.NewPCG(seed, 7))
	var out []clv.Purchase
	for i := range n {
		id := "C" + itoa5(i+1)
		start := logStart.Add(time.Duration(rng.Float64()*365*24) * time.Hour).Truncate(24 * time.Hour)
		rate := distuv.Gamma{Alpha: 0.9, Beta: 25, Src: rng}.Rand() // purchases per day
		drop := distuv.Beta{Alpha: 1.2, Beta: 4, Src: rng}.Rand()
		nu := distuv.Gamma{Alpha: 4, Beta: 60, Src: rng}.Rand() // rate: mean spend p·γ/(q−1) = 120
		channel := channels[rng.IntN(len(channels))]
		spend := func() decimal.Decimal {
			v := distuv.Gamma{Alpha: 6, Beta: nu, Src: rng}.Rand()
			return decimal.NewFromFloat(math.Round(v*100) / 100)
		}
		t := start
		k := 0
		for {
			product := products[min(k, len(products)-1)]
			if k > 1 && rng.Float64() < 0.5 {
				product = products[1+rng.IntN(len(products)-1)]
			}
			ch := channel
			if rng.Float64() < 0.2 {
				ch = channels[rng.IntN(len(channels))]
			}
			out = append(out, clv.Purchase{Transaction: clv.Transaction{Customer: id, Time: t, Amount: spend()}, Product: product, Channel: ch})
			k++
			if k > 1 && rng.Float64() < drop {
				break
			}
			gap := rng.ExpFloat64() / rate // days; huge for the slowest buyers
			if gap > 3*365 {
				break
			}
			t = t.Add(time.Duration(gap*24) * time.Hour).Truncate(24 * time.Hour)
			if t.After(logEnd) {
				break
			}
		}
	}
	slices.SortStableFunc(out, func(a, b clv.Purchase) int { return a.Time.Compare(b.Time) })
	return out
}

func itoa5(i int) string {
	b := []byte("00000")
	for p := 4; p >= 0 && i > 0; p-- {
		b[p] = byte('0' + i%10)
		i /= 10
	}
	return string(b)
}
