package clv

import (
	"math"
	"slices"
)

// Double-exponential (tanh-sinh) quadrature in log space: the fallback that
// makes every expectation of the models computable to near double precision
// where their series cancel, overflow or converge too slowly.
//
// The substitution x = c + h·tanh(π/2·sinh t) maps (lo, hi) onto the real
// line and makes the transformed integrand decay double-exponentially, so the
// trapezoidal rule in t converges geometrically in the number of nodes, even
// for integrable endpoint singularities such as the p^(a−1) of a beta
// density with a < 1 (Takahasi & Mori 1974; Bailey, Jeyabalan & Li 2005,
// "A comparison of three high-precision quadrature schemes"). Each node's
// distances to both endpoints are computed without cancellation, so an
// integrand can evaluate ln p and ln(1−p) to full relative precision down to
// p ≈ 1e−300. Integrands are passed as logarithms and summed with a running
// scale, so values far outside float64's range (e^±1000) are handled.
//
// Accuracy: the level sums are refined (h halved) until two successive
// estimates agree to deTol; the error of the last estimate is then far below
// the difference (it falls roughly as the square of the previous one). An
// interval that has not converged after deMaxLevel halvings is split in two
// and each half integrated again, at most deMaxDepth times: this resolves
// interior peaks narrower than the node spacing. The only approximation
// left is cutting the t axis at deTMax, i.e. ignoring the mass closer than
// about 1e−300 to an endpoint, which is below 1e−14 of the total for
// endpoint singularities no stronger than x^(−0.95).

const (
	deH0       = 0.5   // step of level 0
	deTMax     = 6.25  // nodes beyond are closer than ~1e−300 to an endpoint
	deMaxLevel = 8     // h = deH0/2^8 at most
	deTol      = 1e-13 // relative change between levels that ends refinement
	deMaxDepth = 8     // interval splits when a level sequence does not converge
)

// deNode is a node of the rule on (−1, 1): its distance to the nearer
// endpoint (d ∈ (0, 1]) and the log of its weight dx/dt.
type deNode struct{ d, lnw float64 }

// deLevels[k] holds the nodes added at level k for t > 0, t = j·h with j
// odd (or every j ≥ 1 at level 0); t = 0 is the node d = 1, weight π/2.
var deLevels = func() [][]deNode {
	levels := make([][]deNode, deMaxLevel+1)
	for k := range levels {
		h := deH0 / float64(int(1)<<k)
		step, first := 2, 1
		if k == 0 {
			step = 1
		}
		for j := first; float64(j)*h <= deTMax; j += step {
			t := float64(j) * h
			u := math.Pi / 2 * math.Sinh(t)
			e := math.Exp(-2 * u)
			// distance to the endpoint 1 − tanh u = 2e/(1+e); weight
			// (π/2) cosh t sech²u = 2π cosh t · e/(1+e)².
			levels[k] = append(levels[k], deNode{
				d:   2 * e / (1 + e),
				lnw: math.Log(2*math.Pi*math.Cosh(t)) - 2*u - 2*math.Log1p(e),
			})
		}
	}
	return levels
}()

// logAcc accumulates Σ e^{lᵢ} as sum·e^{scale} without overflow.
type logAcc struct{ scale, sum float64 }

func newLogAcc() logAcc { return logAcc{scale: math.Inf(-1)} }

func (a *logAcc) add(l float64) {
	if l > a.scale {
		if a.sum != 0 {
			a.sum *= math.Exp(a.scale - l)
		}
		a.scale = l
	}
	if !math.IsInf(l, -1) {
		a.sum += math.Exp(l - a.scale)
	}
}

// log returns ln Σ e^{lᵢ}, −Inf for an empty or all-zero sum.
func (a logAcc) log() float64 {
	if a.sum == 0 {
		return math.Inf(-1)
	}
	return a.scale + math.Log(a.sum)
}

// logIntegrand is an integrand given as its logarithm at x, with the
// distances x − lo and hi − x passed separately so that neither loses
// precision near its endpoint. It returns −Inf where the integrand is 0.
type logIntegrand func(x, dlo, dhi float64) float64

