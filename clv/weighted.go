package clv

import "fmt"

// keepPositive validates every item, naming the first bad one by its index
// and what (e.g. "pattern 3: …"), and returns those with a positive weight
// with their total weight; no such item is ErrNoData.
func keepPositive[T any](items []T, what string, validate func(T) error, weight func(T) float64) ([]T, float64, error) {
	kept := make([]T, 0, len(items))
	n := 0.0
	for i, it := range items {
		if err := validate(it); err != nil {
			return nil, 0, fmt.Errorf("%s %d: %w", what, i, err)
		}
		if w := weight(it); w > 0 {
			kept = append(kept, it)
			n += w
		}
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
