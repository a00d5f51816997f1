package pesca

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/internal/clip"
)

// Sentinel errors of the package.
var (
	// ErrInvalidInput reports bad data.
	ErrInvalidInput = errors.New("pesca: invalid input")
	// ErrInvalidConfig reports inconsistent thresholds, initiatives or plans.
	ErrInvalidConfig = errors.New("pesca: invalid configuration")
)

// Baskets counts market baskets for association rules. It keeps each
// distinct basket (a set of items) with its count, so two Baskets merge
// exactly — counts of the parts equal counts of the whole — and rules can be
// mined again after new purchases (the learning loop). Memory grows with
// distinct baskets, not baskets.
//
// The zero value is an empty counter, ready to use. A nil *Baskets reads as
// empty (Len, Frequent, Rules) and is an error to Add to or Merge into. A
// Baskets is not safe for concurrent use: give each goroutine its own and
// Merge them.
type Baskets struct {
	n      int
	counts map[string]int // basket key (sorted items joined by \x00) → count
}

// NewBaskets returns an empty counter, the same as new(Baskets).
func NewBaskets() *Baskets { return &Baskets{counts: map[string]int{}} }

func basketKey(items []string) (string, error) {
	set := slices.Clone(items)
	slices.Sort(set)
	set = slices.Compact(set)
	for _, it := range set {
		if it == "" || strings.ContainsRune(it, 0) {
			return "", fmt.Errorf("%w: item %s: empty or containing NUL", ErrInvalidInput, clip.Quote(it))
		}
	}
	return strings.Join(set, "\x00"), nil
}

// Add counts one basket; repeated items count once (a basket is a set).
// Empty baskets count towards the total. Items must be non-empty and
// contain no NUL.
func (b *Baskets) Add(items ...string) error {
	if b == nil {
		return fmt.Errorf("%w: Add to a nil *Baskets", ErrInvalidInput)
	}
	k, err := basketKey(items)
	if err != nil {
		return err
	}
	if b.counts == nil {
		b.counts = map[string]int{}
	}
	b.counts[k]++
	b.n++
	return nil
}

// Merge adds other's counts to b, leaving other unchanged (b.Merge(b)
// doubles every count). Either being nil is an error.
func (b *Baskets) Merge(other *Baskets) error {
	switch {
	case b == nil:
		return fmt.Errorf("%w: Merge into a nil *Baskets", ErrInvalidInput)
	case other == nil:
		return fmt.Errorf("%w: Merge of a nil *Baskets", ErrInvalidInput)
	case other == b:
		for k := range b.counts {
			b.counts[k] *= 2
		}
		b.n *= 2
		return nil
	}
	if b.counts == nil && len(other.counts) > 0 {
		b.counts = make(map[string]int, len(other.counts))
	}
	for k, c := range other.counts {
		b.counts[k] += c
	}
	b.n += other.n
	return nil
}

// Len returns the number of baskets counted (0 for nil).
func (b *Baskets) Len() int {
	if b == nil {
		return 0
	}
	return b.n
}

// maxItemsets bounds the frequent itemsets Frequent builds and the rules
// Rules examines: a few baskets of many items with a tiny support would
// otherwise ask for 2^items of them.
const maxItemsets = 1 << 20

// Itemset is a frequent set of items with its support (share of baskets
// that contain it).
type Itemset struct {
	Items   []string
	Count   int
	Support float64
}

// Rule is an association rule X → Y with the usual measures: support
// s(X∪Y), confidence s(X∪Y)/s(X), lift confidence/s(Y), leverage
// s(X∪Y) − s(X)s(Y) and conviction (1 − s(Y))/(1 − confidence), +Inf when
// the confidence is 1.
type Rule struct {
	Antecedent, Consequent                          []string
	Support, Confidence, Lift, Leverage, Conviction float64
}

