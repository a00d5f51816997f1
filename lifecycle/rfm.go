package lifecycle

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// RFMScore is a customer's recency, frequency and monetary scores, 1 (worst)
// to k (best), with the raw values they came from.
type RFMScore struct {
	ID      string
	R, F, M int
	// DaysSinceLast, Purchases and Spend are the raw values scored.
	DaysSinceLast, Purchases int
	Spend                    decimal.Decimal
}

// quantileScores scores values 1..k by the share of values strictly worse:
// score = 1 + ⌊k · worse / n⌋, capped at k. Equal values have the same number
// of worse values, so ties always score alike, and the score depends only
// on the multiset of values, never on their order.
func quantileScores(n, k int, worse func(i int) int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = min(k, 1+k*worse(i)/n)
	}
	return out
}

// countBelow returns, for each value, how many values are strictly smaller,
// in O(n log n).
func countBelow[T any](vals []T, cmp func(a, b T) int) []int {
	type pair struct {
		v T
		i int32
	}
	ps := make([]pair, len(vals))
	for i, v := range vals {
		ps[i] = pair{v, int32(i)}
	}
	slices.SortFunc(ps, func(a, b pair) int { return cmp(a.v, b.v) })
	out := make([]int, len(vals))
	for j := 0; j < len(ps); {
		e := j
		for e < len(ps) && cmp(ps[e].v, ps[j].v) == 0 {
			e++
		}
		for _, p := range ps[j:e] {
			out[p.i] = j
		}
		j = e
	}
	return out
}

// RFMOptions configures ScoreRFM.
type RFMOptions struct {
	// Classes is k, the number of quantile classes of each score, 2 to 100:
	// scores run from 1 (worst) to k (best). Zero means 5.
	Classes int
}

// ScoreRFM scores buyers (prospects are skipped) into k = opts.Classes
// quantile classes. Recency is reversed: the fewer days since the last
// purchase, the higher R. The tie rule: a customer's score is
// 1 + ⌊k · (number of customers strictly worse) / n⌋, so equal values score
// alike whatever the input order. Days since the last purchase are
// calendar days in each history's Location (History.DaysSinceLast). The
// output follows the input order. Every history must be valid and its ID
// unique: a customer counted twice would shift everyone's quantiles.
func ScoreRFM(hs []History, opts RFMOptions) ([]RFMScore, error) {
	k := opts.Classes
	if k == 0 {
		k = 5
	}
	if k < 2 || k > 100 {
		return nil, fmt.Errorf("%w: RFM needs 2 to 100 classes, got k = %d", ErrInvalidConfig, k)
	}
	var buyers []int // indices into hs: histories are large, so not copied
	seen := make(map[string]struct{}, len(hs))
	for i := range hs {
		if err := hs[i].Validate(); err != nil {
			return nil, fmt.Errorf("history %d: %w", i, err)
		}
		if _, dup := seen[hs[i].ID]; dup {
			return nil, fmt.Errorf("%w: history %d: customer %s appears twice", ErrInvalidInput, i, clip.Quote(hs[i].ID))
		}
		seen[hs[i].ID] = struct{}{}
		if !hs[i].First.IsZero() {
			buyers = append(buyers, i)
		}
	}
	n := len(buyers)
	rec := make([]int, n)
	freq := make([]int, n)
	mon := make([]decimal.Decimal, n)
	for j, i := range buyers {
		rec[j], freq[j], mon[j] = hs[i].DaysSinceLast(), hs[i].Purchases, hs[i].Spend
	}
	intCmp := func(a, b int) int { return a - b }
	// Recency is reversed: worse means more days since the last purchase.
	rb := countBelow(rec, func(a, b int) int { return b - a })
	fb := countBelow(freq, intCmp)
	var mb []int
	if keys, ok := moneyKeys(mon); ok {
		mb = countBelow(keys, func(a, b int64) int { return cmp.Compare(a, b) })
	} else {
		mb = countBelow(mon, func(a, b decimal.Decimal) int { return a.Cmp(b) })
	}
	r := quantileScores(n, k, func(i int) int { return rb[i] })
	f := quantileScores(n, k, func(i int) int { return fb[i] })
	m := quantileScores(n, k, func(i int) int { return mb[i] })
	out := make([]RFMScore, n)
	for j, i := range buyers {
		out[j] = RFMScore{ID: hs[i].ID, R: r[j], F: f[j], M: m[j], DaysSinceLast: rec[j], Purchases: freq[j], Spend: mon[j]}
	}
	return out, nil
}

