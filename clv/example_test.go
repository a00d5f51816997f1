package clv_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
)

func ExampleSummarizer() {
	log := `customer,date,amount
alice,2024-01-01,10.00
alice,2024-01-01,5.00
alice,2024-01-15,20.00
bob,2024-01-10,7.50
alice,2024-01-29,30.00
`
	r, err := clv.NewCSVReader(strings.NewReader(log), clv.CSVOptions{Customer: "customer", Time: "date", Amount: "amount"})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := clv.NewSummarizer(clv.SummaryOptions{End: time.Date(2024, 2, 5, 0, 0, 0, 0, time.UTC), Unit: clv.UnitWeek})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := s.AddAll(r.Transactions()); err != nil || r.Err() != nil {
		fmt.Println(err, r.Err())
		return
	}
	for _, c := range s.Summaries() {
		fmt.Printf("%s x=%d t_x=%.2f T=%.2f m=%s\n", c.ID, c.Frequency, c.Recency, c.T, c.MonetaryValue)
	}
	// Output:
	// alice x=2 t_x=4.00 T=5.00 m=25
	// bob x=0 t_x=0.00 T=3.71 m=0
}

func ExampleSummarizer_Merge() {
	opts := clv.SummaryOptions{End: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	shard := func(txs ...clv.Transaction) *clv.Summarizer {
		s, _ := clv.NewSummarizer(opts)
		for _, t := range txs {
			_ = s.Add(t)
		}
		return s
	}
	day := func(d int) time.Time { return time.Date(2024, 2, d, 12, 0, 0, 0, time.UTC) }
	a := shard(clv.Transaction{Customer: "c1", Time: day(1)}, clv.Transaction{Customer: "c2", Time: day(3)})
	b := shard(clv.Transaction{Customer: "c1", Time: day(10)})
	if err := a.Merge(b); err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range a.Summaries() {
		fmt.Println(c.ID, c.Frequency, c.Recency, c.T)
	}
	// Output:
	// c1 1 9 29
	// c2 0 0 27
}

func ExampleCompress() {
	ps := clv.Compress([]clv.Summary{
		{Frequency: 0, T: 10}, {Frequency: 2, Recency: 5, T: 10}, {Frequency: 0, T: 10},
	})
	for _, p := range ps {
		fmt.Printf("x=%d t_x=%v T=%v weight=%v\n", p.Frequency, p.Recency, p.T, p.Weight)
	}
	// Output:
	// x=0 t_x=0 T=10 weight=2
	// x=2 t_x=5 T=10 weight=1
}

func ExamplePatternCounter() {
	// Summaries arriving one at a time (rows of a file, a database
	// cursor): only the distinct patterns are held.
	var c clv.PatternCounter
	for _, s := range []clv.Summary{
		{Frequency: 0, T: 10}, {Frequency: 2, Recency: 5, T: 10}, {Frequency: 0, T: 10}, {Frequency: 0, T: 10},
	} {
		if err := c.Add(clv.Pattern{Frequency: s.Frequency, Recency: s.Recency, T: s.T, Weight: 1}); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(c.Len(), "patterns:")
	for _, p := range c.Patterns() {
		fmt.Printf("x=%d t_x=%v T=%v weight=%v\n", p.Frequency, p.Recency, p.T, p.Weight)
	}
	fmt.Println(c.Add(clv.Pattern{Frequency: 1, Recency: 12, T: 10, Weight: 1}))
	// Output:
	// 2 patterns:
	// x=0 t_x=0 T=10 weight=3
	// x=2 t_x=5 T=10 weight=1
	// clv: invalid summary: recency 12 > T 10
}

func ExampleBGNBD() {
	// Fader, Hardie & Lee's CDNOW estimates (weeks).
	m := clv.BGNBD{R: 0.242593, Alpha: 4.413532, A: 0.792886, B: 2.425752}
	c := clv.Summary{ID: "1", Frequency: 2, Recency: 30.43, T: 38.86, Unit: clv.UnitWeek}
	fmt.Printf("P(alive) = %.4f\n", m.ProbabilityAlive(c))
	fmt.Printf("expected purchases in the next 39 weeks = %.4f\n", m.ExpectedPurchases(c, 39))
	fmt.Printf("a new customer's expected repeat purchases in 78 weeks = %.4f\n", m.ExpectedPurchasesNew(78))
	// Output:
	// P(alive) = 0.7266
	// expected purchases in the next 39 weeks = 1.2259
	// a new customer's expected repeat purchases in 78 weeks = 1.8580
}

func ExampleFitBGNBD() {
	// Three kinds of customers, as weighted patterns (frequency, recency, T).
	data := []clv.Pattern{
		{Frequency: 0, Recency: 0, T: 38, Weight: 1400},
		{Frequency: 1, Recency: 10, T: 38, Weight: 500},
		{Frequency: 3, Recency: 30, T: 38, Weight: 300},
		{Frequency: 8, Recency: 37, T: 38, Weight: 100},
		{Frequency: 2, Recency: 5, T: 38, Weight: 150},
	}
	m, report, err := clv.FitBGNBD(context.Background(), data, clv.FitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("converged %v on %v customers in %d patterns\n", report.Converged, report.N, report.Patterns)
	fmt.Printf("P(alive) of a one-purchase customer seen at week 10: %.2f\n",
		m.ProbabilityAlive(clv.Summary{Frequency: 1, Recency: 10, T: 38}))
	// Output:
	// converged true on 2450 customers in 5 patterns
	// P(alive) of a one-purchase customer seen at week 10: 0.41
}

func ExampleLifetimeValue() {
	m := clv.BGNBD{R: 0.242593, Alpha: 4.413532, A: 0.792886, B: 2.425752, Unit: clv.UnitWeek}
	spend := clv.GammaGamma{P: 6.248803, Q: 3.744588, Gamma: 15.447747}
	customers := []clv.Summary{
		{ID: "loyal", Frequency: 10, Recency: 37, T: 38.86, MonetaryValue: decimal.RequireFromString("41.50"), Unit: clv.UnitWeek},
		{ID: "lapsed", Frequency: 2, Recency: 4, T: 38.86, MonetaryValue: decimal.RequireFromString("30.00"), Unit: clv.UnitWeek},
		{ID: "new", Frequency: 0, Recency: 0, T: 2, Unit: clv.UnitWeek},
	}
	// One year in months of 4.345 weeks, 1% a month, a 30% margin, to the cent.
	values, err := clv.LifetimeValue(m, spend, customers, clv.ValueOptions{
		Steps: 12, StepLength: 4.345, DiscountRate: 0.01, Margin: 0.3,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range clv.RankByValue(values) {
		fmt.Printf("%-6s spend %s, %.2f purchases, value %s\n", v.ID, v.SpendPerPurchase, v.ExpectedPurchases, v.Value)
	}
	fmt.Println("total", clv.SummarizeValues(values).Total)
	// Output:
	// loyal  spend 41.23, 8.26 purchases, value 96.33
	// new    spend 35.17, 1.13 purchases, value 11.27
	// lapsed spend 30.93, 0.21 purchases, value 1.86
	// total 109.46
}

func ExampleSBG() {
	// Fader & Hardie's "regular" cohort, fitted on years 1-7.
	obs, _ := clv.CohortObservations([]float64{1000, 631, 468, 382, 326, 289, 262, 241})
	m, _, err := clv.FitSBG(context.Background(), obs, clv.FitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	del, _ := m.DEL(0.10)
	derl, _ := m.DERL(0.10, 5)
	fmt.Printf("alpha %.3f beta %.3f\n", m.Alpha, m.Beta)
	fmt.Printf("S(12) = %.3f, retention in year 12 = %.3f\n", m.Survival(12), m.RetentionRate(12))
	fmt.Printf("DEL = %.4f payments; after 5 payments, DERL = %.4f\n", del, derl)
	// Output:
	// alpha 0.704 beta 1.182
	// S(12) = 0.170, retention in year 12 = 0.945
	// DEL = 3.6949 payments; after 5 payments, DERL = 5.8941
}

func ExampleBGBB() {
	m := clv.BGBB{Alpha: 1.2035, Beta: 0.7497, Gamma: 0.6567, Delta: 2.7834}
	donor := clv.BGBBPattern{Frequency: 3, Recency: 4, Periods: 6}
	fmt.Printf("P(alive) = %.4f\n", m.ProbabilityAlive(donor, 0))
	fmt.Printf("expected donations over the next 5 years = %.4f\n", m.ExpectedPurchases(donor, 5))
	// Output:
	// P(alive) = 0.4725
	// expected donations over the next 5 years = 1.0346
}

// Reading a table of summaries as fast as a transaction log: CSVRecords
// splits unquoted lines in place, and reads any other record with
// encoding/csv, so fields and errors are encoding/csv's.
func ExampleCSVRecords() {
	in := "id,frequency,recency,T\nann,2,30.5,38\n\"bob, jr\",0,0,38\n"
	r := clv.NewCSVRecords(strings.NewReader(in), ',')
	h, err := r.Header("id", "frequency")
	if err != nil {
		fmt.Println(err)
		return
	}
	id, _ := h.Index("id")
	x, _ := h.Index("frequency")
	for {
		rec, err := r.Next()
		if err != nil { // io.EOF at the end
			break
		}
		fmt.Printf("line %d: %s bought again %s times\n", r.Line(), rec[id], rec[x])
	}
	// Output:
	// line 2: ann bought again 2 times
	// line 3: bob, jr bought again 0 times
}

// Reading in blocks: NextBlock hands out runs of simple lines, which any
// goroutine can split (a worker pool parses them in parallel); the
// quoted record between them is left to Next.
func ExampleCSVRecords_NextBlock() {
	in := "id,frequency\nann,2\ncid,1\r\n\"bob, jr\",0\ndee,4\n"
	r := clv.NewCSVRecords(strings.NewReader(in), ',')
	if _, err := r.Header("id", "frequency"); err != nil {
		fmt.Println(err)
		return
	}
	var b clv.CSVBlock
	for {
		if r.NextBlock(&b, 1<<16); len(b.Data) > 0 {
			for line, rec := range b.All() {
				fmt.Printf("block, line %d: %s %s\n", line, rec[0], rec[1])
			}
			continue
		}
		rec, err := r.Next()
		if err != nil { // io.EOF at the end
			break
		}
		fmt.Printf("Next,  line %d: %s %s\n", r.Line(), rec[0], rec[1])
	}
	// Output:
	// block, line 2: ann 2
	// block, line 3: cid 1
	// Next,  line 4: bob, jr 0
	// block, line 5: dee 4
}

// Which customers buy more often? Fit Pareto/NBD with a covariate — here
// whether the customer came through a partner — and read its effects and
// standard errors, then score a customer with their own model.
func ExampleFitParetoNBDCovariates() {
	// Simulated customers: partner customers (z = 1) buy at twice the rate.
	truth := clv.ParetoNBDCovariates{Base: clv.ParetoNBD{R: 0.6, Alpha: 5, S: 0.8, Beta: 10, Unit: clv.UnitWeek},
		Names: []string{"partner"}, Purchase: []float64{math.Ln2}, Dropout: []float64{0}}
	rng := rand.New(rand.NewPCG(1, 2))
	var data []clv.Pattern
	cov := clv.Covariates{Names: []string{"partner"}}
	for i := range 4000 {
		z := []float64{float64(i % 2)}
		m, _ := truth.For(z)
		s := m.Simulate(rng, []float64{52})[0]
		data = append(data, clv.Pattern{Frequency: s.Frequency, Recency: s.Recency, T: s.T, Weight: 1})
		cov.Values = append(cov.Values, z)
	}
	m, rep, err := clv.FitParetoNBDCovariates(context.Background(), data, cov, clv.FitOptions{Unit: clv.UnitWeek})
	if err != nil {
		fmt.Println(err)
		return
	}
	g, se := m.Purchase[0], rep.StdErrors["purchase.partner"]
	fmt.Printf("partner customers buy %.1f× as often (effect %.2f ± %.2f)\n", math.Exp(g), g, se)
	partner, _ := m.For([]float64{1})
	s := clv.Summary{ID: "p1", Frequency: 3, Recency: 30, T: 52, Unit: clv.UnitWeek}
	fmt.Printf("P(alive) of a partner customer with 3 repeat purchases: %.2f\n", partner.ProbabilityAlive(s))
	// Output:
	// partner customers buy 2.0× as often (effect 0.71 ± 0.05)
	// P(alive) of a partner customer with 3 repeat purchases: 0.45
}

// How sure are we? Intervals of the portfolio's expected purchases from the
// uncertainty of the fitted parameters.
func ExamplePredictIntervals() {
	rng := rand.New(rand.NewPCG(3, 4))
	T := make([]float64, 2000)
	for i := range T {
		T[i] = 39
	}
	summaries := (clv.BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4, Unit: clv.UnitWeek}).Simulate(rng, T)
	m, rep, err := clv.FitBGNBD(context.Background(), clv.Compress(summaries), clv.FitOptions{Unit: clv.UnitWeek})
	if err != nil {
		fmt.Println(err)
		return
	}
	iv, err := clv.PredictIntervals(context.Background(), m, &rep, summaries, nil, 39, clv.IntervalOptions{Level: 0.9, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("next 39 weeks: %.0f to %.0f purchases (90%%)\n", iv.ExpectedPurchases.Low, iv.ExpectedPurchases.High)
	// Output:
	// next 39 weeks: 1074 to 1231 purchases (90%)
}
