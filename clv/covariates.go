package clv

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/internal/clip"
	"github.com/clvkit/clvkit/internal/guard"
	"github.com/clvkit/clvkit/internal/parallel"
)

// Covariates are time-invariant characteristics of customers — the channel
// or campaign they were acquired through, the size of their first purchase,
// their region — that may shift their purchase and dropout processes. A
// categorical characteristic is written as one 0/1 column per level but one
// (the reference level).
//
// Effects are multiplicative on the model's parameters, as in R's CLVTools
// (Bachmann, Meierer & Näf 2021, "The Role of Time-Invariant Covariates in
// Customer Lifetime Value Models"; Fader & Hardie 2007, "Incorporating
// time-invariant covariates into the Pareto/NBD and BG/NBD models"): a
// customer with covariates z has their own model, and a customer whose
// covariates are all 0 has the base model. Centre continuous covariates
// (subtract their mean) so that the base model is that of a typical
// customer.
type Covariates struct {
	// Names are the covariates' names: non-empty and distinct.
	Names []string
	// Values holds one row per customer or pattern, in the order of the data
	// it goes with, each with one finite value per name.
	Values [][]float64
}

// Validate reports names that are empty or repeated, and rows of the wrong
// length or with a value that is not finite, naming the row and column.
func (c Covariates) Validate() error {
	if err := checkNames(c.Names); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidOptions, err)
	}
	for i, row := range c.Values {
		if err := checkCovariateRow(c.Names, row); err != nil {
			return fmt.Errorf("row %d: %w", i, err)
		}
	}
	return nil
}

// checkNames reports covariate names that are missing, empty or repeated.
func checkNames(names []string) error {
	if len(names) == 0 {
		return errors.New("covariates without names")
	}
	for i, n := range names {
		if n == "" {
			return fmt.Errorf("covariate %d has an empty name", i)
		}
		if slices.Contains(names[:i], n) {
			return fmt.Errorf("covariate %s appears twice", clip.Quote(n))
		}
	}
	return nil
}

// checkCovariateRow reports a row of the wrong length or with a value that
// is not finite.
func checkCovariateRow(names []string, z []float64) error {
	if len(z) != len(names) {
		return fmt.Errorf("%w: %d covariate values for %d covariates (%v)", ErrInvalidSummary, len(z), len(names), clip.Value(fmt.Sprint(names)))
	}
	for j, v := range z {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: covariate %s = %v, want a finite number", ErrInvalidSummary, clip.Quote(names[j]), v)
		}
	}
	return nil
}

// CovariateModel is a transaction model whose parameters depend on each
// customer's covariates. BGNBDCovariates and ParetoNBDCovariates implement
// it.
type CovariateModel interface {
	Model
	// Covariates returns the names of the covariates, in the order For
	// takes their values.
	Covariates() []string
	// Groups returns the names of the coefficient groups in order (e.g.
	// "purchase" and "dropout"), and Coefficients the coefficients of one,
	// by covariate name.
	Groups() []string
	Coefficients(group string) map[string]float64
	// For returns the model of a customer whose covariates are z (in the
	// order of Covariates).
	For(z []float64) (TransactionModel, error)
	// TimeUnit returns the unit of the base model's time parameters.
	TimeUnit() Unit
}

var (
	_ CovariateModel = BGNBDCovariates{}
	_ CovariateModel = ParetoNBDCovariates{}
)

// BGNBDCovariates is BG/NBD with time-invariant covariates (CLVTools'
// parameterisation): a customer with covariates z buys while alive at a rate
// from Gamma(R, α·exp(−Purchase·z)) and drops out after each purchase with a
// probability from Beta(A·exp(DropoutA·z), B·exp(DropoutB·z)). A positive
// Purchase coefficient thus raises purchase rates (a smaller gamma scale);
// DropoutA and DropoutB move the mean dropout probability a/(a+b) up and down.
type BGNBDCovariates struct {
	// Base is the model of a customer whose covariates are all 0.
	Base BGNBD
	// Names are the covariates, and the three coefficient vectors hold one
	// coefficient per name: Purchase (γ₁) on α, DropoutA (γ₂) on a and
	// DropoutB (γ₃) on b. Each is finite.
	Names                        []string
	Purchase, DropoutA, DropoutB []float64
}

