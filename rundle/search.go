package rundle

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/shopspring/decimal"
)

// This file holds the integer search behind OptimizeMixed and the proof that
// it is exact.
//
// # Setting
//
// Prices are counted in ticks and every reservation price and cost is a
// whole number of ticks, so all quantities below are integers. A pricing is
// x = (x₀, x₁, …, x_k): x₀ the bundle price, xᵢ component i's. Buyer b buys
// the bundle when x₀ ≤ T_b(x) = Σᵢ min(r_bi, xᵢ), and otherwise every
// component with xᵢ ≤ r_bi. This is Evaluate's tie rule restated: the
// bundle's surplus R_b − x₀ is at least the best separate surplus
// Σᵢ (r_bi − xᵢ)⁺ exactly when x₀ ≤ T_b, the bundle wins ties, and a buyer
// indifferent to a component buys it. Profit is Σ over bundle buyers of
// x₀ − C plus Σ over separate purchases of xᵢ − cᵢ.
//
// Coordinate c ranges over lo_c … top_c: lo_c is the cost (zero with
// AllowBelowCost) and top_c one tick above the largest reservation price
// (the largest bundle valuation for the bundle). Every price above that
// earns exactly what top_c earns — nobody buys, and min(r, top) = r — so
// top_c stands for "not offered" and the domain is finite.
//
// # Piecewise-constant demand
//
// Call two pricings equivalent when every buyer makes the same choice.
// Between equivalent pricings profit changes by Σ_c n_c·d_c, where d is the
// difference and n_c ≥ 0 counts the buyers paying price c. Let x* be the
// optimal pricing that is largest in lexicographic order (bundle price
// first; the domain is finite). For d ≥ 0, d ≠ 0, x*+d is not equivalent to
// x* (or leaves the domain): it would be an optimum larger than x*. For
// any d whose first non-zero entry is positive, x*+d and x*−d are not both
// equivalent to x*: one of them would earn at least as much, and be either
// a larger optimum or a better pricing. Raising one price by a tick changes
// a choice only in the ways listed here:
//
//   - x₀+1: a bundle buyer with T_b = x₀ leaves the bundle.
//   - xᵢ+1: a buyer with r_bi = xᵢ stops buying i, or a non-bundle buyer
//     with xᵢ < r_bi and T_b = x₀−1 switches to the bundle. Bundle buyers
//     stay: T_b cannot fall.
//
// Write Pᵢ for the set of reservation prices of component i, m_b for the
// part of T_b due to components held fixed and a "tight" buyer for a bundle
// buyer with T_b = x₀.
//
// The lemmas hold some prices fixed and apply the above to the largest
// optimum x* of what is left free.
//
// Lemma 1 (one component free with the bundle). Fix every price but x₀ and
// xᵢ. Then xᵢ ∈ Pᵢ ∪ {topᵢ}, or x₀ = m_b + r_bi for some buyer b. Proof:
// with no bundle (x₀ = top₀) raising xᵢ changes a choice only if xᵢ ∈ Pᵢ.
// Otherwise raise x₀ and xᵢ together. A non-bundle buyer has T_b ≤ x₀−1 and
// T_b grows by at most one, so none switches. A separate buyer of i drops
// out only if xᵢ ∈ Pᵢ. A bundle buyer leaves only if T_b = x₀ and
// xᵢ ≥ r_bi, which is the second case. Given either coordinate the other
// is then found exactly by a one-dimensional sweep (below), so trying
// xᵢ ∈ Pᵢ ∪ {topᵢ} with a bundle-price sweep and those bundle prices with a
// sweep of xᵢ finds a pricing as good as x*.
//
// Lemma 2 (two components free with the bundle). Fix every price but x₀, xᵢ
// and x_j. If xᵢ or x_j lies in P ∪ {top}, Lemma 1 applies with it fixed.
// Otherwise both are below top, so there is a bundle (without one, raising
// xᵢ changes a choice only if xᵢ ∈ Pᵢ) and some buyer is tight (raise x₀
// alone). Raise x₀, xᵢ and x_j together: a tight buyer leaves
// only if r_bi ≤ xᵢ and r_bj ≤ x_j, giving (B1) x₀ = m_b + r_bi + r_bj; a
// non-bundle buyer switches only if both its mins grow and T_b = x₀−1,
// giving (B2) xᵢ + x_j = x₀ − 1 − m_b.
//
//   - (B1) x₀ is one of n values. Raising xᵢ alone must let a non-bundle
//     buyer b switch, so xᵢ = x₀ − 1 − m_b − r_bj, or xᵢ + x_j = x₀−1−m_b.
//     Likewise for x_j. If both are on such a diagonal (the same one),
//     move along ±(eᵢ − e_j): one direction must change a choice or leave
//     the domain, which pins xᵢ to loᵢ, to r+1 for some r ∈ Pᵢ, to
//     x₀ − m_b − r_bj or to x₀ − 1 − m_b − r_bj (or x_j symmetrically). So
//     one coordinate lies in a set of O(n) values and a sweep of the other
//     finishes.
//   - (B2) Raising x₀ with xᵢ makes a tight buyer leave with r_bi < xᵢ; if
//     also r_bj ≤ x_j that is (B1), else x_j = x₀ − m_b − r_bi. Likewise
//     xᵢ = x₀ − m_{b'} − r_{b'j}. With the diagonal this gives
//     xᵢ = m_b + r_bi − 1 − m_{b''}: O(n²) values, each finished by Lemma 1.
//
// With no fixed component (two components in all) m ≡ 0 and (B2) and the
// diagonals of (B1) cannot occur: a tight buyer has x₀ ≤ T_b ≤ xᵢ + x_j.
//
// Three components. The diagonals do not close: with costs 2, 2, 2 and
// buyers (8, 8, 0), (8, 0, 8), (0, 8, 8), (5, 5, 5) the only optimum is
// 7, 7, 7 with the bundle at 15 (profit 39), and 7 = (15 − 1 − 0)/2 is
// neither a reservation price nor a sum or difference of them: each
// component price sits on a diagonal with another. So with three
// components the search tries every tick price of one component (the one
// with the fewest) and solves the other two exactly by Lemma 2.
//
// # Sweeps
//
// With all prices but one fixed, profit as a function of the free price is
// linear with a non-negative slope between the points where some buyer's
// choice changes, so its maximum lies at the right end of a piece: for the
// bundle price the values T_b (a buyer buys while x₀ ≤ T_b); for xᵢ the
// values r_bi (buys while xᵢ ≤ r_bi) and u_b − 1 where u_b = x₀ minus the
// rest of T_b (switches to the bundle from xᵢ = u_b on); and topᵢ. A sweep
// visits these in order and scores each in constant time. The order comes
// from buyers sorted once per loop of the search: a key of the form
// c_b + min(r_bj, x_j) is sorted for every x_j by merging the buyers sorted
// by c_b + r_bj (those with r_bj ≤ x_j) and by c_b (the others), so a sweep
// costs O(n) and a search of s sweeps O(s·n) after O(n log n) per loop.

