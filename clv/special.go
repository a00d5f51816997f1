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

// trigamma returns ψ′(x) = Σₖ 1/(x+k)² for x > 0, accurate to a few ulps:
// the recurrence ψ′(x) = ψ′(x+1) + 1/x² moves x above 10, then the
// asymptotic series 1/x + 1/(2x²) + Σ B₂ₖ/x^(2k+1), whose first omitted
// term is below 1e-16 relative there. It is +Inf for x below about 1e-154,
// where 1/x² overflows.
func trigamma(x float64) float64 {
	var acc float64
	for x < 10 {
		acc += 1 / (x * x)
		x++
	}
	x2 := 1 / (x * x)
	// Bernoulli numbers B_2k of the asymptotic expansion, k = 1..7.
	series := x2 * (1.0/6 - x2*(1.0/30-x2*(1.0/42-x2*(1.0/30-x2*(5.0/66-x2*(691.0/2730-x2*7.0/6))))))
	return acc + 1/x + 0.5*x2 + series/x
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

// hyp1Value returns F = ₂F₁(1, b; c; z) for c > b > 0 and 0 ≤ z < 1 as
// hyp1 does, without derivatives, and a bound on its relative error: every
// term is positive, so rounding costs at most about 3n·eps for n terms, and
// since the ratio of successive terms (b+n)/(c+n)·z increases to z, the tail
// after a term t is at most t·z/(1−z). The bound is +Inf when more than
// fastTerms terms would be needed (z near 1).
func hyp1Value(b, c, z float64) (f, relErr float64) {
	term := 1.0
	f = 1.0
	for n := 0; n < fastTerms; n++ {
		fn := float64(n)
		term *= (b + fn) / (c + fn) * z
		f += term
		tail := term * z / (1 - z)
		if tail <= 1e-17*f {
			return f, 3*(fn+2)*eps + tail/f
		}
	}
	return f, math.Inf(1)
}

// fastTerms bounds the series of the fast paths below: past it, a value is
// computed by quadrature instead (see quadrature.go).
const fastTerms = 4000

// eps is the unit roundoff of float64.
const eps = 0x1p-53

// hypRatio returns S = Σ_{n≥1} (B+1)_{n−1} (D)_n / ((C)_n n!) zⁿ for
// 0 ≤ z < 1: the part of ₂F₁(B, D; C; z) = 1 + B·S left after dividing out
// its parameter B, so that callers can take the limit B → 0 exactly.
//
// It also returns a bound on the absolute error of S: rounding (each term is
// a product of n factors, so its relative error is at most about 4n·eps, and
// the sum adds eps·Σ|tₙ|) plus the tail after the last term, bounded by a
// geometric series once the terms are past their largest (n beyond the
// parameters' size, where the ratio of successive terms tends to z).
// The error is +Inf when the series needs more than fastTerms terms or its
// tail cannot be bounded: the caller must then use another method.
func hypRatio(b, d, c, z float64) (s, errBound float64) {
	if z == 0 {
		return 0, 0
	}
	term := d / c * z
	s = term
	weighted := math.Abs(term) // Σ |tₙ|·n
	for n := 1; n < fastTerms; n++ {
		fn := float64(n)
		ratio := (b + fn) * (d + fn) / ((c + fn) * (fn + 1)) * z
		term *= ratio
		s += term
		weighted += math.Abs(term) * (fn + 1)
		if math.Abs(term) > 1e-17*math.Abs(s) || c+fn+1 <= 0 {
			continue
		}
		// For m > n the ratio is z·(b+m)/(m+1)·(d+m)/(c+m), and each factor
		// is monotone in m (no pole past n) with limit 1, so its size is at
		// most max(|value at n+1|, 1): a geometric bound on the tail.
		m := fn + 1
		rho := z * math.Max(math.Abs((b+m)/(m+1)), 1) * math.Max(math.Abs((d+m)/(c+m)), 1)
		if rho < 1 {
			tail := math.Abs(term) * rho / (1 - rho)
			return s, 6*eps*weighted + tail
		}
	}
	return s, math.Inf(1)
}

// oneMinusHypOverB returns G = (1 − ₂F₁(A, B; C; −y))/B for y ≥ 0, the
// bracket of the BG/NBD and MBG/NBD expectations after Pfaff's
// transformation (see REFERENCES.md). With z = y/(1+y) ∈ [0, 1) and
// L = ln(1+y), Pfaff gives ₂F₁(A, B; C; −y) = e^{−BL}·₂F₁(B, C−A; C; z), so
// G = −expm1(−BL)/B − e^{−BL}·S(B, C−A, C, z), finite for every B including
// B = 0 (a = 1 in the models), with no overflow for large A.
//
// The second result bounds the relative error of G from the rounding and
// truncation bounds of the series; the subtraction can cancel (A ≫ C, or A
// small), and the bound says when it has.
func oneMinusHypOverB(a, b, c, y float64) (g, relErr float64) {
	if y == 0 {
		return 0, 0
	}
	l := math.Log1p(y)
	z := y / (1 + y)
	first := l
	if b != 0 {
		first = -math.Expm1(-b*l) / b
	}
	s, errS := hypRatio(b, c-a, c, z)
	scale := math.Exp(-b * l)
	g = first - scale*s
	relErr = (4*eps*(math.Abs(first)+scale*math.Abs(s)) + scale*errS) / math.Abs(g)
	return g, relErr
}

// regIncBeta returns the regularized incomplete beta function I_x(a, b) for
// a, b > 0 and 0 ≤ x ≤ 1, with y = 1 − x passed separately so that x near 1
// keeps its precision. It evaluates the continued fraction of Numerical
// Recipes §6.4 (modified Lentz) on whichever of I_x(a, b) and
// 1 − I_y(b, a) converges fast (x < (a+1)/(a+b+2)), with the prefactor
// x^a y^b/(a B(a, b)) in logs. When the complement is used the result is at
// least about a half, so the subtraction loses nothing. gonum's
// mathext.RegIncBeta loses up to four digits for a tiny b and x near 1.
func regIncBeta(a, b, x, y float64) float64 {
	switch {
	case x <= 0:
		return 0
	case y <= 0:
		return 1
	}
	if x > (a+1)/(a+b+2) {
		return 1 - regIncBeta(b, a, y, x)
	}
	front := math.Exp(a*math.Log(x) + b*math.Log(y) - lbetaFar(a, b) - math.Log(a))
	return front * betaCF(a, b, x)
}

// lgammaRatio returns ln Γ(a+b) − ln Γ(a) for a > 0, a+b > 0, without the
// cancellation of subtracting two large ln Γ values (each good to about
// 1e−16 of its size, 2e4 at a = 3000): a and a+b are shifted to 10 or more by the
// recurrence, then Stirling's series is differenced term by term, with
// ln(1 + b/a) from log1p.
func lgammaRatio(a, b float64) float64 {
	shift := 0.0
	for a < 10 || a+b < 10 {
		shift -= math.Log1p(b / a)
		a++
	}
	stirling := func(z float64) float64 { // the series part of ln Γ(z)
		z2 := 1 / (z * z)
		return (1.0/12 - z2*(1.0/360-z2*(1.0/1260-z2*(1.0/1680-z2/1188)))) / z
	}
	return shift + (a-0.5)*math.Log1p(b/a) + b*math.Log(a+b) - b + stirling(a+b) - stirling(a)
}

// lbetaFar returns ln B(a, b) through lgammaRatio, accurate when one
// argument is much larger than the other, where lbeta cancels.
func lbetaFar(a, b float64) float64 {
	small, large := min(a, b), max(a, b)
	if large < 10 || small > large/2 {
		return lbeta(a, b)
	}
	return lgamma(small) - lgammaRatio(large, small)
}

// betaCF evaluates the continued fraction of I_x(a, b) by the modified
// Lentz method, to full double precision.
func betaCF(a, b, x float64) float64 {
	const tiny = 1e-300
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 100_000; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-16 {
			return h
		}
	}
	return math.NaN()
}