// Name returns "bgnbd".
func (BGNBDCovariates) Name() string { return bgnbdModel.Name }

// Params returns the base model's parameters.
func (m BGNBDCovariates) Params() map[string]float64 { return m.Base.Params() }

// Covariates returns the covariates' names.
func (m BGNBDCovariates) Covariates() []string { return slices.Clone(m.Names) }

// Groups returns "purchase", "a" and "b".
func (BGNBDCovariates) Groups() []string { return []string{"purchase", "a", "b"} }

// Coefficients returns one group's coefficients by covariate name, nil for
// an unknown group.
func (m BGNBDCovariates) Coefficients(group string) map[string]float64 {
	return coefficientMap(m.Names, m.Groups(), group, m.Purchase, m.DropoutA, m.DropoutB)
}

// TimeUnit returns the base model's unit.
func (m BGNBDCovariates) TimeUnit() Unit { return m.Base.Unit }

// Validate checks the base model, the names and that every group has one
// finite coefficient per covariate.
func (m BGNBDCovariates) Validate() error {
	if err := m.Base.Validate(); err != nil {
		return err
	}
	return checkCoefficients(m.Names, m.Groups(), m.Purchase, m.DropoutA, m.DropoutB)
}

// For returns the BG/NBD model of a customer with covariates z:
// (R, α·e^{−γ₁·z}, a·e^{γ₂·z}, b·e^{γ₃·z}). It fails when z has the wrong
// length or a value that is not finite, or when a parameter leaves the
// model's domain (overflows or underflows).
func (m BGNBDCovariates) For(z []float64) (TransactionModel, error) {
	if err := checkCovariateRow(m.Names, z); err != nil {
		return nil, err
	}
	if err := checkLengths(m.Names, m.Groups(), m.Purchase, m.DropoutA, m.DropoutB); err != nil {
		return nil, err
	}
	c := m.Base
	c.Alpha *= math.Exp(-dot(m.Purchase, z))
	c.A *= math.Exp(dot(m.DropoutA, z))
	c.B *= math.Exp(dot(m.DropoutB, z))
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%w: covariates %v: %w", ErrInvalidParams, clip.Value(fmt.Sprint(z)), err)
	}
	return c, nil
}

// ParetoNBDCovariates is Pareto/NBD with time-invariant covariates
// (CLVTools' parameterisation): a customer with covariates z buys while
// alive at a rate from Gamma(R, α·exp(−Purchase·z)) and has a lifetime whose
// dropout rate is from Gamma(S, β·exp(−Dropout·z)). A positive Purchase
// coefficient raises purchase rates; a positive Dropout coefficient raises
// dropout rates (shorter lifetimes).
type ParetoNBDCovariates struct {
	// Base is the model of a customer whose covariates are all 0.
	Base ParetoNBD
	// Names are the covariates; Purchase (γ₁, on α) and Dropout (γ₂, on β)
	// hold one finite coefficient per name.
	Names             []string
	Purchase, Dropout []float64
}

// Name returns "pnbd".
func (ParetoNBDCovariates) Name() string { return pnbdModel.Name }

// Params returns the base model's parameters.
func (m ParetoNBDCovariates) Params() map[string]float64 { return m.Base.Params() }

// Covariates returns the covariates' names.
func (m ParetoNBDCovariates) Covariates() []string { return slices.Clone(m.Names) }

// Groups returns "purchase" and "dropout".
func (ParetoNBDCovariates) Groups() []string { return []string{"purchase", "dropout"} }

// Coefficients returns one group's coefficients by covariate name, nil for
// an unknown group.
func (m ParetoNBDCovariates) Coefficients(group string) map[string]float64 {
	return coefficientMap(m.Names, m.Groups(), group, m.Purchase, m.Dropout)
}

