package clvkit_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit"
	"github.com/clvkit/clvkit/clv"
)

// Build reads a purchase log once and returns one Customer per buyer, in ID
// order. Here the models are given (the CDNOW BG/NBD in weeks, converted to
// the base's days, and a known spend per purchase), as a small log cannot
// identify them; purchases after End are counted, not used.
func ExampleBuild() {
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 10, 0, 0, 0, time.UTC) }
	buy := func(id string, t time.Time, amount, product string) clv.Purchase {
		return clv.Purchase{Transaction: clv.Transaction{Customer: id, Time: t, Amount: decimal.RequireFromString(amount)}, Product: product, Channel: "web"}
	}
	log := []clv.Purchase{
		buy("alice", day(1, 5), "30.00", "tea"),
		buy("bob", day(1, 15), "12.50", "coffee"),
		buy("dave", day(2, 1), "15.00", "tea"),
		buy("alice", day(3, 2), "18.00", "cups"),
		buy("dave", day(3, 1), "15.00", "tea"),
		buy("dave", day(4, 1), "15.00", "tea"),
		buy("alice", day(6, 20), "25.00", "tea"),
		buy("carol", day(6, 25), "40.00", "tea"),
		buy("bob", day(7, 2), "9.00", "coffee"), // after End
	}
	base, err := clvkit.Build(context.Background(), slices.Values(log), clvkit.Options{
		End:      day(6, 30),
		Purchase: clv.BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258, Unit: clv.UnitWeek},
		Spend:    clv.FixedSpend{Amount: decimal.RequireFromString("20.00")},
		Horizon:  90,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ignored:", base.Ignored)
	for _, c := range base.Customers {
		fmt.Printf("%-5s x=%d t_x=%v T=%v P(alive)=%.3f next 90 days=%.3f value=%s products=%v phase=%s\n",
			c.ID, c.Summary.Frequency, c.Summary.Recency, c.Summary.T, c.ProbabilityAlive, c.ExpectedPurchases, c.Value, c.Products, c.Phase)
	}
	// Output:
	// ignored: 1
	// alice x=2 t_x=167 T=177 P(alive)=0.795 next 90 days=0.701 value=46.12 products=[cups tea] phase=active
	// bob   x=0 t_x=0 T=167 P(alive)=1.000 next 90 days=0.104 value=7.28 products=[coffee] phase=lapsed
	// carol x=0 t_x=0 T=5 P(alive)=1.000 next 90 days=0.469 value=26.26 products=[tea] phase=new
	// dave  x=2 t_x=60 T=150 P(alive)=0.480 next 90 days=0.481 value=30.98 products=[tea] phase=at-risk
}
