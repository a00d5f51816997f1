package clv

import "math"

// Special functions the models need, written for the ranges they use.
//
// digamma is our own because gonum's mathext.Digamma is accurate to about
// 5e-11 only, which shows in gradients and standard errors. The others are
// short series whose convergence we control and test (gonum's Hypergeo
// returns NaN without an error for z >= 1).

// digamma returns ψ(x) for x > 0, accurate to a few ulps: the recurrence
// ψ(x) = ψ(x+1) − 1/x moves x above 10, then the asymptotic series.
func digamma(x float64) float64 {
	var acc float64
	for x < 10 {
		acc -= 1 / x
		x++
	}
	x2 := 1 / (x * x)
	// Bernoulli terms B_2k/(2k) of the asymptotic expansion.
	series := x2 * (1.0/12 - x2*(1.0/120-x2*(1.0/252-x2*(1.0/240-x2*(1.0/132-x2*(691.0/32760-x2/12))))))
	return acc + math.Log(x) - 0.5/x - series
}

// lgamma returns ln Γ(x) for x > 0.
func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// lbeta returns ln B(a, b) for a, b > 0.
func lbeta(a, b float64) float64 { return lgamma(a) + lgamma(b) - lgamma(a+b) }

// log1pexp returns ln(1 + e^z) without overflow.
func log1pexp(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// sigmoid returns e^z/(1 + e^z) = d/dz log1pexp(z).
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// maxSeriesTerms bounds every series below. With a ratio of successive
// terms below z < 1 they converge long before; the bound only matters for
// arguments within about 1e-5 of the radius of convergence, i.e. horizons
// some 10^5 times longer than the customer's history.
const maxSeriesTerms = 1_000_000

// hyp1 returns F = ₂F₁(1, b; c; z) = Σₙ (b)ₙ/(c)ₙ zⁿ for c > b > 0 and
// 0 ≤ z < 1, with the derivatives of F with respect to b, c and z. Every
// term is positive, so the sum has no cancellation, and because c > b it
// converges even at z = 1 (geometrically faster below). It is the Pareto/NBD
// likelihood's hypergeometric function after Euler's transformation.
func hyp1(b, c, z float64) (f, db, dc, dz float64) {
	term, f := 1.0, 1.0
	var sb, sc float64 // Σ 1/(b+k), Σ 1/(c+k) for k < n
	for n := 0; n < maxSeriesTerms; n++ {
		fn := float64(n)
		sb += 1 / (b + fn)
		sc += 1 / (c + fn)
		term *= (b + fn) / (c + fn) * z
		f += term
		db += term * sb
		dc -= term * sc
		dz += term * (fn + 1)
		if term <= 1e-17*f {
			break
		}
	}
	if z > 0 {
		dz /= z
	} else {
		dz = b / c
	}
	return f, db, dc, dz
}

// hypRatio returns S = Σ_{n≥1} (B+1)_{n−1} (D)_n / ((C)_n n!) zⁿ for
// 0 ≤ z < 1: the part of ₂F₁(B, D; C; z) = 1 + B·S left after dividing out
// its parameter B, so that callers can take the limit B → 0 exactly.
func hypRatio(b, d, c, z float64) float64 {
	if z == 0 {
		return 0
	}
	term := d / c * z
	s := term
	for n := 1; n < maxSeriesTerms; n++ {
		fn := float64(n)
		term *= (b + fn) * (d + fn) / ((c + fn) * (fn + 1)) * z
		s += term
		if math.Abs(term) <= 1e-17*math.Abs(s) {
			break
		}
	}
	return s
}

// oneMinusHypOverB returns G = (1 − ₂F₁(A, B; C; −y))/B for y ≥ 0, the
// bracket of the BG/NBD and MBG/NBD expectations after Pfaff's
// transformation (see REFERENCES.md). With z = y/(1+y) ∈ [0, 1) and
// L = ln(1+y), Pfaff gives ₂F₁(A, B; C; −y) = e^{−BL}·₂F₁(B, C−A; C; z), so
// G = −expm1(−BL)/B − e^{−BL}·S(B, C−A, C, z), finite for every B including
// B = 0 (a = 1 in the models), with no overflow for large A.
func oneMinusHypOverB(a, b, c, y float64) float64 {
	if y == 0 {
		return 0
	}
	l := math.Log1p(y)
	z := y / (1 + y)
	first := l
	if b != 0 {
		first = -math.Expm1(-b*l) / b
	}
	return first - math.Exp(-b*l)*hypRatio(b, c-a, c, z)
}