// TimeUnit returns the base model's unit.
func (m ParetoNBDCovariates) TimeUnit() Unit { return m.Base.Unit }

// Validate checks the base model, the names and that every group has one
// finite coefficient per covariate.
func (m ParetoNBDCovariates) Validate() error {
	if err := m.Base.Validate(); err != nil {
		return err
	}
	return checkCoefficients(m.Names, m.Groups(), m.Purchase, m.Dropout)
}

// For returns the Pareto/NBD model of a customer with covariates z:
// (R, α·e^{−γ₁·z}, S, β·e^{−γ₂·z}).
func (m ParetoNBDCovariates) For(z []float64) (TransactionModel, error) {
	if err := checkCovariateRow(m.Names, z); err != nil {
		return nil, err
	}
	if err := checkLengths(m.Names, m.Groups(), m.Purchase, m.Dropout); err != nil {
		return nil, err
	}
	c := m.Base
	c.Alpha *= math.Exp(-dot(m.Purchase, z))
	c.Beta *= math.Exp(-dot(m.Dropout, z))
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%w: covariates %v: %w", ErrInvalidParams, clip.Value(fmt.Sprint(z)), err)
	}
	return c, nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// coefficientMap returns group's coefficients (one of coefs, in the order of
// groups) by name.
func coefficientMap(names, groups []string, group string, coefs ...[]float64) map[string]float64 {
	g := slices.Index(groups, group)
	if g < 0 || len(coefs[g]) != len(names) {
		return nil
	}
	out := make(map[string]float64, len(names))
	for i, n := range names {
		out[n] = coefs[g][i]
	}
	return out
}

// checkCoefficients reports bad names, or a group without one finite
// coefficient per name.
func checkCoefficients(names, groups []string, coefs ...[]float64) error {
	if err := checkNames(names); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidParams, err)
	}
	if err := checkLengths(names, groups, coefs...); err != nil {
		return err
	}
	for g, c := range coefs {
		for i, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: %s coefficient of %s = %v, want a finite number", ErrInvalidParams, groups[g], clip.Quote(names[i]), v)
			}
		}
	}
	return nil
}

// checkLengths reports a group without one coefficient per name.
func checkLengths(names, groups []string, coefs ...[]float64) error {
	for g, c := range coefs {
		if len(c) != len(names) {
			return fmt.Errorf("%w: %d %s coefficients for %d covariates", ErrInvalidParams, len(c), groups[g], len(names))
		}
	}
	return nil
}

// coefficientNames returns "group.covariate" for every coefficient, groups
// in order: the names of the coefficients in FitReport.StdErrors.
func coefficientNames(groups, names []string) []string {
	var out []string
	for _, g := range groups {
		for _, n := range names {
			out = append(out, g+"."+n)
		}
	}
	return out
}

// covRows is the data of a fit with covariates, in canonical order (by
// pattern, then covariates), equal rows merged: a fit does not depend on the
// order of its input.
type covRows struct {
	x, tx, T, w []float64
	z           [][]float64
	xi          []int32   // index of each row's frequency in ux
	ux          []float64 // distinct frequencies
}