// problem is a market in whole ticks.
type problem struct {
	k, n  int
	col   [][]int64 // col[i][b]: buyer b's reservation for component i
	cost  []int64
	total int64 // bundle cost: the sum of cost
	// lo and top bound coordinate c (0 the bundle, 1+i component i).
	lo, top []int64
	// res[i] is Pᵢ: component i's distinct reservation prices, ascending;
	// all[i] the same with repeats; byR[i] the buyers in that order.
	res, all [][]int64
	byR      [][]int32

	evals int64
	best  []int64 // the best pricing so far; nil before the first
	bestV int64

	// scratch space of the sweeps
	tb, sep []int64
	isE     []bool
	uE      []pair
	tmp     keyOrder
}

type pair struct{ v, w int64 }

// newProblem converts m to ticks of size tick (positive), with lower bounds
// at the costs unless belowCost. It reports an error naming the amount that
// is not a whole number of ticks or too large for exact integer arithmetic.
func newProblem(m Market, tick decimal.Decimal, belowCost bool) (*problem, error) {
	k, n := len(m.Costs), len(m.Buyers)
	// Profits sum at most n+1 terms of at most (k+2)·limit each: keep that
	// below 2⁶² with room for the candidates' small offsets.
	limit := int64(math.MaxInt64/4) / int64(k+2) / int64(n+1)
	conv := func(v decimal.Decimal, what string) (int64, error) {
		q, rem := v.QuoRem(tick, 0)
		if !rem.IsZero() {
			return 0, fmt.Errorf("%w: %s %s is not a whole number of ticks of %s (set OptimizeOptions.Tick)", ErrInvalidInput, what, v, tick)
		}
		if q.Cmp(decimal.NewFromInt(limit)) > 0 {
			return 0, fmt.Errorf("%w: %s %s is %s ticks of %s, more than the exact search handles for %d buyers (%d ticks)", ErrInvalidInput, what, v, q, tick, n, limit)
		}
		return q.IntPart(), nil
	}
	p := &problem{k: k, n: n, col: make([][]int64, k), cost: make([]int64, k),
		lo: make([]int64, k+1), top: make([]int64, k+1), res: make([][]int64, k), all: make([][]int64, k), byR: make([][]int32, k)}
	var err error
	for i := range k {
		p.col[i] = make([]int64, n)
	}
	for i, c := range m.Costs {
		if p.cost[i], err = conv(c, fmt.Sprintf("cost of component %d", i)); err != nil {
			return nil, err
		}
		p.total += p.cost[i]
	}
	if p.total > limit {
		return nil, fmt.Errorf("%w: bundle cost of %d ticks is more than the exact search handles", ErrInvalidInput, p.total)
	}
	var maxR int64
	for b, buyer := range m.Buyers {
		var sum int64
		for i, v := range buyer.Reservation {
			if p.col[i][b], err = conv(v, fmt.Sprintf("buyer %q: reservation price for component %d", buyer.ID, i)); err != nil {
				return nil, err
			}
			sum += p.col[i][b]
		}
		if sum > limit {
			return nil, fmt.Errorf("%w: buyer %q values the bundle at more than the exact search handles", ErrInvalidInput, buyer.ID)
		}
		maxR = max(maxR, sum)
	}
	for i := range k {
		ord := make([]int32, n)
		for b := range ord {
			ord[b] = int32(b)
		}
		slices.SortStableFunc(ord, func(a, b int32) int { return cmp.Compare(p.rv(int(a), i), p.rv(int(b), i)) })
		col := make([]int64, n)
		for j, b := range ord {
			col[j] = p.rv(int(b), i)
		}
		p.byR[i], p.all[i] = ord, col
		p.res[i] = slices.Compact(slices.Clone(col))
		if !belowCost {
			p.lo[1+i] = p.cost[i]
		}
		u := int64(0)
		if n > 0 {
			u = col[n-1]
		}
		p.top[1+i] = max(u+1, p.lo[1+i])
	}
	if !belowCost {
		p.lo[0] = p.total
	}
	p.top[0] = max(maxR+1, p.lo[0])
	p.isE, p.tb, p.sep = make([]bool, n), make([]int64, n), make([]int64, n)
	return p, nil
}

