package clv

import (
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestPropDistinct: distinct maps every value to its place in a table of
// the distinct values in first-seen order, or gives up (nil, nil) when a
// limit is set and the values have more distinct ones than it — or, on a
// sample's word, clearly more.
func TestPropDistinct(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 40000).Draw(t, "n")
		kinds := rapid.IntRange(1, 2*n+1).Draw(t, "distinct values at most")
		limit := rapid.IntRange(0, n).Draw(t, "limit")
		seed := rapid.Uint64().Draw(t, "seed")
		vals := make([]float64, n)
		for i := range vals {
			seed = seed*6364136223846793005 + 1442695040888963407
			vals[i] = float64(seed>>33%uint64(kinds)) / 7
		}
		if rapid.Bool().Draw(t, "sorted") {
			slices.Sort(vals)
		}
		idx, table := distinct(vals, limit)
		var want []float64
		for _, v := range vals {
			if !slices.Contains(want, v) {
				want = append(want, v)
			}
		}
		if idx == nil {
			if limit == 0 || (len(want) <= limit && !mostlyDistinct(vals, limit)) {
				t.Fatalf("gave up on %d values with at most %d distinct, limit %d", n, len(want), limit)
			}
			return
		}
		if limit > 0 && len(table) > limit {
			t.Fatalf("table of %d values past the limit %d", len(table), limit)
		}
		if !slices.Equal(table, want) {
			t.Fatalf("table %v, want %v", table, want)
		}
		for i, v := range vals {
			if table[idx[i]] != v {
				t.Fatalf("value %d: %v maps to %v", i, v, table[idx[i]])
			}
		}
	})
}

// TestMostlyDistinct: the sample tells continuous values (a table would
// not pay) from a few thousand repeated ones (it would, many times over).
func TestMostlyDistinct(t *testing.T) {
	n := 300_000
	continuous, days := make([]float64, n), make([]float64, n)
	for i := range continuous {
		continuous[i] = math.Sqrt(float64(i))
		days[i] = float64(i * 7919 % 2000)
	}
	slices.Sort(days)
	if !mostlyDistinct(continuous, n/4) {
		t.Error("continuous values: a table was thought to pay")
	}
	if mostlyDistinct(days, n/4) {
		t.Error("2000 distinct days: a table was thought not to pay")
	}
	if mostlyDistinct(continuous[:1000], 250) {
		t.Error("a short column was sampled")
	}
}