// Frequent returns the itemsets with support ≥ minSupport (in (0, 1]) and
// present in at least one basket (Apriori over the distinct baskets, each
// weighted by its count), sorted by size, then items. maxLen bounds the
// itemset size (≥ 0; 0 means no bound). More than 2^20 frequent itemsets is
// an error: raise minSupport or set maxLen.
func (b *Baskets) Frequent(minSupport float64, maxLen int) ([]Itemset, error) {
	if !(minSupport > 0 && minSupport <= 1) {
		return nil, fmt.Errorf("%w: minimum support %v outside (0, 1]", ErrInvalidConfig, minSupport)
	}
	if maxLen < 0 {
		return nil, fmt.Errorf("%w: maxLen %d is negative", ErrInvalidConfig, maxLen)
	}
	if b == nil || b.n == 0 {
		return nil, nil
	}
	minCount := max(1, int(math.Ceil(minSupport*float64(b.n)-1e-9)))
	tooMany := fmt.Errorf("%w: more than %d frequent itemsets at support %v: raise it or bound maxLen", ErrInvalidConfig, maxItemsets, minSupport)
	// Items to ints; baskets as sorted int sets.
	type wb struct {
		items []int32
		w     int
	}
	index := map[string]int32{}
	var names []string
	keys := slices.Sorted(maps.Keys(b.counts)) // deterministic item numbering
	itemCount := map[string]int{}
	for _, k := range keys {
		if k == "" {
			continue
		}
		for _, it := range strings.Split(k, "\x00") {
			itemCount[it] += b.counts[k]
		}
	}
	var freqItems []string
	for it, c := range itemCount {
		if c >= minCount {
			freqItems = append(freqItems, it)
		}
	}
	slices.Sort(freqItems)
	for _, it := range freqItems {
		index[it] = int32(len(names))
		names = append(names, it)
	}
	var baskets []wb
	for _, k := range keys {
		if k == "" {
			continue
		}
		var ids []int32
		for _, it := range strings.Split(k, "\x00") {
			if id, ok := index[it]; ok {
				ids = append(ids, id)
			}
		}
		if len(ids) > 0 {
			slices.Sort(ids)
			baskets = append(baskets, wb{ids, b.counts[k]})
		}
		// Every subset of a basket bought often enough is frequent: fail
		// at once rather than after building a million of them.
		if c := b.counts[k]; c >= minCount {
			subsets, limit := 0, len(ids)
			if maxLen > 0 {
				limit = min(limit, maxLen)
			}
			for size := 1; size <= limit && subsets <= maxItemsets; size++ {
				subsets += binom(len(ids), size)
			}
			if subsets > maxItemsets {
				return nil, tooMany
			}
		}
	}
	toItemset := func(ids []int32, c int) Itemset {
		items := make([]string, len(ids))
		for i, id := range ids {
			items[i] = names[id]
		}
		return Itemset{Items: items, Count: c, Support: float64(c) / float64(b.n)}
	}
	var out []Itemset
	var level [][]int32
	for i, it := range names {
		out = append(out, Itemset{Items: []string{it}, Count: itemCount[it], Support: float64(itemCount[it]) / float64(b.n)})
		level = append(level, []int32{int32(i)})
	}
	key := func(ids []int32) string {
		buf := make([]byte, 0, 4*len(ids))
		for _, id := range ids {
			buf = binary.BigEndian.AppendUint32(buf, uint32(id))
		}
		return string(buf)
	}
	for size := 2; len(level) > 1 && (maxLen == 0 || size <= maxLen); size++ {
		prev := map[string]bool{}
		for _, s := range level {
			prev[key(s)] = true
		}
		// Join itemsets sharing their first size−2 items; prune candidates
		// with an infrequent subset.
		cands := map[string][]int32{}
		for i := 0; i < len(level); i++ {
			for j := i + 1; j < len(level); j++ {
				a, c := level[i], level[j]
				if !slices.Equal(a[:size-2], c[:size-2]) {
					break // level is sorted, so no later j shares the prefix
				}
				cand := append(slices.Clone(a), c[size-2])
				ok := true
				for drop := range cand {
					sub := append(slices.Clone(cand[:drop]), cand[drop+1:]...)
					if !prev[key(sub)] {
						ok = false
						break
					}
				}
				if ok {
					cands[key(cand)] = cand
					if len(out)+len(cands) > maxItemsets {
						return nil, tooMany
					}
				}
			}
		}
		if len(cands) == 0 {
			break
		}
		counts := map[string]int{}
		sub := make([]int32, size)
		for _, bk := range baskets {
			if len(bk.items) < size {
				continue
			}
			// Enumerate the basket's subsets of this size when that is
			// cheaper than testing every candidate.
			if binom(len(bk.items), size) <= len(cands) {
				var rec func(start, depth int)
				rec = func(start, depth int) {
					if depth == size {
						if k := key(sub); cands[k] != nil {
							counts[k] += bk.w
						}
						return
					}
					for i := start; i <= len(bk.items)-(size-depth); i++ {
						sub[depth] = bk.items[i]
						rec(i+1, depth+1)
					}
				}
				rec(0, 0)
				continue
			}
			for k, cand := range cands {
				if subset(cand, bk.items) {
					counts[k] += bk.w
				}
			}
		}
		level = level[:0]
		for k, cand := range cands {
			if counts[k] >= minCount {
				level = append(level, cand)
			}
		}
		slices.SortFunc(level, slices.Compare[[]int32])
		for _, s := range level {
			out = append(out, toItemset(s, counts[key(s)]))
		}
	}
	slices.SortStableFunc(out, func(a, b Itemset) int {
		return cmp.Or(cmp.Compare(len(a.Items), len(b.Items)), slices.Compare(a.Items, b.Items))
	})
	return out, nil
}

