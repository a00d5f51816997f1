package clv

import (
	"context"
	"math"
)

// patternData is the struct-of-arrays form of patterns used by the
// likelihoods, with each pattern's frequency mapped to a table of distinct
// frequencies so that gamma and digamma terms are computed once per distinct
// x per evaluation rather than once per pattern.
type patternData struct {
	x, tx, T, w []float64
	xi          []int32
	ux          []float64 // distinct frequencies
}

func newPatternData(ps []Pattern) *patternData {
	d := &patternData{
		x: make([]float64, len(ps)), tx: make([]float64, len(ps)), T: make([]float64, len(ps)),
		w: make([]float64, len(ps)), xi: make([]int32, len(ps)),
	}
	index := map[int]int32{}
	for i, p := range ps {
		d.x[i], d.tx[i], d.T[i], d.w[i] = float64(p.Frequency), p.Recency, p.T, p.Weight
		j, ok := index[p.Frequency]
		if !ok {
			j = int32(len(d.ux))
			index[p.Frequency] = j
			d.ux = append(d.ux, float64(p.Frequency))
		}
		d.xi[i] = j
	}
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
		}
	}
	return out
}

func (l bgLik) blockLogLik(p []float64, lo, hi int, grad []float64) float64 {
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	tab := l.tables(p)
	lnAlpha, lnA := math.Log(alpha), math.Log(a)
	ll := 0.0
	var g0, g1, g2, g3 float64
	for i := lo; i < hi; i++ {
		x, w := l.x[i], l.w[i]
		t := &tab[l.xi[i]]
		lnAT := math.Log(alpha + l.T[i])
		v := t.lg + r*lnAlpha + t.lb - (r+x)*lnAT
		var sig, dlog float64
		bp := b + x + l.shift
		if x > 0 || l.shift > 0 {
			dlog = lnAT - math.Log(alpha+l.tx[i])
			z := lnA - math.Log(bp-1) + (r+x)*dlog
			v += log1pexp(z)
			sig = sigmoid(z)
		}
		ll += w * v
		if grad != nil {
			g0 += w * (t.dr + lnAlpha - lnAT)
			g1 += w * (r/alpha - (r+x)/(alpha+l.T[i]))
			g2 += w * t.da
			g3 += w * t.db
			if sig != 0 {
				g0 += w * sig * dlog
				g1 += w * sig * (r + x) * (1/(alpha+l.T[i]) - 1/(alpha+l.tx[i]))
				g2 += w * sig / a
				g3 -= w * sig / (bp - 1)
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

type pnbdLik struct{ *patternData }

func (l pnbdLik) blockLogLik(p []float64, lo, hi int, grad []float64) float64 {
	m := ParetoNBD{p[0], p[1], p[2], p[3]}
	ll := 0.0
	for i := lo; i < hi; i++ {
		v, _ := m.logLik(l.x[i], l.tx[i], l.T[i], l.w[i], grad)
		ll += l.w[i] * v
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
	return maximize(ctx, fitSpec{model: name, names: bgNames, start: start, lk: bgLik{d, shift}, n: n}, opts)
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
	p, rep, err := maximize(ctx, fitSpec{model: "pnbd", names: pnbdNames, start: []float64{1, s, 1, s}, lk: pnbdLik{d}, n: n}, opts)
	if p == nil {
		return ParetoNBD{}, rep, err
	}
	return ParetoNBD{p[0], p[1], p[2], p[3]}, rep, err
}
