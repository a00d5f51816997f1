package ladder

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// DefaultMinCustomers is the fewest customers a rung must hold, by default,
// for its values to be a benchmark: below it a median is too noisy to plan
// on (PotentialOptions.MinCustomers).
const DefaultMinCustomers = 30

// RungValue is what PotentialValues reads of a customer: their rung and
// their current value.
type RungValue struct {
	// Customer is the customer's non-empty ID, unique in the input.
	Customer string
	// Rung is the customer's rung (0 is the bottom, as Place gives it), or
	// NoRung for a customer who has left: the rung above them is the bottom
	// one, and their potential is what winning them back is worth.
	Rung int
	// Value is the customer's current predicted lifetime value (money, from
	// clv.LifetimeValue or the caller's own model, in one currency). It may
	// be negative, a value net of costs.
	Value decimal.Decimal
}

// PotentialOptions configures PotentialValues; the zero value means a
// median benchmark from rungs of at least DefaultMinCustomers customers.
type PotentialOptions struct {
	// MinCustomers is the fewest customers a rung must hold for its values
	// to be a benchmark (≥ 0; zero means DefaultMinCustomers, 1 accepts any
	// rung that has a customer). A customer whose rung above holds fewer gets
	// no estimate: their potential is their current value, with
	// RulePotentialTooFew, and Potentials.Rungs reports the count.
	MinCustomers int
	// Quantile q, in (0, 1], chooses the benchmark of a rung of n customers:
	// the ⌈q·n⌉-th smallest of their values (the nearest-rank method, so the
	// benchmark is a value some customer has and no interpolation rounds
	// money). Zero means 0.5, the median (the lower middle value when n is
	// even).
	Quantile float64
}

// Potential is a customer's current and potential value.
type Potential struct {
	// Customer is the customer's ID, as given.
	Customer string
	// Rung is the customer's rung, or NoRung.
	Rung int
	// Against is the rung the potential is measured against: Rung+1, or
	// Rung itself on the top rung (there is no rung above).
	Against int
	// Current is the customer's value as given; Potential is
	// max(Current, the benchmark of Against) when Benchmarked and Current
	// otherwise; Gap is Potential − Current, exactly, never negative (money).
	Current, Potential, Gap decimal.Decimal
	// Benchmarked reports that Against had a benchmark: false on the top
	// rung and when Against holds fewer than MinCustomers customers.
	Benchmarked bool
	// Reason has the rule (RulePotential, RulePotentialTop or
	// RulePotentialTooFew), the facts read and, as Terms, potential and
	// minus current value, which sum to Gap.
	Reason clv.Explanation
}

// RungBenchmark is the benchmark of one rung: the value of a typical
// customer there.
type RungBenchmark struct {
	// Rung is the rung's index, 0 at the bottom.
	Rung int
	// Customers counts the input's customers on the rung.
	Customers int
	// Enough reports Customers ≥ MinCustomers; Value is the benchmark (the
	// Quantile of the rung's values, money) when it does, zero otherwise.
	Enough bool
	Value  decimal.Decimal
}

// Potentials is the result of PotentialValues.
type Potentials struct {
	// Customers are the customers' potentials, in input order.
	Customers []Potential
	// Rungs are the benchmarks, one per rung of the ladder, bottom first.
	Rungs []RungBenchmark
}

// The rules of PotentialValues.
const (
	// RulePotential: potential is the larger of the current value and the
	// benchmark of the rung above.
	RulePotential clv.Rule = "ladder/potential"
	// RulePotentialTop: the customer is on the top rung; with no rung above,
	// potential is the current value and the gap zero.
	RulePotentialTop clv.Rule = "ladder/potential-top"
	// RulePotentialTooFew: the rung above holds fewer customers than
	// MinCustomers, too few to estimate from; potential is the current value
	// and the gap zero until the rung fills.
	RulePotentialTooFew clv.Rule = "ladder/potential-too-few"
)

