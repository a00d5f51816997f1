package clv

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"

	"github.com/clvkit/clvkit/internal/parallel"
)

// keepPositive validates every item, naming the first bad one by its index
// and what (e.g. "pattern 3: …"), and returns those with a positive weight
// with their total weight; no such item is ErrNoData.
//
// When every item has a positive weight it returns items itself, not a
// copy: callers must not modify the result.
func keepPositive[T any](items []T, what string, validate func(T) error, weight func(T) float64) ([]T, float64, error) {
	n := 0.0
	var kept []T // a copy, once an item is dropped
	dropped := false
	for i, it := range items {
		if err := validate(it); err != nil {
			return nil, 0, fmt.Errorf("%s %d: %w", what, i, err)
		}
		w := weight(it)
		if !(w > 0) {
			if !dropped {
				kept, dropped = append(make([]T, 0, len(items)), items[:i]...), true
			}
			continue
		}
		n += w
		if dropped {
			kept = append(kept, it)
		}
	}
	if !dropped {
		kept = items
	}
	if len(kept) == 0 {
		return nil, 0, fmt.Errorf("%w: no %s with positive weight", ErrNoData, what)
	}
	return kept, n, nil
}

// mergeByKey folds items with equal keys into the first of them with add,
// keeping first-seen order and dropping items whose weight is zero.
func mergeByKey[T any, K comparable](items []T, key func(T) K, weight func(T) float64, add func(into *T, w float64)) []T {
	index := make(map[K]int, len(items)/4)
	var out []T
	for _, it := range items {
		w := weight(it)
		if w == 0 {
			continue
		}
		k := key(it)
		if i, ok := index[k]; ok {
			add(&out[i], w)
			continue
		}
		index[k] = len(out)
		out = append(out, it)
	}
	return out
}

// canonical sorts items by key (compare) and then by weight, merges items
// with equal keys by adding their weights in that order, and returns them
// with the total weight summed in that order. Floating-point addition is not
// associative, so this is what makes a fit's input, and hence its result,
// the same bits for every permutation of the data.
//
// order, when not nil, is that order (compare, then weight) written out,
// which sorts large inputs faster than the composition of compare and
// weight.
func canonical[T any](items []T, compare func(a, b T) int, weight func(T) float64, add func(into *T, w float64), order func(a, b T) int) ([]T, float64) {
	sorted := slices.Clone(items)
	if order == nil {
		order = func(a, b T) int {
			if c := compare(a, b); c != 0 {
				return c
			}
			return cmp.Compare(weight(a), weight(b))
		}
	}
	parallel.SortFunc(sorted, runtime.GOMAXPROCS(0), order)
	// Merge in place: the write position never passes the read one.
	out := sorted[:0]
	n := 0.0
	for _, it := range sorted {
		n += weight(it)
		if len(out) > 0 && compare(out[len(out)-1], it) == 0 {
			add(&out[len(out)-1], weight(it))
			continue
		}
		out = append(out, it)
	}
	return slices.Clip(out), n
}