// deBudget bounds the evaluations of one integral.
const deBudget = 200_000

// logIntegral returns ln ∫_lo^hi e^{f(x)} dx for lo < hi, splitting first at
// each point of splits strictly inside (lo, hi). ok is false when the rule
// did not converge within its budget or the integrand produced NaN; the
// value is then not to be trusted.
func logIntegral(lo, hi float64, splits []float64, f logIntegrand) (float64, bool) {
	pts := []float64{lo}
	for _, s := range splits {
		if s > lo && s < hi && !math.IsNaN(s) {
			pts = append(pts, s)
		}
	}
	pts = append(pts, hi)
	slices.Sort(pts[1 : len(pts)-1])
	pts = slices.Compact(pts)
	acc := newLogAcc()
	evals := 0
	for i := 0; i+1 < len(pts); i++ {
		// The integrand sees distances from the original endpoints, so
		// that a split costs no precision near them (adding a positive
		// offset to a distance has no cancellation; adding 0 is exact).
		a, b := pts[i], pts[i+1]
		offLo, offHi := a-lo, hi-b
		sub := func(x, dlo, dhi float64) float64 { return f(x, offLo+dlo, offHi+dhi) }
		l, ok := deAdaptive(a, b, sub, deMaxDepth, &evals)
		if !ok {
			return l, false
		}
		acc.add(l)
	}
	return acc.log(), true
}

// deAdaptive integrates over (lo, hi), halving the interval when the level
// sums do not converge.
func deAdaptive(lo, hi float64, f logIntegrand, depth int, evals *int) (float64, bool) {
	l, ok := deLog(lo, hi, f, evals)
	if ok || depth == 0 || *evals > deBudget {
		return l, ok && !math.IsNaN(l)
	}
	mid := lo + (hi-lo)/2
	left := func(x, dlo, dhi float64) float64 { return f(x, dlo, dhi+(hi-mid)) }
	right := func(x, dlo, dhi float64) float64 { return f(x, dlo+(mid-lo), dhi) }
	l1, ok1 := deAdaptive(lo, mid, left, depth-1, evals)
	l2, ok2 := deAdaptive(mid, hi, right, depth-1, evals)
	acc := newLogAcc()
	acc.add(l1)
	acc.add(l2)
	return acc.log(), ok1 && ok2
}

// deLog is one tanh-sinh integration of e^f over (lo, hi) with level
// refinement. It reports whether two successive levels agreed to deTol.
func deLog(lo, hi float64, f logIntegrand, evals *int) (float64, bool) {
	half := (hi - lo) / 2
	if !(half > 0) {
		return math.Inf(-1), half == 0
	}
	lnHalf := math.Log(half)
	width := hi - lo
	// node evaluates the term at distance d·half·… from one endpoint.
	node := func(n deNode, right bool) float64 {
		*evals++
		near := n.d * half
		far := width - near
		var v float64
		if right {
			v = f(hi-near, far, near)
		} else {
			v = f(lo+near, near, far)
		}
		return v + n.lnw + lnHalf
	}
	// Level 0: walk out from the centre and note where the terms stop
	// mattering on each side, so finer levels skip the far nodes.
	acc := newLogAcc()
	acc.add(f(lo+half, half, half) + math.Log(math.Pi/2) + lnHalf)
	*evals++
	cut := [2]int{len(deLevels[0]), len(deLevels[0])}
	for side := range 2 {
		for j, n := range deLevels[0] {
			v := node(n, side == 1)
			if math.IsNaN(v) {
				return math.NaN(), false
			}
			acc.add(v)
			// Past t = 2 the node weights fall double-exponentially; once
			// a term is below 1e−20 of the sum it stays negligible.
			if j >= 3 && v < acc.scale-46 {
				cut[side] = j + 1
				break
			}
		}
	}
	h := deH0
	est := acc.log() + math.Log(h)
	for k := 1; k <= deMaxLevel; k++ {
		h /= 2
		tLimit := [2]float64{float64(cut[0]) * deH0, float64(cut[1]) * deH0}
		for side := range 2 {
			for j, n := range deLevels[k] {
				if float64(2*j+1)*h > tLimit[side] {
					break
				}
				v := node(n, side == 1)
				if math.IsNaN(v) {
					return math.NaN(), false
				}
				acc.add(v)
			}
		}
		next := acc.log() + math.Log(h)
		// A log of size L is itself only known to L·eps, which is then the
		// relative precision of the integral: ask for no more than that.
		if math.Abs(math.Expm1(next-est)) <= max(deTol, 4*eps*math.Abs(next)) {
			return next, true
		}
		est = next
		if *evals > deBudget {
			break
		}
	}
	return est, false
}