// Validate reports options PotentialValues refuses: a negative
// MinCustomers or a Quantile outside (0, 1] (zero is the default).
func (o PotentialOptions) Validate() error {
	if o.MinCustomers < 0 {
		return fmt.Errorf("%w: PotentialOptions.MinCustomers %d is negative", ErrInvalidConfig, o.MinCustomers)
	}
	if o.Quantile != 0 && !(o.Quantile > 0 && o.Quantile <= 1) {
		return fmt.Errorf("%w: PotentialOptions.Quantile %v outside (0, 1]", ErrInvalidConfig, o.Quantile)
	}
	return nil
}

// PotentialValues computes every customer's potential value and the gap
// between it and their current value. It answers the cross-sell article's
// commitment to "evaluar su valor actual y potencial" — evaluate each
// customer's current and potential value (Peal one to one, "Rentabilización
// de clientes: cross sell, upgrade y downgrade") — in the ladder's terms:
//
//	potential = max(current, B(r+1))
//	gap       = potential − current ≥ 0
//
// where r is the customer's rung and B(r+1) the benchmark of the rung
// above: the value of a typical customer there, the Quantile (the median by
// default) of the values of the input's customers on that rung. Potential
// is thus the lifetime value the customer would have if they bought like
// the customers one rung above — the next step the ladder article asks
// customers to climb ("¿Qué categorías parecen tener la capacidad de migrar
// hacia arriba?", Gomez, "Haz que tus clientes suban por la escalera"). One
// rung, not the top: development moves customers a step at a time, and the
// value of that step is what an upgrade or a cross-sell can win. On the top
// rung there is no step: potential is the current value (RulePotentialTop).
// A rung above with fewer than MinCustomers customers gives no estimate:
// potential is again the current value (RulePotentialTooFew), and
// Potentials.Rungs reports the count. Pass the whole base, not only the
// customers to act on, since the benchmarks come from it. Customers must have non-empty, unique IDs and a rung of the ladder or
// NoRung; opts must be valid. The result is deterministic: it depends on
// the set of customers, not their order (beyond the output's following the
// input). Money is exact decimal arithmetic: a benchmark is a value some
// customer has, so nothing is rounded.
func (l *Ladder) PotentialValues(customers []RungValue, opts PotentialOptions) (Potentials, error) {
	if l == nil || len(l.rungs) == 0 {
		return Potentials{}, fmt.Errorf("%w: PotentialValues on a nil or zero Ladder (build one with NewLadder)", ErrInvalidConfig)
	}
	if err := opts.Validate(); err != nil {
		return Potentials{}, err
	}
	minN := opts.MinCustomers
	if minN == 0 {
		minN = DefaultMinCustomers
	}
	q := opts.Quantile
	if q == 0 {
		q = 0.5
	}
	top := len(l.rungs) - 1
	byRung := make([][]decimal.Decimal, len(l.rungs))
	seen := make(map[string]bool, len(customers))
	for i, c := range customers {
		switch {
		case c.Customer == "":
			return Potentials{}, fmt.Errorf("%w: customer %d has an empty ID", ErrInvalidInput, i)
		case seen[c.Customer]:
			return Potentials{}, fmt.Errorf("%w: customer %d: %s appears twice", ErrInvalidInput, i, clip.Quote(c.Customer))
		case c.Rung != NoRung && (c.Rung < 0 || c.Rung > top):
			return Potentials{}, fmt.Errorf("%w: customer %s: Rung %d is neither a rung (0..%d) nor NoRung", ErrInvalidInput, clip.Quote(c.Customer), c.Rung, top)
		}
		seen[c.Customer] = true
		if c.Rung != NoRung {
			byRung[c.Rung] = append(byRung[c.Rung], c.Value)
		}
	}
	stat := "median value"
	if q != 0.5 {
		stat = "value at quantile " + strconv.FormatFloat(q, 'g', -1, 64)
	}
	out := Potentials{Customers: make([]Potential, len(customers)), Rungs: make([]RungBenchmark, len(l.rungs))}
	for r, vs := range byRung {
		b := RungBenchmark{Rung: r, Customers: len(vs), Enough: len(vs) >= minN && len(vs) > 0}
		if b.Enough {
			slices.SortFunc(vs, decimal.Decimal.Cmp)
			b.Value = vs[nearestRank(q, len(vs))-1]
		}
		out.Rungs[r] = b
	}
	// The facts' texts of each rung above, made once.
	minText := strconv.Itoa(minN)
	n := len(l.rungs)
	counts, values, countNames, statNames := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for r, b := range out.Rungs {
		counts[r], values[r] = strconv.Itoa(b.Customers), b.Value.String()
		countNames[r], statNames[r] = "customers on "+l.rungs[r].Name, stat+" on "+l.rungs[r].Name
	}
	for i, c := range customers {
		p := Potential{Customer: c.Customer, Rung: c.Rung, Against: c.Rung + 1, Current: c.Value, Potential: c.Value, Gap: decimal.Zero}
		facts := make([]clv.Fact, 2, 4)
		facts[0], facts[1] = clv.Fact{Name: "rung", Value: l.rungName(c.Rung)}, clv.Fact{Name: "current value", Value: c.Value.String()}
		switch {
		case c.Rung == top:
			p.Against = top
			p.Reason = clv.Explanation{Rule: RulePotentialTop, Facts: facts}
		case !out.Rungs[p.Against].Enough:
			facts = append(facts, clv.Fact{Name: countNames[p.Against], Value: counts[p.Against],
				Op: clv.OpAtLeast, Limit: minText})
			p.Reason = clv.Explanation{Rule: RulePotentialTooFew, Facts: facts}
		default:
			b := out.Rungs[p.Against]
			p.Benchmarked = true
			if b.Value.GreaterThan(c.Value) {
				p.Potential = b.Value
				p.Gap = b.Value.Sub(c.Value)
			}
			facts[1].Op, facts[1].Limit, facts[1].Held = clv.OpLess, values[p.Against], c.Value.LessThan(b.Value)
			facts = append(facts,
				clv.Fact{Name: countNames[p.Against], Value: counts[p.Against], Op: clv.OpAtLeast, Limit: minText, Held: true},
				clv.Fact{Name: statNames[p.Against], Value: values[p.Against]})
			p.Reason = clv.Explanation{Rule: RulePotential, Facts: facts}
		}
		p.Reason.Terms = []clv.Term{{Name: "potential value", Amount: p.Potential}, {Name: "current value", Amount: c.Value.Neg()}}
		out.Customers[i] = p
	}
	return out, nil
}

