// Package parallel runs loops over indices on several goroutines with
// results that do not depend on how the work was split: the one home of
// the module's parallel loops.
package parallel

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// For calls f(0), …, f(n−1) on up to workers goroutines (at least one) and
// waits for them. Calls may run in any order; f must only write state that
// belongs to its index.
func For(workers, n int, f func(i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

// Ranges calls f on the consecutive ranges [0, chunk), [chunk, 2·chunk), …
// of [0, n) on runtime.GOMAXPROCS(0) goroutines. It returns the error of the
// earliest range that failed, so an error names the same item a serial loop
// would have stopped at.
func Ranges(n, chunk int, f func(lo, hi int) error) error {
	if n <= 0 {
		return nil
	}
	chunk = max(chunk, 1)
	chunks := (n + chunk - 1) / chunk
	errs := make([]error, chunks)
	For(runtime.GOMAXPROCS(0), chunks, func(c int) {
		errs[c] = f(c*chunk, min((c+1)*chunk, n))
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Each calls f(0), …, f(n−1) in ranges of chunk items as Ranges does; a
// range stops at its first error, and the error returned is that of the
// earliest failing range.
func Each(n, chunk int, f func(i int) error) error {
	return Ranges(n, chunk, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			if err := f(i); err != nil {
				return err
			}
		}
		return nil
	})
}

// minParallelSort is the length below which SortFunc sorts on one
// goroutine: shorter slices sort faster than goroutines start.
const minParallelSort = 1 << 14

// SortFunc sorts s by cmp, as slices.SortFunc does, on up to workers
// goroutines: s is split in place around the median of a sample, into the
// elements below it, those equal to it and those above, and the two outer
// parts are sorted at once. It needs no memory beside s. cmp must be a
// strict weak order; elements that compare equal may end in any order (as
// with slices.SortFunc), so a caller that needs the same bits every time
// must compare in full.
func SortFunc[T any](s []T, workers int, cmp func(a, b T) int) {
	if workers <= 1 || len(s) < minParallelSort {
		slices.SortFunc(s, cmp)
		return
	}
	var sample [63]T
	for i := range sample {
		sample[i] = s[i*(len(s)-1)/(len(sample)-1)]
	}
	slices.SortFunc(sample[:], cmp)
	pivot := sample[len(sample)/2]
	// s[:lt] < pivot, s[lt:i] = pivot, s[gt:] > pivot; s[i:gt] is to see.
	lt, i, gt := 0, 0, len(s)
	for i < gt {
		switch c := cmp(s[i], pivot); {
		case c < 0:
			s[lt], s[i] = s[i], s[lt]
			lt, i = lt+1, i+1
		case c > 0:
			gt--
			s[i], s[gt] = s[gt], s[i]
		default:
			i++
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		SortFunc(s[:lt], workers/2, cmp)
	}()
	SortFunc(s[gt:], workers-workers/2, cmp)
	wg.Wait()
}
