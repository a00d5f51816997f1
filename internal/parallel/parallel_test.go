package parallel

import (
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"
)

func TestForVisitsEachIndexOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 5000).Draw(t, "n")
		workers := rapid.IntRange(-1, 8).Draw(t, "workers")
		seen := make([]atomic.Int32, n)
		For(workers, n, func(i int) { seen[i].Add(1) })
		for i := range seen {
			if c := seen[i].Load(); c != 1 {
				t.Fatalf("index %d visited %d times", i, c)
			}
		}
	})
}

func TestEachReportsTheEarliestError(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 3000).Draw(t, "n")
		chunk := rapid.IntRange(0, 100).Draw(t, "chunk")
		bad := rapid.SliceOfDistinct(rapid.IntRange(0, n-1), func(i int) int { return i }).Draw(t, "bad")
		isBad := map[int]bool{}
		first := n
		for _, b := range bad {
			isBad[b] = true
			first = min(first, b)
		}
		err := Each(n, chunk, func(i int) error {
			if isBad[i] {
				return fmt.Errorf("item %d", i)
			}
			return nil
		})
		switch {
		case len(bad) == 0 && err != nil:
			t.Fatalf("unexpected error %v", err)
		case len(bad) > 0 && (err == nil || err.Error() != fmt.Sprintf("item %d", first)):
			t.Fatalf("error %v, want item %d", err, first)
		}
	})
	if err := Each(0, 10, func(int) error { return errors.New("never") }); err != nil {
		t.Fatal(err)
	}
}

func TestSortFuncSorts(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 4*minParallelSort).Draw(t, "n")
		workers := rapid.IntRange(-1, 5).Draw(t, "workers")
		span := rapid.IntRange(1, 1<<20).Draw(t, "span")
		seed := rapid.Uint64().Draw(t, "seed")
		s := make([]int, n)
		for i := range s {
			seed = seed*6364136223846793005 + 1442695040888963407
			s[i] = int(seed>>33) % span
		}
		want := slices.Clone(s)
		slices.Sort(want)
		SortFunc(s, workers, func(a, b int) int { return a - b })
		if !slices.Equal(s, want) {
			t.Fatalf("SortFunc of %d elements on %d workers differs from slices.Sort", n, workers)
		}
	})
}
