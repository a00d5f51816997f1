package ladder

import (
	"errors"
	"fmt"
	"math"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/mat"

	"github.com/clvkit/clvkit/internal/clip"
	"github.com/clvkit/clvkit/internal/guard"
)

// Sentinel errors of the package.
var (
	// ErrInvalidInput reports bad data.
	ErrInvalidInput = errors.New("ladder: invalid input")
	// ErrInvalidConfig reports an inconsistent ladder, chain, goal or plan.
	ErrInvalidConfig = errors.New("ladder: invalid configuration")
)

// NoRung is the state of a customer who has left, in the paths Estimate
// reads and the moves Moves lists: they are on no rung. In a Chain, whose
// states are indices, the lost state is the last one (Chain.LostState).
const NoRung = -1

// Chain is a Markov chain over rungs 0..n−1 plus the absorbing lost state
// n: P[i][j] is the probability of moving from state i to state j in one
// period, and R[i] the net reward (margin minus marketing cost, money, may
// be negative) of a customer in state i for one period. The zero value has
// no states and fails Validate.
type Chain struct {
	P [][]float64
	R []decimal.Decimal
}

// States returns the number of states including lost.
func (c Chain) States() int { return len(c.P) }

// LostState returns the index of the lost state, the last one: States()−1
// (−1 for a chain with no states). Paths and moves mark a lost customer with
// NoRung instead.
func (c Chain) LostState() int { return len(c.P) - 1 }

// maxPeriods bounds the periods Project and ValueOver step through, one
// period at a time.
const maxPeriods = 100_000

// Validate checks that P is square with rows summing to 1 (within 1e-9),
// probabilities in [0, 1], the last state absorbing, and R, when given, the
// right length with a zero reward for the lost state (a lost customer
// brings nothing, which is what makes ImprovePolicy never lose value).
func (c Chain) Validate() error {
	n := len(c.P)
	if n < 2 {
		return fmt.Errorf("%w: a chain needs at least one rung and the lost state", ErrInvalidConfig)
	}
	for i, row := range c.P {
		if len(row) != n {
			return fmt.Errorf("%w: row %d has %d entries, want %d", ErrInvalidConfig, i, len(row), n)
		}
		s := 0.0
		for j, p := range row {
			if !(p >= 0 && p <= 1) {
				return fmt.Errorf("%w: P[%d][%d] = %v is not a probability", ErrInvalidConfig, i, j, p)
			}
			s += p
		}
		if math.Abs(s-1) > 1e-9 {
			return fmt.Errorf("%w: row %d sums to %v", ErrInvalidConfig, i, s)
		}
	}
	if c.P[n-1][n-1] != 1 {
		return fmt.Errorf("%w: the last state (lost) must be absorbing", ErrInvalidConfig)
	}
	if c.R != nil && len(c.R) != n {
		return fmt.Errorf("%w: Chain.R has %d rewards for %d states (one per rung, then 0 for the lost state; Estimate leaves R for you to set)", ErrInvalidConfig, len(c.R), n)
	}
	if c.R != nil && c.R[n-1].Sign() != 0 {
		return fmt.Errorf("%w: R[%d] = %s: the lost state brings nothing", ErrInvalidConfig, n-1, clip.Decimal(c.R[n-1]))
	}
	return nil
}

func (c Chain) dense() *mat.Dense {
	n := len(c.P)
	m := mat.NewDense(n, n, nil)
	for i, row := range c.P {
		m.SetRow(i, row)
	}
	return m
}

// Project returns the distribution of customers over the states after
// periods steps (0..100000), from counts per state (finite, ≥ 0):
// counts·Pⁿ. The total is conserved (within rounding).
func (c Chain) Project(counts []float64, periods int) ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if len(counts) != len(c.P) {
		return nil, fmt.Errorf("%w: %d counts for %d states", ErrInvalidInput, len(counts), len(c.P))
	}
	if periods < 0 || periods > maxPeriods {
		return nil, fmt.Errorf("%w: periods %d outside 0..%d", ErrInvalidInput, periods, maxPeriods)
	}
	for i, v := range counts {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: counts[%d] = %v, want a finite number ≥ 0", ErrInvalidInput, i, v)
		}
	}
	cur := append([]float64(nil), counts...)
	for range periods {
		next := make([]float64, len(cur))
		for i, v := range cur {
			for j, p := range c.P[i] {
				next[j] += v * p
			}
		}
		cur = next
	}
	return cur, nil
}