// rungName names a rung for a fact, "none" for NoRung.
func (l *Ladder) rungName(r int) string {
	if r == NoRung {
		return "none"
	}
	return l.rungs[r].Name
}

// nearestRank returns ⌈q·n⌉ in 1..n for q in (0, 1], forgiving the float
// error of q·n (0.1·30 is 3.0000000000000004, and its rank is 3).
func nearestRank(q float64, n int) int {
	x := q * float64(n)
	k := int(math.Ceil(x))
	if k > 1 && float64(k-1) >= x-1e-9*x {
		k--
	}
	return min(max(k, 1), n)
}

// ByGap returns the potentials sorted by gap, largest first, ties by
// customer ID: the customers a development plan should look at first.
func (p Potentials) ByGap() []Potential {
	out := slices.Clone(p.Customers)
	slices.SortStableFunc(out, func(a, b Potential) int {
		return cmp.Or(b.Gap.Cmp(a.Gap), cmp.Compare(a.Customer, b.Customer))
	})
	return out
}

// ByCustomer returns the potentials keyed by customer ID, for joining them
// to other per-customer results (a lifecycle.Customer, a decision).
func (p Potentials) ByCustomer() map[string]Potential {
	out := make(map[string]Potential, len(p.Customers))
	for _, c := range p.Customers {
		out[c.Customer] = c
	}
	return out
}