func (p *problem) rv(b, i int) int64 { return p.col[i][b] }

// record keeps x when it earns more than the best so far or as much at
// lower prices: components in order, then the bundle (not offered counts as
// the highest price). The order is total, so the result does not depend on
// the order in which pricings are tried.
func (p *problem) record(x []int64, v int64) {
	if p.best != nil {
		if v < p.bestV {
			return
		}
		if v == p.bestV {
			c := slices.Compare(x[1:], p.best[1:])
			if c > 0 || (c == 0 && x[0] >= p.best[0]) {
				return
			}
		}
	}
	p.best = append(p.best[:0], x...)
	p.bestV = v
}

// profit scores one pricing directly.
func (p *problem) profit(x []int64) int64 {
	var v int64
	for b := range p.n {
		var t, s int64
		for i := range p.k {
			r := p.rv(b, i)
			t += min(r, x[1+i])
			if x[1+i] <= r {
				s += x[1+i] - p.cost[i]
			}
		}
		if x[0] <= t {
			v += x[0] - p.total
		} else {
			v += s
		}
	}
	return v
}

// keyOrder lists the buyers in ascending order of c_b + min(r_bj, x_j) for
// any x_j (of c_b alone when j < 0).
type keyOrder struct {
	j         int
	c         []int64
	byC, byCR []int32
	out       []int32
}

// prepare sorts the buyers for o.c, which the caller has filled, and j.
func (p *problem) prepare(o *keyOrder, j int) {
	o.j = j
	fill := func(s []int32) []int32 {
		s = s[:0]
		for b := range p.n {
			s = append(s, int32(b))
		}
		return s
	}
	o.byC = fill(o.byC)
	slices.SortFunc(o.byC, func(a, b int32) int { return cmp.Compare(o.c[a], o.c[b]) })
	if j >= 0 {
		o.byCR = fill(o.byCR)
		slices.SortFunc(o.byCR, func(a, b int32) int {
			return cmp.Compare(o.c[a]+p.rv(int(a), j), o.c[b]+p.rv(int(b), j))
		})
	}
}