func binom(n, k int) int {
	r := 1
	for i := 1; i <= k; i++ {
		r = r * (n - k + i) / i
		if r > 1<<30 {
			return 1 << 30
		}
	}
	return r
}

// subset reports whether sorted a is a subset of sorted b.
func subset(a, b []int32) bool {
	i := 0
	for _, x := range b {
		if i < len(a) && a[i] == x {
			i++
		}
	}
	return i == len(a)
}

// Rules mines the association rules with support ≥ minSupport (in (0, 1])
// and confidence ≥ minConfidence (in [0, 1]), sorted by confidence, lift
// and support (descending), then antecedent and consequent. Support and
// confidence are in (0, 1], lift and conviction positive. Examining more
// than 2^20 candidate rules is an error: raise minSupport.
func (b *Baskets) Rules(minSupport, minConfidence float64) ([]Rule, error) {
	if !(minConfidence >= 0 && minConfidence <= 1) {
		return nil, fmt.Errorf("%w: minimum confidence %v outside [0, 1]", ErrInvalidConfig, minConfidence)
	}
	sets, err := b.Frequent(minSupport, 0)
	if err != nil {
		return nil, err
	}
	work := 0
	for _, s := range sets {
		if n := len(s.Items); n >= 2 {
			if n > 20 || work+(1<<n-2) > maxItemsets {
				return nil, fmt.Errorf("%w: more than %d candidate rules at support %v: raise it", ErrInvalidConfig, maxItemsets, minSupport)
			}
			work += 1<<n - 2
		}
	}
	support := map[string]float64{}
	for _, s := range sets {
		support[strings.Join(s.Items, "\x00")] = s.Support
	}
	var out []Rule
	for _, s := range sets {
		n := len(s.Items)
		if n < 2 {
			continue
		}
		for mask := 1; mask < 1<<n-1; mask++ {
			var x, y []string
			for i, it := range s.Items {
				if mask&(1<<i) != 0 {
					x = append(x, it)
				} else {
					y = append(y, it)
				}
			}
			sx, sy := support[strings.Join(x, "\x00")], support[strings.Join(y, "\x00")]
			conf := s.Support / sx
			if conf < minConfidence-1e-12 {
				continue
			}
			r := Rule{Antecedent: x, Consequent: y, Support: s.Support, Confidence: conf, Lift: conf / sy,
				Leverage: s.Support - sx*sy, Conviction: math.Inf(1)}
			if conf < 1 {
				r.Conviction = (1 - sy) / (1 - conf)
			}
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Rule) int {
		return cmp.Or(cmp.Compare(b.Confidence, a.Confidence), cmp.Compare(b.Lift, a.Lift), cmp.Compare(b.Support, a.Support),
			slices.Compare(a.Antecedent, b.Antecedent), slices.Compare(a.Consequent, b.Consequent))
	})
	return out, nil
}