// prepareCovariates validates the data and returns it in canonical order,
// with the total weight and each covariate's standard deviation (1 for a
// covariate that does not vary).
func prepareCovariates(data []Pattern, cov Covariates) (*covRows, float64, []float64, error) {
	if err := cov.Validate(); err != nil {
		return nil, 0, nil, err
	}
	if len(cov.Values) != len(data) {
		return nil, 0, nil, fmt.Errorf("%w: %d rows of covariates for %d patterns", ErrInvalidOptions, len(cov.Values), len(data))
	}
	type row struct {
		p Pattern
		z []float64
	}
	rows := make([]row, len(data))
	for i := range data {
		rows[i] = row{data[i], cov.Values[i]}
	}
	kept, _, err := keepPositive(rows, "pattern", func(r row) error { return r.p.Validate() }, func(r row) float64 { return r.p.Weight })
	if err != nil {
		return nil, 0, nil, err
	}
	kept, n := canonical(kept, func(a, b row) int {
		if c := comparePatterns(a.p, b.p); c != 0 {
			return c
		}
		return slices.Compare(a.z, b.z)
	}, func(r row) float64 { return r.p.Weight }, func(r *row, w float64) { r.p.Weight += w }, nil)
	d := &covRows{}
	for _, r := range kept {
		d.x = append(d.x, float64(r.p.Frequency))
		d.tx = append(d.tx, r.p.Recency)
		d.T = append(d.T, r.p.T)
		d.w = append(d.w, r.p.Weight)
		d.z = append(d.z, r.z)
	}
	d.xi, d.ux = distinct(d.x, 0)
	scale := make([]float64, len(cov.Names))
	for j := range scale {
		mean, sq := 0.0, 0.0
		for i, z := range d.z {
			mean += d.w[i] * z[j]
		}
		mean /= n
		for i, z := range d.z {
			sq += d.w[i] * (z[j] - mean) * (z[j] - mean)
		}
		scale[j] = math.Sqrt(sq / n)
		if !(scale[j] > 0) {
			scale[j] = 1
		}
	}
	return d, n, scale, nil
}

func (d *covRows) len() int { return len(d.x) }

// bgCovLik is the BG/NBD likelihood with covariates: parameters r, α, a, b,
// then γ₁, γ₂, γ₃ (m each).
type bgCovLik struct {
	*covRows
	m int
}

type bgCovEval struct {
	bgCovLik
	p      []float64
	lg, dr []float64 // ln Γ(r+x) − ln Γ(r) and its r-derivative, per distinct x
}

func (l bgCovLik) prepare(p []float64, grad bool, _ int) evaluator {
	e := bgCovEval{bgCovLik: l, p: p, lg: make([]float64, len(l.ux)), dr: make([]float64, len(l.ux))}
	lgr, psr := lgamma(p[0]), digamma(p[0])
	for j, x := range l.ux {
		e.lg[j] = lgamma(p[0]+x) - lgr
		if grad {
			e.dr[j] = digamma(p[0]+x) - psr
		}
	}
	return e
}

func (e bgCovEval) block(lo, hi int, grad []float64) float64 {
	r, alpha, a, b := e.p[0], e.p[1], e.p[2], e.p[3]
	m := e.m
	g1, g2, g3 := e.p[4:4+m], e.p[4+m:4+2*m], e.p[4+2*m:4+3*m]
	ll := 0.0
	for i := lo; i < hi; i++ {
		z, w := e.z[i], e.w[i]
		ai := alpha * math.Exp(-dot(g1, z))
		aa := a * math.Exp(dot(g2, z))
		bb := b * math.Exp(dot(g3, z))
		v, d := bgRow(r, ai, aa, bb, e.x[i], e.tx[i], e.T[i], e.lg[e.xi[i]], e.dr[e.xi[i]], grad != nil)
		ll += w * v
		if grad == nil {
			continue
		}
		grad[0] += w * d[0]
		grad[1] += w * d[1] * ai / alpha
		grad[2] += w * d[2] * aa / a
		grad[3] += w * d[3] * bb / b
		for k, zk := range z {
			grad[4+k] -= w * d[1] * ai * zk
			grad[4+m+k] += w * d[2] * aa * zk
			grad[4+2*m+k] += w * d[3] * bb * zk
		}
	}
	return ll
}

