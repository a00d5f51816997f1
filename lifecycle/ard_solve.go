package lifecycle

import (
	"cmp"
	"math/bits"
	"slices"
)

// The knapsack behind PlanARD. Items are the eligible candidates in their
// canonical order, with integer costs (budget units), returns and
// potential-value gaps (cents); a group holds the items of which at most one
// may be chosen (the offers to one customer). Every method maximises the
// same lexicographic score — return, then lower cost, then gap — so that
// the exact methods agree with each other and with a brute-force search.

// autoMethod lets solve choose the method by the problem's size.
const autoMethod ARDMethod = 255

// score is a set of items' totals, compared by return, then cost (lower is
// better), then gap.
type score struct{ ret, cost, gap int64 }

func (s score) plus(c *candidate) score {
	return score{s.ret + c.ret, s.cost + c.cost, s.gap + c.gap}
}

// better reports whether s is strictly better than t.
func (s score) better(t score) bool {
	if s.ret != t.ret {
		return s.ret > t.ret
	}
	if s.cost != t.cost {
		return s.cost < t.cost
	}
	return s.gap > t.gap
}

// solution is the items chosen (indices, ascending) and how.
type solution struct {
	chosen []int
	score  score
	method ARDMethod
	exact  bool
	bound  int64 // an upper bound on the return, in cents
}

// solve chooses items within budget B by method (autoMethod: the first of
// enumeration, dynamic programming and greedy that the size allows).
func solve(items []*candidate, B int64, method ARDMethod) solution {
	groups, of := grouping(items)
	g := costGCD(items)
	if method == autoMethod {
		switch {
		case combinations(groups) <= ARDEnumerationLimit:
			method = ARDEnumeration
		case dpFits(len(items), groups, B/g):
			method = ARDDynamicProgramming
		default:
			method = ARDGreedy
		}
	}
	var sol solution
	switch method {
	case ARDEnumeration:
		sol = enumerate(items, groups, B)
	case ARDDynamicProgramming:
		sol = dynamic(items, groups, B, g)
	default:
		sol = greedy(items, of, B)
	}
	sol.method = method
	sol.exact = method != ARDGreedy
	slices.Sort(sol.chosen)
	if sol.exact {
		sol.bound = sol.score.ret
	}
	return sol
}

// grouping returns the groups of items (indices, in order) in order of
// their first item, and each item's group.
func grouping(items []*candidate) ([][]int, []int) {
	index := map[[2]string]int{}
	var groups [][]int
	of := make([]int, len(items))
	for k, c := range items {
		gi, ok := index[c.group]
		if !ok {
			gi = len(groups)
			index[c.group] = gi
			groups = append(groups, nil)
		}
		groups[gi] = append(groups[gi], k)
		of[k] = gi
	}
	return groups, of
}

// combinations is Π (group size + 1), or more than ARDEnumerationLimit.
func combinations(groups [][]int) int {
	n := 1
	for _, g := range groups {
		n *= len(g) + 1
		if n > ARDEnumerationLimit {
			return ARDEnumerationLimit + 1
		}
	}
	return n
}

// costGCD is the greatest common divisor of the items' positive costs, 1
// when there are none.
func costGCD(items []*candidate) int64 {
	g := int64(0)
	for _, c := range items {
		a, b := c.cost, g
		for b != 0 {
			a, b = b, a%b
		}
		g = a
	}
	return max(g, 1)
}

// dpFits reports whether the dynamic programme over W+1 budget units fits
// the documented limits: its work is items × (W+1) steps, its memory groups
// × (W+1) choices.
func dpFits(items int, groups [][]int, W int64) bool {
	if W > ARDBudgetUnitsLimit || int64(items)*(W+1) > ARDCellsLimit {
		return false
	}
	for _, g := range groups {
		if len(g) > 1<<16-1 {
			return false
		}
	}
	return true
}

// enumerate tries every combination of at most one item per group within
// the budget, keeping the first strictly best: exact.
func enumerate(items []*candidate, groups [][]int, B int64) solution {
	var best solution
	var cur []int
	var walk func(gi int, s score)
	walk = func(gi int, s score) {
		if gi == len(groups) {
			if s.better(best.score) {
				best = solution{chosen: slices.Clone(cur), score: s}
			}
			return
		}
		walk(gi+1, s)
		for _, k := range groups[gi] {
			if c := items[k]; s.cost+c.cost <= B {
				cur = append(cur, k)
				walk(gi+1, s.plus(c))
				cur = cur[:len(cur)-1]
			}
		}
	}
	walk(0, score{})
	return best
}