// betaLogExpect returns ln E[g(p)] for p ~ Beta(a, b), with g given as ln g
// of (p, 1−p), both passed to full relative precision. The integrand is
// split at the beta mode and at the caller's points (where g changes
// fastest), so that each piece has its peak at an endpoint, where the rule
// is finest.
//
// For a < 1 the density's p^(a−1) singularity at 0 is removed by the
// substitution u = p^a on the first piece (p^(a−1) dp = du/a), and likewise
// q^(b−1) at 1 with v = q^b for b < 1: without it a tiny a would leave mass
// of order ε^a below the smallest node ε ≈ 1e−300 (a tenth of the total for
// a = 0.003), and the rule would not converge.
func betaLogExpect(a, b float64, splits []float64, lng func(p, q float64) float64) (float64, bool) {
	lnB := lbeta(a, b)
	pts := []float64{}
	for _, s := range splits {
		if s > 0 && s < 1 {
			pts = append(pts, s)
		}
	}
	if a > 1 && b > 1 {
		pts = append(pts, (a-1)/(a+b-2))
	}
	if len(pts) == 0 {
		pts = append(pts, 0.5)
	}
	slices.Sort(pts)
	pts = slices.Compact(pts)
	first, last := pts[0], pts[len(pts)-1]
	acc := newLogAcc()
	// Middle pieces: the density as it is.
	if len(pts) > 1 {
		l, ok := logIntegral(first, last, pts[1:len(pts)-1], func(_, dlo, dhi float64) float64 {
			p, q := first+dlo, (1-last)+dhi
			return (a-1)*math.Log(p) + (b-1)*math.Log(q) - lnB + lng(p, q)
		})
		if !ok {
			return l, false
		}
		acc.add(l)
	}
	// (0, first]: in u = p^a when a < 1.
	l, ok := endPiece(a, b, first, 1-first, lnB, func(p, q float64) float64 { return lng(p, q) })
	if !ok {
		return l, false
	}
	acc.add(l)
	// [last, 1): the same with the roles of p and q exchanged.
	l, ok = endPiece(b, a, 1-last, last, lnB, func(q, p float64) float64 { return lng(p, q) })
	if !ok {
		return l, false
	}
	acc.add(l)
	return acc.log(), true
}

// endPiece returns ln ∫₀^w p^(a−1) q^(b−1) e^{lng(p, q)} dp / B(a, b) with
// q = 1 − p, where wc = 1 − w is given so that q keeps full precision near
// w, integrating in u = p^a when a < 1. Where p = u^(1/a) underflows, p is 0:
// the integrand's limit there.
func endPiece(a, b, w, wc, lnB float64, lng func(p, q float64) float64) (float64, bool) {
	if a >= 1 {
		return logIntegral(0, w, nil, func(_, dlo, dhi float64) float64 {
			if dlo <= 0 {
				return math.Inf(-1)
			}
			q := wc + dhi
			return (a-1)*math.Log(dlo) + (b-1)*math.Log(q) - lnB + lng(dlo, q)
		})
	}
	top := math.Pow(w, a)
	return logIntegral(0, top, nil, func(_, dlo, dhi float64) float64 {
		p := math.Exp(math.Log(dlo) / a)
		q := 1 - p
		if dhi < 0.25*top {
			// Near u = top, p is near w: take q from its distance to w.
			// p = w·(1 − dhi/top)^(1/a), so w − p = −w·expm1(log1p(−dhi/top)/a).
			q = wc - w*math.Expm1(math.Log1p(-dhi/top)/a)
		}
		return (b-1)*math.Log(q) - lnB - math.Log(a) + lng(p, q)
	})
}
