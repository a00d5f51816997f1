package clv_test

import (
	"fmt"
	"strings"
	"time"

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
