package clv_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
)

// Two workers each see part of one customer's purchases, accumulate them,
// and ship the state as bytes; a third merges the two and reads the
// summary — exactly what one Summarizer gives on the whole log.
func ExampleAccumulator() {
	// Every worker builds its rules from the same options.
	opts := clv.SummaryOptions{End: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), Unit: clv.UnitWeek}
	rules, err := clv.NewSummaryRules(opts)
	if err != nil {
		panic(err)
	}
	purchase := func(date, amount string) clv.Transaction {
		t, _ := time.Parse(time.DateOnly, date)
		return clv.Transaction{Customer: "c42", Time: t, Amount: decimal.RequireFromString(amount)}
	}
	shards := [][]clv.Transaction{
		{purchase("2024-01-07", "20.00"), purchase("2024-03-03", "35.50")},
		{purchase("2024-02-04", "12.25"), purchase("2024-04-02", "99")}, // the last is after the end
	}
	var wire [][]byte
	for _, shard := range shards {
		var acc clv.Accumulator
		for _, t := range shard {
			added, err := rules.Add(&acc, t)
			if err != nil {
				panic(err)
			}
			if !added {
				fmt.Println("after the observation end:", t.Time.Format(time.DateOnly))
			}
		}
		b, err := acc.MarshalBinary()
		if err != nil {
			panic(err)
		}
		wire = append(wire, b)
	}

	var total clv.Accumulator
	for _, b := range wire {
		var acc clv.Accumulator
		if err := acc.UnmarshalBinary(b); err != nil {
			panic(err)
		}
		if err := total.Merge(acc); err != nil {
			panic(err)
		}
	}
	s, err := rules.Summary("c42", total)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: frequency %d, recency %.0f weeks, T %.0f weeks, mean repeat spend %s\n",
		s.ID, s.Frequency, s.Recency, s.T, s.MonetaryValue.StringFixed(3))
	fmt.Printf("%d and %d bytes on the wire\n", len(wire[0]), len(wire[1]))
	// Output:
	// after the observation end: 2024-04-02
	// c42: frequency 2, recency 8 weeks, T 12 weeks, mean repeat spend 23.875
	// 18 and 17 bytes on the wire
}
