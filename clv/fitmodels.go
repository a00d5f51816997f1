package clv

import (
	"context"
	"fmt"
	"math"
)

// patternData is the struct-of-arrays form of patterns used by the
// likelihoods. Each pattern's frequency, age and recency are also mapped to
// tables of distinct values, so that gamma-function terms are computed once
// per distinct x and logarithms once per distinct T or t_x per evaluation,
// not once per pattern: day-resolution data has a few hundred distinct ages
// however many customers there are.
type patternData struct {
	x, tx, T, w []float64
	xi, Ti, txi []int32
	ux, uT, utx []float64 // distinct frequencies, ages, recencies
}

// distinct maps each value to its index in the returned table of distinct
// values (in first-seen order).
func distinct(vals []float64) ([]int32, []float64) {
	idx := make([]int32, len(vals))
	seen := map[float64]int32{}
	var table []float64
	for i, v := range vals {
		j, ok := seen[v]
		if !ok {
			j = int32(len(table))
			seen[v] = j
			table = append(table, v)
		}
		idx[i] = j
	}
	return idx, table
}

func newPatternData(ps []Pattern) *patternData {
	d := &patternData{
		x: make([]float64, len(ps)), tx: make([]float64, len(ps)), T: make([]float64, len(ps)), w: make([]float64, len(ps)),
	}
	for i, p := range ps {
		d.x[i], d.tx[i], d.T[i], d.w[i] = float64(p.Frequency), p.Recency, p.T, p.Weight
	}
	d.xi, d.ux = distinct(d.x)
	d.Ti, d.uT = distinct(d.T)
	d.txi, d.utx = distinct(d.tx)
	return d
}

func (d *patternData) len() int { return len(d.x) }

// bgLik is the BG/NBD (shift 0) or MBG/NBD (shift 1) likelihood. With
// β′ = b + x + shift it is
//
//	ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, β′) − ln B(a, b) − (r+x) ln(α+T)
//	+ ln(1 + a/(β′−1)·((α+T)/(α+t_x))^(r+x)),
//
// the last term only for x > 0 under BG/NBD.
type bgLik struct {
	*patternData
	shift float64
}

// xTerms are the per-distinct-frequency parts of the likelihood and its
// gradient.
type xTerms struct {
	lg, dr     float64 // ln Γ(r+x) − ln Γ(r) and its r-derivative
	lb, da, db float64 // ln B(a, β′) − ln B(a, b) and its a-, b-derivatives
	lnOdds     float64 // ln(a/(β′−1))
	invOdds    float64 // 1/(β′−1)
}

// timeTerms holds ln(α+τ) and 1/(α+τ) for a distinct age or recency τ.
type timeTerms struct{ ln, inv float64 }

func timeTable(alpha float64, u []float64) []timeTerms {
	out := make([]timeTerms, len(u))
	for i, v := range u {
		out[i] = timeTerms{math.Log(alpha + v), 1 / (alpha + v)}
	}
	return out
}

func (l bgLik) tables(p []float64) []xTerms {
	r, a, b := p[0], p[2], p[3]
	lgr, psr := lgamma(r), digamma(r)
	lbab, psab, psb := lbeta(a, b), digamma(a+b), digamma(b)
	out := make([]xTerms, len(l.ux))
	for j, x := range l.ux {
		bp := b + x + l.shift
		psabx := digamma(a + bp)
		out[j] = xTerms{
			lg: lgamma(r+x) - lgr, dr: digamma(r+x) - psr,
			lb: lbeta(a, bp) - lbab, da: psab - psabx, db: digamma(bp) - psabx - psb + psab,
			lnOdds: math.Log(a / (bp - 1)), invOdds: 1 / (bp - 1),
		}
	}
	return out
}

type bgEval struct {
	bgLik
	p       []float64
	tab     []xTerms
	tT, ttx []timeTerms
}

func (l bgLik) prepare(p []float64, _ bool) evaluator {
	return bgEval{bgLik: l, p: p, tab: l.tables(p), tT: timeTable(p[1], l.uT), ttx: timeTable(p[1], l.utx)}
}