// dynamic is the multiple-choice knapsack's dynamic programme over the
// budget in units of g: best[w] is the best score of the groups seen so far
// costing at most w units, and choice records, per group and w, which item
// (1-based; 0 for none) reached it. Exact: the score order is a total order
// that addition preserves, so the best set for w either leaves the group
// out or adds one item to the best set for w − its cost.
func dynamic(items []*candidate, groups [][]int, B, g int64) solution {
	W := int(B / g)
	prev, cur := make([]score, W+1), make([]score, W+1)
	choice := make([]uint16, len(groups)*(W+1))
	for gi, grp := range groups {
		copy(cur, prev)
		row := choice[gi*(W+1) : (gi+1)*(W+1)]
		for j, k := range grp {
			c := items[k]
			cw := int(c.cost / g)
			for w := cw; w <= W; w++ {
				if cand := prev[w-cw].plus(c); cand.better(cur[w]) {
					cur[w], row[w] = cand, uint16(j+1)
				}
			}
		}
		prev, cur = cur, prev
	}
	sol := solution{score: prev[W]}
	w := W
	for gi := len(groups) - 1; gi >= 0; gi-- {
		if j := choice[gi*(W+1)+w]; j > 0 {
			k := groups[gi][j-1]
			sol.chosen = append(sol.chosen, k)
			w -= int(items[k].cost / g)
		}
	}
	return sol
}

// byRatio orders items by return per unit of cost, highest first (a free
// item first of all), then by return, gap and position.
func byRatio(items []*candidate) []int {
	order := make([]int, len(items))
	for k := range order {
		order[k] = k
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := items[i], items[j]
		// a.ret/a.cost vs b.ret/b.cost as a.ret·b.cost vs b.ret·a.cost,
		// in 128 bits (returns are positive, costs non-negative).
		ahi, alo := bits.Mul64(uint64(a.ret), uint64(b.cost))
		bhi, blo := bits.Mul64(uint64(b.ret), uint64(a.cost))
		if c := cmp.Or(cmp.Compare(bhi, ahi), cmp.Compare(blo, alo)); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(b.ret, a.ret), cmp.Compare(b.gap, a.gap), cmp.Compare(i, j))
	})
	return order
}

// greedy is the approximation: the greedy fill by return per unit of cost,
// or the best single item followed by the same fill when that is better,
// with the linear relaxation's bound (groups relaxed too), rounded up.
func greedy(items []*candidate, of []int, B int64) solution {
	order := byRatio(items)
	fill := func(start int) solution {
		used := map[int]bool{}
		var sol solution
		if start >= 0 {
			sol.chosen, sol.score = []int{start}, score{}.plus(items[start])
			used[of[start]] = true
		}
		for _, k := range order {
			if c := items[k]; !used[of[k]] && sol.score.cost+c.cost <= B {
				sol.chosen = append(sol.chosen, k)
				sol.score = sol.score.plus(c)
				used[of[k]] = true
			}
		}
		return sol
	}
	best := fill(-1)
	single := -1
	for k, c := range items {
		if c.cost <= B && (single < 0 || score{}.plus(c).better(score{}.plus(items[single]))) {
			single = k
		}
	}
	if single >= 0 {
		if alt := fill(single); alt.score.better(best.score) {
			best = alt
		}
	}
	// Items that cost more than the whole budget are in no plan: leaving
	// them out keeps the bound valid and makes it tight enough for the
	// one-half guarantee.
	rem, bound := B, int64(0)
	for _, k := range order {
		c := items[k]
		if c.cost > B {
			continue
		}
		if c.cost <= rem {
			rem -= c.cost
			bound += c.ret
			continue
		}
		// The fraction rem/cost of the first item that does not fit,
		// rounded up: ret·rem/cost < ret, so the quotient fits.
		hi, lo := bits.Mul64(uint64(c.ret), uint64(rem))
		q, r := bits.Div64(hi, lo, uint64(c.cost))
		if r > 0 {
			q++
		}
		bound += int64(q)
		break
	}
	best.bound = max(bound, best.score.ret)
	return best
}