// newOrder returns an order for key c_b + min(r_bj, x_j), where c_b sums
// min(r_bl, x_l) over the components l not in skip.
func (p *problem) newOrder(x []int64, j int, skip ...int) *keyOrder {
	o := &keyOrder{c: make([]int64, p.n)}
	for b := range p.n {
		for l := range p.k {
			if l != j && !slices.Contains(skip, l) {
				o.c[b] += min(p.rv(b, l), x[1+l])
			}
		}
	}
	p.prepare(o, j)
	return o
}

// ordered returns the buyers in ascending key order at x_j = xj, merging
// those with r_bj ≤ xj (key c_b + r_bj) and the others (key c_b + xj).
func (p *problem) ordered(o *keyOrder, xj int64) []int32 {
	if o.j < 0 {
		return o.byC
	}
	j := o.j
	out := o.out[:0]
	ia, ib := 0, 0
	for {
		for ia < len(o.byCR) && p.rv(int(o.byCR[ia]), j) > xj {
			ia++
		}
		for ib < len(o.byC) && p.rv(int(o.byC[ib]), j) <= xj {
			ib++
		}
		if ia == len(o.byCR) && ib == len(o.byC) {
			break
		}
		if ib == len(o.byC) || (ia < len(o.byCR) && o.c[o.byCR[ia]]+p.rv(int(o.byCR[ia]), j) <= o.c[o.byC[ib]]+xj) {
			out = append(out, o.byCR[ia])
			ia++
		} else {
			out = append(out, o.byC[ib])
			ib++
		}
	}
	o.out = out
	return out
}

// sortedBy returns the buyers in ascending order of key, for sweeps with no
// prepared order.
func (p *problem) sortedBy(key func(b int) int64) []int32 {
	o := &p.tmp
	o.c = append(o.c[:0], make([]int64, p.n)...)
	for b := range p.n {
		o.c[b] = key(b)
	}
	p.prepare(o, -1)
	return o.byC
}

// sweepBundle sets x[0] to the best bundle price given the components'
// prices and records it; ord lists the buyers by ascending T_b (nil: sort
// them). It returns the profit.
func (p *problem) sweepBundle(x []int64, ord []int32) int64 {
	tb, sep := p.tb, p.sep
	clear(tb)
	clear(sep)
	var sepSum int64
	for i := range p.k {
		xi, ci := x[1+i], p.cost[i]
		for b, r := range p.col[i] {
			if xi <= r {
				tb[b] += xi
				sep[b] += xi - ci
				sepSum += xi - ci
			} else {
				tb[b] += r
			}
		}
	}
	if ord == nil {
		ord = p.sortedBy(func(b int) int64 { return tb[b] })
	}
	bestX, bestV := p.top[0], sepSum
	p.evals++
	// Descending T: at each distinct value t, the buyers with T_b ≥ t buy
	// the bundle and the rest buy separately.
	var cnt, sepAbove int64
	for j := len(ord) - 1; j >= 0; {
		t := tb[ord[j]]
		for ; j >= 0 && tb[ord[j]] == t; j-- {
			cnt++
			sepAbove += sep[ord[j]]
		}
		if t < p.lo[0] {
			break
		}
		if t >= p.top[0] {
			continue
		}
		p.evals++
		// Descending, so ≥ keeps the lowest price among ties.
		if v := (t-p.total)*cnt + sepSum - sepAbove; v >= bestV {
			bestX, bestV = t, v
		}
	}
	x[0] = bestX
	p.record(x, bestV)
	return bestV
}