func (e bgEval) block(lo, hi int, grad []float64) float64 {
	l, tab, tT, ttx := e.bgLik, e.tab, e.tT, e.ttx
	r, alpha, a := e.p[0], e.p[1], e.p[2]
	lnAlpha := math.Log(alpha)
	ll := 0.0
	var g0, g1, g2, g3 float64
	for i := lo; i < hi; i++ {
		x, w := l.x[i], l.w[i]
		t := &tab[l.xi[i]]
		at, atx := tT[l.Ti[i]], ttx[l.txi[i]]
		v := t.lg + r*lnAlpha + t.lb - (r+x)*at.ln
		var sig, dlog float64
		if x > 0 || l.shift > 0 {
			// ln(1 + e^z) and its derivative e^z/(1 + e^z) from one exp.
			dlog = at.ln - atx.ln
			z := t.lnOdds + (r+x)*dlog
			e := math.Exp(-math.Abs(z))
			v += math.Max(z, 0) + math.Log1p(e)
			if z >= 0 {
				sig = 1 / (1 + e)
			} else {
				sig = e / (1 + e)
			}
		}
		ll += w * v
		if grad != nil {
			g0 += w * (t.dr + lnAlpha - at.ln)
			g1 += w * (r/alpha - (r+x)*at.inv)
			g2 += w * t.da
			g3 += w * t.db
			if sig != 0 {
				g0 += w * sig * dlog
				g1 += w * sig * (r + x) * (at.inv - atx.inv)
				g2 += w * sig / a
				g3 -= w * sig * t.invOdds
			}
		}
	}
	if grad != nil {
		grad[0] += g0
		grad[1] += g1
		grad[2] += g2
		grad[3] += g3
	}
	return ll
}

// pnbdLik is the Pareto/NBD likelihood. Its ₂F₁ terms depend on a
// pattern's (x, τ) only, for τ = t_x and τ = T, so they are computed once per
// distinct pair per evaluation and shared by the patterns.
type pnbdLik struct {
	*patternData
	pairX, pairTau []float64 // distinct (x, τ) pairs
	p1, p2         []int32   // each pattern's (x, t_x) and (x, T) pair
}

func newPnbdLik(d *patternData) pnbdLik {
	l := pnbdLik{patternData: d, p1: make([]int32, d.len()), p2: make([]int32, d.len())}
	type key struct{ x, tau float64 }
	seen := map[key]int32{}
	pair := func(x, tau float64) int32 {
		k := key{x, tau}
		j, ok := seen[k]
		if !ok {
			j = int32(len(l.pairX))
			seen[k] = j
			l.pairX = append(l.pairX, x)
			l.pairTau = append(l.pairTau, tau)
		}
		return j
	}
	for i := range d.x {
		l.p1[i] = pair(d.x[i], d.tx[i])
		l.p2[i] = pair(d.x[i], d.T[i])
	}
	return l
}

type pnbdEval struct {
	pnbdLik
	m      ParetoNBD
	l      []float64
	d      [][4]float64
	lg, dg []float64 // per distinct x
}

func (l pnbdLik) prepare(p []float64, grad bool) evaluator {
	e := pnbdEval{pnbdLik: l, m: ParetoNBD{p[0], p[1], p[2], p[3]}}
	e.l = make([]float64, len(l.pairX))
	if grad {
		e.d = make([][4]float64, len(l.pairX))
	}
	for j := range l.pairX {
		var d [4]float64
		e.l[j], d = e.m.tau(l.pairX[j], l.pairTau[j], grad)
		if grad {
			e.d[j] = d
		}
	}
	e.lg = make([]float64, len(l.ux))
	e.dg = make([]float64, len(l.ux))
	lgr, psr := lgamma(e.m.R), digamma(e.m.R)
	for j, x := range l.ux {
		e.lg[j] = lgamma(e.m.R+x) - lgr
		if grad {
			e.dg[j] = digamma(e.m.R+x) - psr
		}
	}
	return e
}