// LongRun returns the limiting distribution of a customer starting in
// state from, by iterating until it stops changing. With an absorbing lost
// state reachable from every rung, it is all mass in lost; it fails when the
// chain does not settle (a periodic chain) within 100000 periods.
func (c Chain) LongRun(from int) ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	n := len(c.P)
	if from < 0 || from >= n {
		return nil, fmt.Errorf("%w: state %d out of range", ErrInvalidInput, from)
	}
	cur := make([]float64, n)
	cur[from] = 1
	for range 100000 {
		next, _ := c.Project(cur, 1)
		diff := 0.0
		for i := range next {
			diff = math.Max(diff, math.Abs(next[i]-cur[i]))
		}
		cur = next
		if diff < 1e-13 {
			return cur, nil
		}
	}
	return nil, fmt.Errorf("%w: the chain does not settle (periodic?)", ErrInvalidConfig)
}

// PeriodsBeforeLoss returns, for each rung, the expected number of periods
// (≥ 1) before a customer starting there is lost: (I − Q)⁻¹·1 with Q the
// rung-to-rung block (the fundamental matrix of an absorbing chain). A
// chain in which some rung never reaches lost, or so nearly never that the
// solve loses its precision, is an error.
func (c Chain) PeriodsBeforeLoss() ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	k := len(c.P) - 1
	a := mat.NewDense(k, k, nil)
	for i := range k {
		for j := range k {
			v := -c.P[i][j]
			if i == j {
				v++
			}
			a.Set(i, j, v)
		}
	}
	ones := mat.NewVecDense(k, nil)
	for i := range k {
		ones.SetVec(i, 1)
	}
	var t mat.VecDense
	if err := t.SolveVec(a, ones); err != nil {
		return nil, fmt.Errorf("%w: some rung never reaches lost: %w", ErrInvalidConfig, err)
	}
	out, err := finiteValues("periods before loss", t.RawVector().Data)
	if err != nil {
		return nil, err
	}
	for i, v := range out {
		// N = I + Q + Q² + … ≥ I, so every rung lasts at least its own
		// period; less means the solve lost all precision.
		if v < 1-1e-9 {
			return nil, fmt.Errorf("%w: rung %d: %v periods before loss: the chain is too close to one that never reaches lost", ErrInvalidConfig, i, v)
		}
	}
	return out, nil
}

func (c Chain) rewards() ([]float64, error) {
	if len(c.R) != len(c.P) {
		return nil, fmt.Errorf("%w: Chain.R has %d rewards for %d states (one per rung, then 0 for the lost state; Estimate leaves R for you to set)", ErrInvalidConfig, len(c.R), len(c.P))
	}
	r := make([]float64, len(c.R))
	for i, v := range c.R {
		r[i] = v.InexactFloat64()
		if !guard.Finite(r[i]) {
			return nil, fmt.Errorf("%w: R[%d] = %s is too large", ErrInvalidConfig, i, clip.Decimal(v))
		}
	}
	return r, nil
}

// finiteValues returns vs, or an error when the arithmetic overflowed.
func finiteValues(what string, vs []float64) ([]float64, error) {
	for i, v := range vs {
		if !guard.Finite(v) {
			return nil, fmt.Errorf("%w: %s of state %d is %v: the rewards are too large or the chain nearly singular", ErrInvalidConfig, what, i, v)
		}
	}
	return vs, nil
}