// sweepComp sets x[1+i] to the best price of component i given the other
// prices and records it; ord lists the buyers by ascending a_b, the part of
// T_b not due to component i (nil: sort them). It returns the profit.
func (p *problem) sweepComp(x []int64, i int, ord []int32) int64 {
	x0 := x[0]
	as, base := p.tb, p.sep
	clear(as)
	clear(base)
	var baseSum int64
	for j := range p.k {
		if j == i {
			continue
		}
		xj, cj := x[1+j], p.cost[j]
		for b, r := range p.col[j] {
			if xj <= r {
				as[b] += xj
				base[b] += xj - cj
				baseSum += xj - cj
			} else {
				as[b] += r
			}
		}
	}
	if ord == nil {
		ord = p.sortedBy(func(b int) int64 { return as[b] })
	}
	// Buyers who can be brought to the bundle (E), by ascending u_b: they
	// take it from xᵢ = u_b on, paying x₀ instead of their separate margin.
	p.uE = p.uE[:0]
	ri := p.col[i]
	for j := len(ord) - 1; j >= 0; j-- {
		b := ord[j]
		p.isE[b] = as[b]+ri[b] >= x0
		if p.isE[b] {
			p.uE = append(p.uE, pair{x0 - as[b], x0 - p.total - base[b]})
		}
	}
	lo, top, ci := p.lo[1+i], p.top[1+i], p.cost[i]
	all, byR, res := p.all[i], p.byR[i], p.res[i]
	var iu, iCand, iRes, ira, ire int
	var sumW int64
	bestX, bestV := top, int64(math.MinInt64)
	score := func(v int64) {
		for iu < len(p.uE) && p.uE[iu].v <= v {
			sumW += p.uE[iu].w
			iu++
		}
		for ira < len(all) && all[ira] < v {
			// Bundle-eligible buyers with r < v no longer count among the
			// separate buyers of i at v below.
			if p.isE[byR[ira]] {
				ire++
			}
			ira++
		}
		// Separate buyers of i at v: those with r ≥ v less the bundle
		// buyers with r ≥ v (for them u ≤ r: the bundle buyers less those
		// with r < v).
		buyers := int64(p.n-ira) - int64(iu-ire)
		p.evals++
		if val := baseSum + sumW + buyers*(v-ci); val > bestV {
			bestX, bestV = v, val
		}
	}
	// Candidates in ascending order: u_b − 1 for b in E, the reservation
	// prices, top; at least lo, each once.
	last := int64(math.MinInt64)
	for {
		v := top
		if iCand < len(p.uE) && p.uE[iCand].v-1 < v {
			v = p.uE[iCand].v - 1
		}
		if iRes < len(res) && res[iRes] < v {
			v = res[iRes]
		}
		if v >= lo && v > last {
			score(v)
			last = v
		}
		if v == top {
			break
		}
		for iCand < len(p.uE) && p.uE[iCand].v-1 <= v {
			iCand++
		}
		for iRes < len(res) && res[iRes] <= v {
			iRes++
		}
	}
	x[1+i] = bestX
	p.record(x, bestV)
	return bestV
}

