package clv

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// PatternCounter counts customers into weighted patterns as they arrive,
// holding one entry per distinct (Frequency, Recency, T) and never the
// customers themselves: what CompressPatterns does for a slice, for a
// stream of summaries (rows of a file, a database cursor). Weights of equal
// patterns are added in the order they arrive. The zero value is an empty
// counter ready to use; a counter is not safe for concurrent use.
//
// It is an open-addressing hash table specialised to the key: one hash of
// the three numbers per Add and one probe in the common case, about half
// the cost of a Go map keyed by the triple.
type PatternCounter struct {
	// slots holds, for a used slot, the high 32 bits of the key's hash
	// and the index+1 of its pattern; 0 marks an empty slot. Its length
	// is a power of two, at least 4/3 of n: at most three slots in four
	// are used, and a probe rarely leaves its cache line.
	slots []uint64
	// chunks holds the patterns in the order they were first added,
	// chunkLen to a chunk, the last one partly filled: past the first
	// chunk, which grows as a slice does (a small counter stays small),
	// growing the counter adds a chunk and never copies the patterns.
	chunks [][]Pattern
	n      int // distinct patterns
}

// chunkBits sets the patterns a chunk holds (128 KiB of them).
const (
	chunkBits = 12
	chunkLen  = 1 << chunkBits
)

// Add counts p.Weight customers with p's frequency, recency and T. It
// refuses an invalid pattern (see Pattern.Validate) and ignores one of zero
// weight. A nil counter is an error (ErrInvalidOptions), not a panic.
func (c *PatternCounter) Add(p Pattern) error {
	if c == nil {
		return fmt.Errorf("%w: Add on a nil PatternCounter", ErrInvalidOptions)
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if c.n >= math.MaxUint32-1 {
		return fmt.Errorf("clv: more than %d distinct patterns", math.MaxUint32-1)
	}
	c.add(p)
	return nil
}

// add is Add without the checks; NaN never equals itself, so a pattern with
// a NaN is kept apart, as in a Go map.
func (c *PatternCounter) add(p Pattern) {
	if p.Weight == 0 {
		return
	}
	if 4*(c.n+1) > 3*len(c.slots) {
		c.grow()
	}
	h := hashPattern(p)
	tag := h >> 32 << 32
	mask := uint64(len(c.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := c.slots[i]
		if s == 0 {
			if c.n%chunkLen == 0 {
				c.chunks = append(c.chunks, make([]Pattern, 0, min(chunkLen, max(16, 4*c.n))))
			}
			last := &c.chunks[len(c.chunks)-1]
			*last = append(*last, p)
			c.n++
			c.slots[i] = tag | uint64(c.n)
			return
		}
		if s&^0xffffffff == tag {
			k := uint32(s) - 1
			q := &c.chunks[k>>chunkBits][k%chunkLen]
			if q.Frequency == p.Frequency && q.Recency == p.Recency && q.T == p.T {
				q.Weight += p.Weight
				return
			}
		}
	}
}

// grow doubles the table (from 1024 slots) and re-inserts the patterns.
func (c *PatternCounter) grow() {
	c.slots = make([]uint64, max(2*len(c.slots), 1024))
	mask := uint64(len(c.slots) - 1)
	k := uint64(0)
	for _, chunk := range c.chunks {
		for _, p := range chunk {
			k++
			h := hashPattern(p)
			i := h & mask
			for c.slots[i] != 0 {
				i = (i + 1) & mask
			}
			c.slots[i] = h>>32<<32 | k
		}
	}
}

// Len returns the number of distinct patterns counted.
func (c *PatternCounter) Len() int {
	if c == nil {
		return 0
	}
	return c.n
}

// Patterns returns the distinct patterns with their total weights, in the
// order they were first added, in a new slice of its own. Fitting sorts
// them itself; CompressPatterns' order is by frequency, recency and T.
func (c *PatternCounter) Patterns() []Pattern {
	if c == nil || c.n == 0 {
		return nil
	}
	out := make([]Pattern, 0, c.n)
	for _, chunk := range c.chunks {
		out = append(out, chunk...)
	}
	return out
}

// patterns is Patterns without a copy when the patterns are in one chunk:
// for a counter its caller drops.
func (c *PatternCounter) patterns() []Pattern {
	if len(c.chunks) == 1 {
		return slices.Clip(c.chunks[0])
	}
	return c.Patterns()
}

// hashPattern mixes a pattern's key; −0 and +0, which compare equal, hash
// alike.
func hashPattern(p Pattern) uint64 {
	tx, T := p.Recency, p.T
	if tx == 0 {
		tx = 0
	}
	if T == 0 {
		T = 0
	}
	const k1, k2, k3 = 0x9e3779b97f4a7c15, 0xc2b2ae3d27d4eb4f, 0x165667b19e3779f9
	a := mix(math.Float64bits(tx)^k1, math.Float64bits(T)^k2)
	return mix(a^uint64(p.Frequency), k3)
}

// mix returns the high and low halves of a·b xored: a 64-bit mixer in
// which every output bit depends on every input bit.
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}
