package clv

import (
	"runtime"

	"github.com/clvkit/clvkit/internal/parallel"
)

// patternData is the struct-of-arrays form of patterns used by the
// likelihoods. Each pattern's frequency, age and recency are also mapped to
// tables of distinct values, so that gamma-function terms are computed once
// per distinct x and logarithms once per distinct T or t_x per evaluation,
// not once per pattern: day-resolution data has a few hundred distinct ages
// however many customers there are.
type patternData struct {
	x, tx, T, w []float64
	xi, Ti, txi []int32
	ux, uT, utx []float64 // distinct frequencies, ages, recencies
}

// distinct maps each value to its index in the returned table of distinct
// values (in first-seen order). When limit > 0 and there are more than
// limit distinct values, it stops and returns nil, nil: a table would not
// pay. It also returns nil, nil, without building the table, when a sample
// of the values says they are mostly distinct (see mostlyDistinct).
func distinct(vals []float64, limit int) ([]int32, []float64) {
	if limit > 0 && mostlyDistinct(vals, limit) {
		return nil, nil
	}
	idx := make([]int32, len(vals))
	seen := map[float64]int32{}
	var table []float64
	for i, v := range vals {
		if i > 0 && v == vals[i-1] {
			// Patterns are sorted by frequency, then recency: runs of
			// equal values skip the map.
			idx[i] = idx[i-1]
			continue
		}
		j, ok := seen[v]
		if !ok {
			if limit > 0 && len(table) == limit {
				return nil, nil
			}
			j = int32(len(table))
			seen[v] = j
			table = append(table, v)
		}
		idx[i] = j
	}
	return idx, table
}

// mostlyDistinct reports whether a sample of vals shows them to have
// clearly more than limit distinct values. Among m values drawn at random
// from D equally frequent ones, about m²/(2D) pairs are equal; the sample
// says "more than limit" only when it has fewer equal pairs than D =
// 2·limit would give. The draws are at fixed pseudo-random places (evenly
// spaced ones would see one value of each run of sorted values, and no
// pairs). It is a guess that saves building a table that would be dropped;
// a wrong guess costs time, never a different result, as a table only
// saves recomputing the same numbers.
func mostlyDistinct(vals []float64, limit int) bool {
	const m = 1024
	if len(vals) < 16*m {
		return false
	}
	seen := make(map[float64]int, m)
	pairs := 0
	state := uint64(len(vals))
	for range m {
		state = state*6364136223846793005 + 1442695040888963407
		v := vals[(state>>32)*uint64(len(vals))>>32]
		pairs += seen[v] // v makes a pair with each equal value before it
		seen[v]++
	}
	return float64(pairs) < m*m/(4*float64(limit))
}

func newPatternData(ps []Pattern) *patternData {
	d := &patternData{
		x: make([]float64, len(ps)), tx: make([]float64, len(ps)), T: make([]float64, len(ps)), w: make([]float64, len(ps)),
	}
	for i, p := range ps {
		d.x[i], d.tx[i], d.T[i], d.w[i] = float64(p.Frequency), p.Recency, p.T, p.Weight
	}
	// The three tables are independent: built on up to three goroutines.
	parallel.For(runtime.GOMAXPROCS(0), 3, func(k int) {
		switch k {
		case 0:
			d.xi, d.ux = distinct(d.x, 0)
		case 1:
			d.Ti, d.uT = distinct(d.T, 0)
		default:
			// Recencies get a table of logarithms per evaluation only
			// when at most a quarter of them are distinct: with
			// continuous recencies the table would cost as many
			// logarithms, serially, as computing them where they are
			// needed, in parallel blocks.
			if len(d.tx) >= 4 {
				d.txi, d.utx = distinct(d.tx, len(d.tx)/4)
			}
		}
	})
	return d
}

func (d *patternData) len() int { return len(d.x) }

// tableTx reports whether recencies have a table of distinct values (see
// newPatternData).
func (d *patternData) tableTx() bool { return d.txi != nil }

// defaultStart returns a starting point scaled to the data: rates start at
// one purchase per mean customer age.
func defaultStart(d *patternData, n float64) float64 {
	meanT := 0.0
	for i, T := range d.T {
		meanT += d.w[i] * T
	}
	meanT /= n
	if !(meanT > 0) {
		return 1
	}
	return meanT
}