// uniqueIn returns the distinct values of vals within [lo, hi), ascending.
func uniqueIn(vals []int64, lo, hi int64) []int64 {
	out := vals[:0]
	for _, v := range vals {
		if v >= lo && v < hi {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// withTop returns the values of set at or above lo and below top, and top.
func withTop(set []int64, lo, top int64) []int64 {
	out := make([]int64, 0, len(set)+1)
	for _, v := range set {
		if v >= lo && v < top {
			out = append(out, v)
		}
	}
	return append(out, top)
}

// pairSearch is Lemma 1: component i and the bundle free, the rest fixed.
func (p *problem) pairSearch(x []int64, i int) {
	byT := p.newOrder(x, i) // T_b = c_b + min(r_bi, xᵢ)
	for _, v := range withTop(p.res[i], p.lo[1+i], p.top[1+i]) {
		x[1+i] = v
		p.sweepBundle(x, p.ordered(byT, v))
	}
	byA := p.newOrder(x, -1, i) // a_b, fixed here
	ts := make([]int64, p.n)
	for b := range p.n {
		ts[b] = byA.c[b] + p.rv(b, i)
	}
	for _, t := range uniqueIn(ts, p.lo[0], p.top[0]) {
		x[0] = t
		p.sweepComp(x, i, byA.byC)
	}
}

// tripleSearch is Lemma 2: components i and j and the bundle free.
func (p *problem) tripleSearch(x []int64, i, j int) {
	pi := withTop(p.res[i], p.lo[1+i], p.top[1+i])
	pj := withTop(p.res[j], p.lo[1+j], p.top[1+j])
	// One of xᵢ, x_j in P ∪ {top}: Lemma 1 with it fixed. The bundle
	// sweeps over both in P ∪ {top} are shared by the two cases.
	for _, vi := range pi {
		x[1+i] = vi
		byT := p.newOrder(x, j) // T_b = (m_b + min(r_bi, xᵢ)) + min(r_bj, x_j)
		for _, vj := range pj {
			x[1+j] = vj
			p.sweepBundle(x, p.ordered(byT, vj))
		}
	}
	ts := make([]int64, 0, p.n)
	for _, c := range [2][2]int{{i, j}, {j, i}} {
		free, fixed := c[0], c[1]
		byA := p.newOrder(x, fixed, free) // a_b = m_b + min(r_b,fixed, x_fixed)
		for _, v := range withTop(p.res[fixed], p.lo[1+fixed], p.top[1+fixed]) {
			x[1+fixed] = v
			ord := p.ordered(byA, v)
			ts = ts[:0]
			for b := range p.n {
				ts = append(ts, byA.c[b]+min(p.rv(b, fixed), v)+p.rv(b, free))
			}
			for _, t := range uniqueIn(ts, p.lo[0], p.top[0]) {
				x[0] = t
				p.sweepComp(x, free, ord)
			}
		}
	}
	m := make([]int64, p.n)
	for b := range p.n {
		for l := range p.k {
			if l != i && l != j {
				m[b] += min(p.rv(b, l), x[1+l])
			}
		}
	}
	context := p.k > 2 // with no fixed component m ≡ 0: no diagonals
	// (B1): the bundle price is one buyer's m + r_i + r_j.
	ts = ts[:0]
	for b := range p.n {
		ts = append(ts, m[b]+p.rv(b, i)+p.rv(b, j))
	}
	bundles := slices.Clone(uniqueIn(ts, p.lo[0], p.top[0]))
	var cs []int64
	for _, c := range [2][2]int{{i, j}, {j, i}} {
		fix, other := c[0], c[1]
		if !context && fix == j {
			break // two components: xᵢ = x₀ − 1 − r_bj always holds
		}
		byA := p.newOrder(x, fix, fix, other) // a_b = m_b + min(r_b,fix, x_fix)
		for _, t := range bundles {
			x[0] = t
			cs = cs[:0]
			for b := range p.n {
				cs = append(cs, t-1-m[b]-p.rv(b, other))
				if context {
					cs = append(cs, t-m[b]-p.rv(b, other))
				}
			}
			if context {
				cs = append(cs, p.lo[1+fix])
				for _, r := range p.res[fix] {
					cs = append(cs, r+1)
				}
			}
			for _, v := range uniqueIn(cs, p.lo[1+fix], p.top[1+fix]) {
				x[1+fix] = v
				p.sweepComp(x, other, p.ordered(byA, v))
			}
		}
	}
	if !context {
		return
	}
	// (B2): xᵢ = m_b + r_bi − 1 − m_b'.
	cs = cs[:0]
	for b := range p.n {
		for b2 := range p.n {
			cs = append(cs, m[b]+p.rv(b, i)-1-m[b2])
		}
	}
	for _, v := range uniqueIn(cs, p.lo[1+i], p.top[1+i]) {
		x[1+i] = v
		p.pairSearch(x, j)
	}
}

// exactCost returns an upper bound on the evaluations of exact, and the
// component whose every tick the search tries (−1 with fewer than three).
func (p *problem) exactCost() (float64, int) {
	n := float64(p.n)
	perSweep := 2*n + 2
	pairSweeps := 2*n + 1
	switch p.k {
	case 1:
		return pairSweeps * perSweep, -1
	case 2:
		return ((n+1)*(n+1) + 2*(n+1)*n + n*n) * perSweep, -1
	}
	l, size := 0, int64(math.MaxInt64)
	for i := range p.k {
		if s := p.top[1+i] - p.lo[1+i] + 1; s < size {
			l, size = i, s
		}
	}
	triple := (n+1)*(n+1) + 2*(n+1)*n + n*2*(3*n+1) + n*n*pairSweeps
	return float64(size) * triple * perSweep, l
}

// exact runs the search for k ≤ 3 components.
func (p *problem) exact() {
	x := make([]int64, p.k+1)
	copy(x, p.top)
	switch p.k {
	case 1:
		p.pairSearch(x, 0)
	case 2:
		p.tripleSearch(x, 0, 1)
	case 3:
		_, l := p.exactCost()
		i, j := (l+1)%3, (l+2)%3
		if i > j {
			i, j = j, i
		}
		for v := p.lo[1+l]; v <= p.top[1+l]; v++ {
			x[1+l] = v
			p.tripleSearch(x, i, j)
		}
	}
}

// ascend improves start one price at a time, each by an exact sweep, until
// a whole round gains nothing or evaluations would pass limit.
func (p *problem) ascend(start []int64, limit float64) {
	x := slices.Clone(start)
	cur := p.profit(x)
	p.evals++
	p.record(x, cur)
	for float64(p.evals) < limit {
		gained := false
		for c := 0; c <= p.k; c++ {
			var v int64
			if c == 0 {
				v = p.sweepBundle(x, nil)
			} else {
				v = p.sweepComp(x, c-1, nil)
			}
			if v > cur {
				cur, gained = v, true
			}
		}
		if !gained {
			return
		}
	}
}