// bgRow is one customer's BG/NBD log-likelihood (FHL 2005 eq. 6) at
// (r, α, a, b) and, when grad is set, its gradient in those parameters; lg
// is ln Γ(r+x) − ln Γ(r) and dr its r-derivative. It is the likelihood
// FitBGNBD maximises, written for parameters that differ from customer to
// customer.
func bgRow(r, alpha, a, b, x, tx, T, lg, dr float64, grad bool) (float64, [4]float64) {
	lnAT := math.Log(alpha + T)
	v := lg + r*math.Log(alpha) - (r+x)*lnAT + lbeta(a, b+x) - lbeta(a, b)
	var d [4]float64
	var sig, dlog float64
	if x > 0 {
		dlog = lnAT - math.Log(alpha+tx)
		z := math.Log(a/(b+x-1)) + (r+x)*dlog
		v += log1pexp(z)
		sig = 1 / (1 + math.Exp(-z))
	}
	if grad {
		psab, psabx := digamma(a+b), digamma(a+b+x)
		d[0] = dr + math.Log(alpha) - lnAT + sig*dlog
		d[1] = r/alpha - (r+x)/(alpha+T) + sig*(r+x)*(1/(alpha+T)-1/(alpha+tx))
		d[2] = psab - psabx + sig/a
		d[3] = digamma(b+x) - psabx - digamma(b) + psab
		if x > 0 {
			d[3] -= sig / (b + x - 1)
		}
	}
	return v, d
}

// pnbdCovLik is the Pareto/NBD likelihood with covariates: parameters
// r, α, s, β, then γ₁ and γ₂ (m each).
type pnbdCovLik struct {
	*covRows
	m int
}

type pnbdCovEval struct {
	pnbdCovLik
	p      []float64
	lg, dg []float64
}

func (l pnbdCovLik) prepare(p []float64, grad bool, _ int) evaluator {
	e := pnbdCovEval{pnbdCovLik: l, p: p, lg: make([]float64, len(l.ux)), dg: make([]float64, len(l.ux))}
	lgr, psr := lgamma(p[0]), digamma(p[0])
	for j, x := range l.ux {
		e.lg[j] = lgamma(p[0]+x) - lgr
		if grad {
			e.dg[j] = digamma(p[0]+x) - psr
		}
	}
	return e
}

func (e pnbdCovEval) block(lo, hi int, grad []float64) float64 {
	r, alpha, s, beta := e.p[0], e.p[1], e.p[2], e.p[3]
	m := e.m
	g1, g2 := e.p[4:4+m], e.p[4+m:4+2*m]
	ll := 0.0
	var d []float64
	if grad != nil {
		d = make([]float64, 4)
	}
	for i := lo; i < hi; i++ {
		z, w, x, T := e.z[i], e.w[i], e.x[i], e.T[i]
		c := ParetoNBD{R: r, Alpha: alpha * math.Exp(-dot(g1, z)), S: s, Beta: beta * math.Exp(-dot(g2, z))}
		var t pnbdTerms
		t.l0 = -(r+x)*math.Log(c.Alpha+T) - s*math.Log(c.Beta+T)
		t.l1, t.d1 = c.tau(x, e.tx[i], grad != nil)
		t.l2, t.d2 = c.tau(x, T, grad != nil)
		if grad != nil {
			t.d0 = [4]float64{-math.Log(c.Alpha + T), -(r + x) / (c.Alpha + T), -math.Log(c.Beta + T), -s / (c.Beta + T)}
			clear(d)
		}
		v, _ := c.combine(x, t, e.lg[e.xi[i]], e.dg[e.xi[i]], 1, d)
		ll += w * v
		if grad == nil {
			continue
		}
		grad[0] += w * d[0]
		grad[1] += w * d[1] * c.Alpha / alpha
		grad[2] += w * d[2]
		grad[3] += w * d[3] * c.Beta / beta
		for k, zk := range z {
			grad[4+k] -= w * d[1] * c.Alpha * zk
			grad[4+m+k] -= w * d[3] * c.Beta * zk
		}
	}
	return ll
}

