package ladder

import (
	"fmt"
	"iter"
	"math"
	"slices"
)

// EstimateOptions configures Estimate; the zero value means plain counts
// and 95% intervals.
type EstimateOptions struct {
	// Smoothing adds this pseudo-count to every transition of a rung's row
	// (Laplace smoothing), so that moves never seen get a small probability.
	Smoothing float64
	// Z is the normal quantile of the Wilson intervals; zero means 1.96.
	Z float64
}

// Estimated is an estimated chain with the evidence behind it.
type Estimated struct {
	Chain Chain
	// Counts[i][j] is the number of observed moves from state i to j.
	Counts [][]float64
	// Low and High bound each probability (Wilson score interval on the raw
	// counts).
	Low, High [][]float64
	// Reactivations counts moves out of lost, which the absorbing model
	// does not represent (a returning customer starts a new path).
	Reactivations int
}

// Estimate counts moves between consecutive snapshots of each customer's
// rung (0..rungs−1, or Lost) and turns them into transition probabilities.
// The lost state is absorbing by construction. A rung never observed keeps
// its customers (P[i][i] = 1) unless smoothing spreads its row.
func Estimate(paths iter.Seq[[]int], rungs int, opts EstimateOptions) (Estimated, error) {
	if rungs < 1 {
		return Estimated{}, fmt.Errorf("%w: %d rungs", ErrInvalidConfig, rungs)
	}
	if opts.Smoothing < 0 || math.IsNaN(opts.Smoothing) || math.IsInf(opts.Smoothing, 0) {
		return Estimated{}, fmt.Errorf("%w: smoothing %v", ErrInvalidConfig, opts.Smoothing)
	}
	z := opts.Z
	if z == 0 {
		z = 1.96
	}
	n := rungs + 1
	counts := make([][]float64, n)
	for i := range counts {
		counts[i] = make([]float64, n)
	}
	e := Estimated{Counts: counts}
	state := func(s int) (int, bool) {
		if s == Lost {
			return n - 1, true
		}
		return s, s >= 0 && s < rungs
	}
	k := 0
	for p := range paths {
		for t := 1; t < len(p); t++ {
			a, okA := state(p[t-1])
			b, okB := state(p[t])
			if !okA || !okB {
				return Estimated{}, fmt.Errorf("%w: path %d, period %d: state %d or %d is neither a rung (0..%d) nor Lost", ErrInvalidInput, k, t, p[t-1], p[t], rungs-1)
			}
			if a == n-1 {
				if b != n-1 {
					e.Reactivations++
				}
				continue
			}
			counts[a][b]++
		}
		k++
	}
	e.Chain.P = make([][]float64, n)
	e.Low = make([][]float64, n)
	e.High = make([][]float64, n)
	for i := range n {
		row := make([]float64, n)
		e.Low[i] = make([]float64, n)
		e.High[i] = make([]float64, n)
		total := 0.0
		for _, c := range counts[i] {
			total += c
		}
		switch {
		case i == n-1:
			row[i] = 1
		case total+opts.Smoothing*float64(n) == 0:
			row[i] = 1
		default:
			for j := range n {
				row[j] = (counts[i][j] + opts.Smoothing) / (total + opts.Smoothing*float64(n))
			}
		}
		for j := range n {
			e.Low[i][j], e.High[i][j] = wilson(counts[i][j], total, z)
			if i == n-1 {
				e.Low[i][j], e.High[i][j] = row[j], row[j]
			}
		}
		e.Chain.P[i] = row
	}
	return e, nil
}

// wilson returns the Wilson score interval for k successes in n trials.
func wilson(k, n, z float64) (float64, float64) {
	if n == 0 {
		return 0, 1
	}
	p := k / n
	den := 1 + z*z/n
	mid := (p + z*z/(2*n)) / den
	half := z * math.Sqrt(p*(1-p)/n+z*z/(4*n*n)) / den
	return math.Max(0, mid-half), math.Min(1, mid+half)
}

// RungRates are the one-period movement rates of a rung.
type RungRates struct {
	Rung                 int
	Up, Stay, Down, Lost float64
	// Climbers reports that some customers were observed moving up.
	Climbers bool
}

// Rates summarises each rung's row of an estimate.
func (e Estimated) Rates() []RungRates {
	n := len(e.Chain.P)
	out := make([]RungRates, n-1)
	for i := range n - 1 {
		r := RungRates{Rung: i, Stay: e.Chain.P[i][i], Lost: e.Chain.P[i][n-1]}
		for j := range n - 1 {
			switch {
			case j > i:
				r.Up += e.Chain.P[i][j]
				r.Climbers = r.Climbers || e.Counts[i][j] > 0
			case j < i:
				r.Down += e.Chain.P[i][j]
			}
		}
		out[i] = r
	}
	return out
}

// TriggerEvent records that a trigger fired for a customer in a period.
type TriggerEvent struct {
	Customer string
	Period   int
	Trigger  string
}

// Move is a customer's move between two rungs from one period to the next.
type Move struct {
	Customer string
	Period   int // the period the customer arrived in
	From, To int // rungs, or Lost
}

// Precursor counts how often a trigger fired in the period before a move.
type Precursor struct {
	From, To int
	Trigger  string
	Count    int
}

// Precursors tallies, for every observed change of rung, the triggers that
// fired for the customer in the period before it: the reasons for moves
// that the data holds. The result is sorted by move and trigger.
func Precursors(moves []Move, events []TriggerEvent) []Precursor {
	type key struct {
		customer string
		period   int
	}
	fired := map[key][]string{}
	for _, e := range events {
		k := key{e.Customer, e.Period}
		fired[k] = append(fired[k], e.Trigger)
	}
	type pk struct {
		from, to int
		trigger  string
	}
	tally := map[pk]int{}
	for _, m := range moves {
		if m.From == m.To {
			continue
		}
		for _, t := range fired[key{m.Customer, m.Period - 1}] {
			tally[pk{m.From, m.To, t}]++
		}
	}
	out := make([]Precursor, 0, len(tally))
	for k, c := range tally {
		out = append(out, Precursor{From: k.from, To: k.to, Trigger: k.trigger, Count: c})
	}
	slices.SortFunc(out, func(a, b Precursor) int {
		if a.From != b.From {
			return a.From - b.From
		}
		if a.To != b.To {
			return a.To - b.To
		}
		if a.Trigger < b.Trigger {
			return -1
		}
		if a.Trigger > b.Trigger {
			return 1
		}
		return 0
	})
	return out
}

// Moves lists the changes of state in paths keyed by customer, in customer
// then period order.
func Moves(paths map[string][]int) []Move {
	ids := make([]string, 0, len(paths))
	for id := range paths {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []Move
	for _, id := range ids {
		p := paths[id]
		for t := 1; t < len(p); t++ {
			if p[t] != p[t-1] {
				out = append(out, Move{Customer: id, Period: t, From: p[t-1], To: p[t]})
			}
		}
	}
	return out
}
