package clv

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestPatternCounterIsAMap checks the counter against a Go map keyed by
// the triple (mergeByKey): the same patterns in the same first-seen order
// with the same weights to the bit, over streams with many repeats, −0
// beside +0, zero weights and enough distinct patterns to grow the table
// several times.
func TestPatternCounterIsAMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pool := rapid.IntRange(1, 10000).Draw(t, "pool")
		n := rapid.IntRange(0, 20000).Draw(t, "n")
		seed := rapid.Uint64().Draw(t, "seed")
		next := func() uint64 {
			seed = seed*6364136223846793005 + 1442695040888963407
			return seed >> 11
		}
		ps := make([]Pattern, n)
		for i := range ps {
			k := next() % uint64(pool)
			x := int(k % 7)
			tx, T := float64(k%13)/7, float64(k%13)/7+float64(k/91)
			if x == 0 {
				tx = 0
			}
			if next()%5 == 0 {
				tx = math.Copysign(tx, -1) // −0 where tx is 0
				if tx != 0 {
					tx = -tx
				}
			}
			ps[i] = Pattern{Frequency: x, Recency: tx, T: T, Weight: float64(next()%4) / 3}
		}
		type key struct {
			x     int
			tx, t float64
		}
		want := mergeByKey(ps, func(p Pattern) key { return key{p.Frequency, p.Recency, p.T} },
			func(p Pattern) float64 { return p.Weight }, func(p *Pattern, w float64) { p.Weight += w })
		var c PatternCounter
		for _, p := range ps {
			if err := c.Add(p); err != nil {
				t.Fatal(err)
			}
		}
		got := c.Patterns()
		if c.Len() != len(want) || !slices.EqualFunc(got, want, func(a, b Pattern) bool {
			return a.Frequency == b.Frequency && math.Float64bits(a.Recency) == math.Float64bits(b.Recency) &&
				math.Float64bits(a.T) == math.Float64bits(b.T) && math.Float64bits(a.Weight) == math.Float64bits(b.Weight)
		}) {
			t.Fatalf("counter gave %d patterns, a map %d:\n%v\n%v", c.Len(), len(want), got, want)
		}
	})
}

func TestPatternCounterRefusesInvalid(t *testing.T) {
	var c PatternCounter
	for _, p := range []Pattern{
		{Frequency: 1, Recency: math.NaN(), T: 3, Weight: 1},
		{Frequency: 1, Recency: 2, T: 1, Weight: 1},
		{Frequency: -1, Recency: 0, T: 1, Weight: 1},
		{Frequency: 1, Recency: 1, T: 2, Weight: -1},
		{Frequency: 1, Recency: 1, T: math.Inf(1), Weight: 1},
	} {
		if err := c.Add(p); !errors.Is(err, ErrInvalidSummary) {
			t.Errorf("Add(%+v) = %v, want ErrInvalidSummary", p, err)
		}
	}
	if c.Len() != 0 || len(c.Patterns()) != 0 {
		t.Errorf("invalid patterns were counted: %v", c.Patterns())
	}
	var nilCounter *PatternCounter
	if err := nilCounter.Add(Pattern{T: 1, Weight: 1}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("Add on a nil counter: %v", err)
	}
	if nilCounter.Len() != 0 || nilCounter.Patterns() != nil {
		t.Error("a nil counter is not empty")
	}
}

// TestPropOrderPatterns: the integer order of pattern bits is
// comparePatterns then the weight, for valid patterns of positive weight
// without −0 — and preparePatterns turns −0 into +0, merging the two.
func TestPropOrderPatterns(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		num := rapid.OneOf(rapid.Float64Range(0, 100), rapid.SampledFrom([]float64{0, 1, 2.5, 1e-300, math.MaxFloat64}))
		draw := func(name string) Pattern {
			T := num.Draw(t, name+"T")
			return Pattern{Frequency: rapid.IntRange(0, 3).Draw(t, name+"x"), Recency: T * rapid.SampledFrom([]float64{0, 0.5, 1}).Draw(t, name+"f"), T: T,
				Weight: rapid.SampledFrom([]float64{1e-9, 0.5, 1, 3}).Draw(t, name+"w")}
		}
		a, b := draw("a"), draw("b")
		want := comparePatterns(a, b)
		if want == 0 {
			want = cmp.Compare(a.Weight, b.Weight)
		}
		if got := orderPatterns(a, b); got != want {
			t.Fatalf("orderPatterns(%+v, %+v) = %d, want %d", a, b, got, want)
		}
	})
	negZero := math.Copysign(0, -1)
	ps, n, err := preparePatterns([]Pattern{{Frequency: 0, Recency: negZero, T: 5, Weight: 1}, {Frequency: 0, Recency: 0, T: 5, Weight: 2}, {Frequency: 1, Recency: 0, T: negZero, Weight: 1}, {Frequency: 1, Recency: 0, T: 0, Weight: 1}})
	if err != nil || n != 5 || len(ps) != 2 || ps[0].Weight != 3 || ps[1].Weight != 2 || math.Signbit(ps[0].Recency) || math.Signbit(ps[1].T) {
		t.Errorf("preparePatterns with −0: %+v, %v, %v", ps, n, err)
	}
}