// Value returns each state's expected discounted value over an unbounded
// horizon at discount rate d per period (finite, d > 0),
// V = (I − P/(1+d))⁻¹R (Pfeifer & Carraway 2000), rewards received at the
// start of each period. R must be given for every state.
func (c Chain) Value(d float64) ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if !(d > 0) || math.IsInf(d, 0) {
		return nil, fmt.Errorf("%w: discount rate %v, want a finite positive number", ErrInvalidConfig, d)
	}
	r, err := c.rewards()
	if err != nil {
		return nil, err
	}
	n := len(c.P)
	a := mat.NewDense(n, n, nil)
	a.Scale(-1/(1+d), c.dense())
	for i := range n {
		a.Set(i, i, a.At(i, i)+1)
	}
	var v mat.VecDense
	if err := v.SolveVec(a, mat.NewVecDense(n, r)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return finiteValues("value", v.RawVector().Data)
}

// ValueOver returns each state's expected discounted value over the next
// periods periods (0..100000) at discount rate d per period (finite,
// d ≥ 0): Σ_{t<periods} (P/(1+d))ᵗ R.
func (c Chain) ValueOver(d float64, periods int) ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if !(d >= 0) || math.IsInf(d, 0) {
		return nil, fmt.Errorf("%w: discount rate %v, want a finite number ≥ 0", ErrInvalidConfig, d)
	}
	if periods < 0 || periods > maxPeriods {
		return nil, fmt.Errorf("%w: periods %d outside 0..%d", ErrInvalidConfig, periods, maxPeriods)
	}
	r, err := c.rewards()
	if err != nil {
		return nil, err
	}
	n := len(c.P)
	v := make([]float64, n)
	// Backward induction: V_k = R + P V_{k−1}/(1+d).
	for range periods {
		next := make([]float64, n)
		for i := range n {
			s := 0.0
			for j, p := range c.P[i] {
				s += p * v[j]
			}
			next[i] = r[i] + s/(1+d)
		}
		v = next
	}
	return finiteValues("value", v)
}

// Policy is the outcome of ImprovePolicy.
type Policy struct {
	// Marketed reports, per state, whether marketing continues.
	Marketed []bool
	// Chain is the chain under the policy.
	Chain Chain
	// Values are the states' values under the policy.
	Values []float64
	// Rounds counts the recomputations.
	Rounds int
}

// ImprovePolicy stops marketing to every state whose value is negative,
// replacing its row and reward by the no-marketing alternative (noMarket[i],
// or by default: the customer is lost and brings nothing — Pfeifer &
// Carraway's p := 0, R := 0), and recomputes until no marketed state has a
// negative value. The total value never falls: a state is only dropped
// when marketing to it loses money.
func (c Chain) ImprovePolicy(d float64, noMarket *Chain) (Policy, error) {
	if _, err := c.Value(d); err != nil {
		return Policy{}, err
	}
	n := len(c.P)
	if noMarket != nil {
		if err := noMarket.Validate(); err != nil {
			return Policy{}, fmt.Errorf("no-marketing alternative: %w", err)
		}
		if len(noMarket.P) != n || len(noMarket.R) != n {
			return Policy{}, fmt.Errorf("%w: the no-marketing alternative has %d states and %d rewards, want %d of each", ErrInvalidConfig, len(noMarket.P), len(noMarket.R), n)
		}
		if _, err := noMarket.rewards(); err != nil {
			return Policy{}, fmt.Errorf("no-marketing alternative: %w", err)
		}
	}
	cur := Chain{P: make([][]float64, n), R: append([]decimal.Decimal(nil), c.R...)}
	for i := range c.P {
		cur.P[i] = append([]float64(nil), c.P[i]...)
	}
	marketed := make([]bool, n)
	for i := range marketed {
		marketed[i] = i < n-1
	}
	for round := 1; ; round++ {
		v, err := cur.Value(d)
		if err != nil {
			return Policy{}, err
		}
		changed := false
		for i := range n - 1 {
			if marketed[i] && v[i] < -1e-12 {
				marketed[i], changed = false, true
				if noMarket != nil {
					cur.P[i] = append([]float64(nil), noMarket.P[i]...)
					cur.R[i] = noMarket.R[i]
				} else {
					cur.P[i] = make([]float64, n)
					cur.P[i][n-1] = 1
					cur.R[i] = decimal.Zero
				}
			}
		}
		if !changed {
			return Policy{Marketed: marketed, Chain: cur, Values: v, Rounds: round}, nil
		}
	}
}