// moneyKeys maps amounts to int64 counts of 10^−scale units, the smallest
// scale holding them all exactly, when that scale is at most 9 and every
// amount is below 10^9: comparing the keys is then exactly comparing the
// amounts, and much faster than comparing decimals.
func moneyKeys(vals []decimal.Decimal) ([]int64, bool) {
	var scale int32
	limit := decimal.New(1, 9)
	for _, v := range vals {
		scale = max(scale, -v.Exponent())
		if scale > 9 || v.Abs().GreaterThanOrEqual(limit) {
			return nil, false
		}
	}
	keys := make([]int64, len(vals))
	for i, v := range vals {
		keys[i] = v.Shift(scale).IntPart()
	}
	return keys, true
}

// Range is an inclusive range of scores.
type Range struct{ Lo, Hi int }

// Segment is a named box of RFM scores.
type Segment struct {
	Name    string
	R, F, M Range
}

// SegmentMap assigns RFM cells to segments. Build one with NewSegmentMap,
// which checks that every cell of [1,k]³ is in exactly one segment. The zero
// value (and a nil *SegmentMap) has no segments: Segment reports an error
// for every score. A SegmentMap is immutable and safe for concurrent use.
type SegmentMap struct {
	k        int
	segments []Segment
	cell     []int        // segment index per (r, f, m) cell
	facts    [][]clv.Fact // the explanation's facts per cell
}

// NewSegmentMap validates segments over scores 1..k: it fails, naming the
// first offending cell, when a cell has no segment (a gap) or two (an
// overlap), or a range lies outside 1..k.
func NewSegmentMap(k int, segments []Segment) (*SegmentMap, error) {
	if k < 2 || k > 20 {
		return nil, fmt.Errorf("%w: segment maps need 2 to 20 classes, got k = %d", ErrInvalidConfig, k)
	}
	m := &SegmentMap{k: k, segments: slices.Clone(segments), cell: make([]int, k*k*k)}
	for i := range m.cell {
		m.cell[i] = -1
	}
	for si, s := range segments {
		for _, rg := range []Range{s.R, s.F, s.M} {
			if rg.Lo < 1 || rg.Hi > k || rg.Lo > rg.Hi {
				return nil, fmt.Errorf("%w: segment %d (%s): range [%d, %d] outside 1..%d", ErrInvalidConfig, si, clip.Quote(s.Name), rg.Lo, rg.Hi, k)
			}
		}
		for r := s.R.Lo; r <= s.R.Hi; r++ {
			for f := s.F.Lo; f <= s.F.Hi; f++ {
				for mm := s.M.Lo; mm <= s.M.Hi; mm++ {
					c := m.index(r, f, mm)
					if m.cell[c] >= 0 {
						return nil, fmt.Errorf("%w: cell R%d F%d M%d is in both %s and %s", ErrInvalidConfig, r, f, mm, clip.Quote(segments[m.cell[c]].Name), clip.Quote(s.Name))
					}
					m.cell[c] = si
				}
			}
		}
	}
	m.facts = make([][]clv.Fact, len(m.cell))
	rng := func(r Range) string { return strconv.Itoa(r.Lo) + ".." + strconv.Itoa(r.Hi) }
	for r := 1; r <= k; r++ {
		for f := 1; f <= k; f++ {
			for mm := 1; mm <= k; mm++ {
				c := m.index(r, f, mm)
				if m.cell[c] < 0 {
					return nil, fmt.Errorf("%w: cell R%d F%d M%d is in no segment", ErrInvalidConfig, r, f, mm)
				}
				seg := segments[m.cell[c]]
				m.facts[c] = []clv.Fact{
					{Name: "R", Value: strconv.Itoa(r), Op: clv.OpIn, Limit: rng(seg.R), Held: true},
					{Name: "F", Value: strconv.Itoa(f), Op: clv.OpIn, Limit: rng(seg.F), Held: true},
					{Name: "M", Value: strconv.Itoa(mm), Op: clv.OpIn, Limit: rng(seg.M), Held: true},
				}
			}
		}
	}
	return m, nil
}

