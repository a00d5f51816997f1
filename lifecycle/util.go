package lifecycle

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

func sortByID[T any](xs []T, id func(T) string) {
	slices.SortStableFunc(xs, func(a, b T) int { return strings.Compare(id(a), id(b)) })
}

// parallelChunks calls f on consecutive chunks of [0, n) from
// runtime.GOMAXPROCS(0) goroutines and returns the error of the earliest
// failing chunk, so errors are reported as a serial loop would.
func parallelChunks(n, chunk int, f func(lo, hi int) error) error {
	chunks := (n + chunk - 1) / chunk
	errs := make([]error, chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), chunks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				errs[c] = f(c*chunk, min((c+1)*chunk, n))
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