// covariateSpec is the fitSpec of a model with covariates, started from the
// model without them (fitted first) and coefficients 0.
func covariateSpec(desc *Description, groups []string, cov Covariates, lk likelihood, d *covRows, n float64, scale, base []float64) fitSpec {
	names := append(slices.Clone(desc.Params), coefficientNames(groups, cov.Names)...)
	start := append(slices.Clone(base), make([]float64, len(groups)*len(cov.Names))...)
	sc := slices.Repeat(scale, len(groups))
	return fitSpec{desc: desc, start: start, lk: lk, n: n, params: names, free: len(groups) * len(cov.Names), scale: sc,
		hint: func() string { return covariateHint(d, cov.Names) }}
}

// covariateHint says what about the covariates can make an estimate run to
// the boundary.
func covariateHint(d *covRows, names []string) string {
	for j, name := range names {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, z := range d.z {
			lo, hi = min(lo, z[j]), max(hi, z[j])
		}
		if lo == hi {
			return fmt.Sprintf("covariate %s is %v for every customer: its effect cannot be told from the base parameters", clip.Quote(name), lo)
		}
	}
	return ""
}

// basePatterns returns the data without covariates, for the starting fit.
func basePatterns(d *covRows) []Pattern {
	out := make([]Pattern, d.len())
	for i := range out {
		out[i] = Pattern{Frequency: int(d.x[i]), Recency: d.tx[i], T: d.T[i], Weight: d.w[i]}
	}
	return out
}

// FitBGNBDCovariates fits BG/NBD with time-invariant covariates by maximum
// likelihood: the base parameters and the coefficients jointly, with
// analytic gradients, from the fit without covariates and coefficients 0.
// data[i] is a customer (or several with the same history and covariates)
// whose covariates are cov.Values[i]. The report's StdErrors name the
// coefficients "purchase.NAME", "a.NAME" and "b.NAME"; its Covariance
// covers base parameters and coefficients, for intervals. FitOptions.Start,
// when set, gives r, α, a, b, then γ₁, γ₂, γ₃; CovariatePenalty shrinks the
// coefficients. As FitBGNBD, a fit that does not converge, or ends at a
// boundary, returns the best point with a *ConvergenceError.
func FitBGNBDCovariates(ctx context.Context, data []Pattern, cov Covariates, opts FitOptions) (BGNBDCovariates, FitReport, error) {
	d, n, scale, err := prepareCovariates(data, cov)
	if err != nil {
		return BGNBDCovariates{}, FitReport{Model: bgnbdModel.Name}, err
	}
	base, _, err := FitBGNBD(ctx, basePatterns(d), FitOptions{Workers: opts.Workers, Penalty: opts.Penalty})
	if base.Validate() != nil {
		return BGNBDCovariates{}, FitReport{Model: bgnbdModel.Name}, fmt.Errorf("the fit without covariates, where the fit with them starts: %w", err)
	}
	m := len(cov.Names)
	spec := covariateSpec(&bgnbdModel, BGNBDCovariates{}.Groups(), cov, bgCovLik{d, m}, d, n, scale, base.vector())
	p, rep, err := maximize(ctx, spec, opts)
	if p == nil {
		return BGNBDCovariates{}, rep, err
	}
	out := BGNBDCovariates{Base: bgnbdModel.build(p[:4]).(BGNBD), Names: slices.Clone(cov.Names),
		Purchase: slices.Clone(p[4 : 4+m]), DropoutA: slices.Clone(p[4+m : 4+2*m]), DropoutB: slices.Clone(p[4+2*m:])}
	out.Base.Unit = opts.Unit
	return out, rep, err
}