func (e pnbdEval) block(lo, hi int, grad []float64) float64 {
	m := e.m
	ll := 0.0
	for i := lo; i < hi; i++ {
		x, T := e.x[i], e.T[i]
		var t pnbdTerms
		t.l0 = -(m.R+x)*math.Log(m.Alpha+T) - m.S*math.Log(m.Beta+T)
		t.l1, t.l2 = e.l[e.p1[i]], e.l[e.p2[i]]
		if grad != nil {
			t.d0 = [4]float64{-math.Log(m.Alpha + T), -(m.R + x) / (m.Alpha + T), -math.Log(m.Beta + T), -m.S / (m.Beta + T)}
			t.d1, t.d2 = e.d[e.p1[i]], e.d[e.p2[i]]
		}
		xi := e.xi[i]
		v, _ := m.combine(x, t, e.lg[xi], e.dg[xi], e.w[i], grad)
		ll += e.w[i] * v
	}
	return ll
}

// defaultStart returns a starting point scaled to the data: rates start at
// one purchase per mean customer age.
func defaultStart(d *patternData, n float64) float64 {
	meanT := 0.0
	for i, T := range d.T {
		meanT += d.w[i] * T
	}
	meanT /= n
	if !(meanT > 0) {
		return 1
	}
	return meanT
}

// FitBGNBD fits a BG/NBD model by maximum likelihood to weighted patterns
// (see Compress). A fit that does not converge returns the best point found
// with a *ConvergenceError.
func FitBGNBD(ctx context.Context, data []Pattern, opts FitOptions) (BGNBD, FitReport, error) {
	p, rep, err := fitBG(ctx, data, opts, "bgnbd", 0)
	if p == nil {
		return BGNBD{}, rep, err
	}
	return BGNBD{p[0], p[1], p[2], p[3]}, rep, err
}

// FitMBGNBD fits an MBG/NBD model by maximum likelihood to weighted patterns.
func FitMBGNBD(ctx context.Context, data []Pattern, opts FitOptions) (MBGNBD, FitReport, error) {
	p, rep, err := fitBG(ctx, data, opts, "mbgnbd", 1)
	if p == nil {
		return MBGNBD{}, rep, err
	}
	return MBGNBD{p[0], p[1], p[2], p[3]}, rep, err
}

func fitBG(ctx context.Context, data []Pattern, opts FitOptions, name string, shift float64) ([]float64, FitReport, error) {
	ps, n, err := preparePatterns(data)
	if err != nil {
		return nil, FitReport{Model: name}, err
	}
	d := newPatternData(ps)
	start := []float64{1, defaultStart(d, n) / 4, 1, 1}
	return maximize(ctx, fitSpec{model: name, names: bgNames, start: start, lk: bgLik{d, shift}, n: n, hint: patternHint(ps, n)}, opts)
}

// patternHint returns what about the patterns can make a BG/NBD, MBG/NBD or
// Pareto/NBD estimate run to the boundary.
func patternHint(ps []Pattern, n float64) func() string {
	return func() string {
		maxX, maxT := 0, 0.0
		for _, p := range ps {
			maxX, maxT = max(maxX, p.Frequency), max(maxT, p.T)
		}
		switch {
		case maxT == 0:
			return fmt.Sprintf("all %v customers have age T = 0: there is no time in which to observe purchases", n)
		case maxX == 0:
			return fmt.Sprintf("none of the %v customers made a repeat purchase: the purchase rate and the dropout are not identified", n)
		case maxX == 1:
			return fmt.Sprintf("all %v customers made at most one repeat purchase: the dropout process is not identified", n)
		case len(ps) < 4:
			return fmt.Sprintf("only %d distinct customer histories for 4 parameters", len(ps))
		}
		return ""
	}
}

// FitParetoNBD fits a Pareto/NBD model by maximum likelihood to weighted
// patterns.
func FitParetoNBD(ctx context.Context, data []Pattern, opts FitOptions) (ParetoNBD, FitReport, error) {
	ps, n, err := preparePatterns(data)
	if err != nil {
		return ParetoNBD{}, FitReport{Model: "pnbd"}, err
	}
	d := newPatternData(ps)
	s := defaultStart(d, n) / 4
	p, rep, err := maximize(ctx, fitSpec{model: "pnbd", names: pnbdNames, start: []float64{1, s, 1, s}, lk: newPnbdLik(d), n: n, hint: patternHint(ps, n)}, opts)
	if p == nil {
		return ParetoNBD{}, rep, err
	}
	return ParetoNBD{p[0], p[1], p[2], p[3]}, rep, err
}