func (m *SegmentMap) index(r, f, mm int) int { return ((r-1)*m.k+(f-1))*m.k + (mm - 1) }

// RuleRFMSegment is SegmentMap.Segment's rule: a customer belongs to the
// segment whose ranges hold their R, F and M scores. The segment's name is
// returned beside the explanation.
const RuleRFMSegment clv.Rule = "rfm/segment"

// Segment returns the segment of a score, with the reason. Scores outside
// 1..k, and a nil or zero SegmentMap, are errors.
func (m *SegmentMap) Segment(s RFMScore) (string, clv.Explanation, error) {
	if m == nil || m.k == 0 {
		return "", clv.Explanation{}, fmt.Errorf("%w: nil or zero SegmentMap (build one with NewSegmentMap)", ErrInvalidConfig)
	}
	if s.R < 1 || s.R > m.k || s.F < 1 || s.F > m.k || s.M < 1 || s.M > m.k {
		return "", clv.Explanation{}, fmt.Errorf("%w: customer %s: scores R%d F%d M%d outside 1..%d", ErrInvalidInput, clip.Quote(s.ID), s.R, s.F, s.M, m.k)
	}
	c := m.index(s.R, s.F, s.M)
	seg := m.segments[m.cell[c]]
	// The facts were written once per cell; each caller gets its own copy.
	return seg.Name, clv.Explanation{Rule: RuleRFMSegment, Facts: slices.Clone(m.facts[c])}, nil
}

// DefaultSegments is the usual map for five classes, over recency and
// frequency (any monetary score): Champions, Loyal, Potential loyalist, New,
// Promising, Need attention, About to sleep, At risk, Can't lose them,
// Hibernating and Lost. It is total and non-overlapping (NewSegmentMap
// checks it).
func DefaultSegments() []Segment {
	all := Range{1, 5}
	seg := func(name string, r, f Range) Segment { return Segment{Name: name, R: r, F: f, M: all} }
	return []Segment{
		seg("Champions", Range{4, 5}, Range{4, 5}),
		seg("Loyal", Range{3, 3}, Range{4, 5}),
		seg("Potential loyalist", Range{4, 5}, Range{2, 3}),
		seg("New", Range{5, 5}, Range{1, 1}),
		seg("Promising", Range{4, 4}, Range{1, 1}),
		seg("Need attention", Range{3, 3}, Range{3, 3}),
		seg("About to sleep", Range{3, 3}, Range{1, 2}),
		seg("At risk", Range{2, 2}, Range{3, 5}),
		seg("Can't lose them", Range{1, 1}, Range{4, 5}),
		seg("Hibernating", Range{2, 2}, Range{1, 2}),
		seg("Lost", Range{1, 1}, Range{1, 3}),
	}
}

// Classes returns k, the number of RFM classes the map covers (0 for a nil
// or zero map).
func (m *SegmentMap) Classes() int {
	if m == nil {
		return 0
	}
	return m.k
}

// Names returns the segment names of the map, in its order (nil for a nil or
// zero map), so that configuration naming a segment can be checked against
// it.
func (m *SegmentMap) Names() []string {
	if m == nil {
		return nil
	}
	out := make([]string, len(m.segments))
	for i, s := range m.segments {
		out[i] = s.Name
	}
	return out
}