// FitParetoNBDCovariates fits Pareto/NBD with time-invariant covariates by
// maximum likelihood, as FitBGNBDCovariates does BG/NBD; the coefficients
// are named "purchase.NAME" and "dropout.NAME".
func FitParetoNBDCovariates(ctx context.Context, data []Pattern, cov Covariates, opts FitOptions) (ParetoNBDCovariates, FitReport, error) {
	d, n, scale, err := prepareCovariates(data, cov)
	if err != nil {
		return ParetoNBDCovariates{}, FitReport{Model: pnbdModel.Name}, err
	}
	base, _, err := FitParetoNBD(ctx, basePatterns(d), FitOptions{Workers: opts.Workers, Penalty: opts.Penalty})
	if base.Validate() != nil {
		return ParetoNBDCovariates{}, FitReport{Model: pnbdModel.Name}, fmt.Errorf("the fit without covariates, where the fit with them starts: %w", err)
	}
	m := len(cov.Names)
	spec := covariateSpec(&pnbdModel, ParetoNBDCovariates{}.Groups(), cov, pnbdCovLik{d, m}, d, n, scale, base.vector())
	p, rep, err := maximize(ctx, spec, opts)
	if p == nil {
		return ParetoNBDCovariates{}, rep, err
	}
	out := ParetoNBDCovariates{Base: pnbdModel.build(p[:4]).(ParetoNBD), Names: slices.Clone(cov.Names),
		Purchase: slices.Clone(p[4 : 4+m]), Dropout: slices.Clone(p[4+m:])}
	out.Base.Unit = opts.Unit
	return out, rep, err
}

// customerModels returns each customer's own model; a nil cov means m is
// a TransactionModel and every customer has it.
func customerModels(m Model, summaries []Summary, cov *Covariates) (func(i int) (TransactionModel, error), error) {
	if cov == nil {
		tm, ok := m.(TransactionModel)
		if !ok {
			if _, ok := m.(CovariateModel); ok {
				return nil, fmt.Errorf("%w: a %s model with covariates needs the customers' covariates", ErrInvalidParams, m.Name())
			}
			return nil, fmt.Errorf("%w: a %s model does not predict purchases", ErrInvalidParams, m.Name())
		}
		return func(int) (TransactionModel, error) { return tm, nil }, nil
	}
	cm, ok := m.(CovariateModel)
	if !ok {
		return nil, fmt.Errorf("%w: covariates given for a %T, which has none", ErrInvalidParams, m)
	}
	if !slices.Equal(cov.Names, cm.Covariates()) {
		return nil, fmt.Errorf("%w: covariates %v for a model of %v (same names, same order)", ErrInvalidOptions,
			clip.Value(fmt.Sprint(cov.Names)), clip.Value(fmt.Sprint(cm.Covariates())))
	}
	if len(cov.Values) != len(summaries) {
		return nil, fmt.Errorf("%w: %d rows of covariates for %d summaries", ErrInvalidOptions, len(cov.Values), len(summaries))
	}
	return func(i int) (TransactionModel, error) {
		c, err := cm.For(cov.Values[i])
		if err != nil {
			return nil, fmt.Errorf("summary %d: customer %s: %w", i, clip.Quote(summaries[i].ID), err)
		}
		return c, nil
	}, nil
}

// PredictCovariates is Predict for a model with covariates: customer i
// (summaries[i]) has the model m.For(cov.Values[i]). cov.Names must be the
// model's covariates in its order. Every number returned is checked as
// Predict checks it.
func PredictCovariates(m CovariateModel, summaries []Summary, cov Covariates, t float64) ([]Prediction, error) {
	if err := validModel(m); err != nil {
		return nil, err
	}
	if err := checkHorizon("horizon", t); err != nil {
		return nil, err
	}
	modelOf, err := customerModels(m, summaries, &cov)
	if err != nil {
		return nil, err
	}
	out := make([]Prediction, len(summaries))
	err = parallel.Each(len(summaries), 256, func(i int) error {
		s := summaries[i]
		c, err := checkedCustomer(modelOf, summaries, i)
		if err != nil {
			return err
		}
		p := Prediction{ID: s.ID, ProbabilityAlive: c.ProbabilityAlive(s), ExpectedPurchases: c.ExpectedPurchases(s, t)}
		if err := checkPrediction(c, s, p); err != nil {
			return err
		}
		out[i] = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// validModel reports a nil or invalid model.
func validModel(m Model) error {
	if guard.IsNil(m) {
		return fmt.Errorf("%w: nil model", ErrInvalidParams)
	}
	return m.Validate()
}
