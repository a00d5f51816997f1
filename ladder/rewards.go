package ladder

import (
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/shopspring/decimal"
)

// Plan is the communication and incentive for the customers of one rung:
// the message they get, the incentive offered and its cost per customer
// addressed, and the chain row the plan is expected to produce (where the
// rung's customers move in one period with the plan).
type Plan struct {
	Rung      int
	Message   string
	Incentive string
	Cost      decimal.Decimal
	// Row is the transition row under the plan; nil keeps the baseline's.
	Row []float64
}

// Reward is what a customer earns for moving from one rung to a higher one
// the way we want: points or a benefit, at a cost to us.
type Reward struct {
	From, To int
	Points   int
	Benefit  string
	Cost     decimal.Decimal
}

// Grant is a reward given to a customer for a move.
type Grant struct {
	Customer string
	Reward   Reward
	Reason   clv.Explanation
}

// RewardMoves grants the matching reward for every upward move; moves with
// no reward defined, or downward, get none. Output follows the moves.
func RewardMoves(moves []Move, rewards []Reward) []Grant {
	var out []Grant
	for _, m := range moves {
		if m.To <= m.From || m.From == Lost {
			continue
		}
		for _, r := range rewards {
			if r.From == m.From && r.To == m.To {
				out = append(out, Grant{Customer: m.Customer, Reward: r, Reason: clv.Explanation{Rule: "reward/climb",
					Facts: []clv.Fact{{Name: "moved", Value: fmt.Sprintf("%d → %d in period %d", m.From, m.To, m.Period)}}}})
			}
		}
	}
	return out
}

// PlanReturn is the one-period economics of a migration plan.
type PlanReturn struct {
	// ValueGained is the discounted value of the moves the plan adds over
	// the baseline: Σ_i n_i Σ_j (P′_ij − P_ij) V_j / (1+d).
	ValueGained decimal.Decimal
	// IncentiveCost is Σ over planned rungs of n_i × plan cost.
	IncentiveCost decimal.Decimal
	// RewardCost is the expected cost of rewards for the projected upward
	// moves: Σ_i n_i Σ_j P′_ij × reward cost(i→j).
	RewardCost decimal.Decimal
	// Net is ValueGained − IncentiveCost − RewardCost, exactly.
	Net    decimal.Decimal
	Reason clv.Explanation
}

// Return prices a set of plans over one period: counts are the customers per
// state now, baseline the chain without the plans, values the states'
// values (e.g. baseline.Value(d)) and d the discount rate. Amounts are
// rounded once to the cent, half to even.
func Return(baseline Chain, plans []Plan, rewards []Reward, counts, values []float64, d float64) (PlanReturn, error) {
	if err := baseline.Validate(); err != nil {
		return PlanReturn{}, err
	}
	n := baseline.States()
	if len(counts) != n || len(values) != n || !(d >= 0) {
		return PlanReturn{}, fmt.Errorf("%w: %d counts and %d values for %d states, discount %v", ErrInvalidInput, len(counts), len(values), n, d)
	}
	planned := Chain{P: make([][]float64, n)}
	copy(planned.P, baseline.P)
	incentive := 0.0
	for _, p := range plans {
		if p.Rung < 0 || p.Rung >= n-1 || p.Cost.Sign() < 0 {
			return PlanReturn{}, fmt.Errorf("%w: plan for rung %d: out of range or negative cost", ErrInvalidConfig, p.Rung)
		}
		if p.Row != nil {
			planned.P[p.Rung] = p.Row
		}
		incentive += counts[p.Rung] * p.Cost.InexactFloat64()
	}
	if err := planned.Validate(); err != nil {
		return PlanReturn{}, fmt.Errorf("plan rows: %w", err)
	}
	gain, reward := 0.0, 0.0
	for i := range n {
		for j := range n {
			gain += counts[i] * (planned.P[i][j] - baseline.P[i][j]) * values[j] / (1 + d)
		}
		for _, r := range rewards {
			if r.From == i && r.To > i && r.To < n-1 {
				reward += counts[i] * planned.P[i][r.To] * r.Cost.InexactFloat64()
			}
		}
	}
	if math.IsNaN(gain) || math.IsInf(gain, 0) {
		return PlanReturn{}, fmt.Errorf("%w: non-finite value", ErrInvalidInput)
	}
	cent := func(v float64) decimal.Decimal { return decimal.NewFromFloat(v).RoundBank(2) }
	r := PlanReturn{ValueGained: cent(gain), IncentiveCost: cent(incentive), RewardCost: cent(reward)}
	r.Net = r.ValueGained.Sub(r.IncentiveCost).Sub(r.RewardCost) // the rounded terms, so they reconcile
	r.Reason = clv.Explanation{Rule: "ladder/plan-return", Terms: []clv.Term{
		{Name: "value of the projected moves", Amount: r.ValueGained},
		{Name: "incentives", Amount: r.IncentiveCost.Neg()},
		{Name: "rewards", Amount: r.RewardCost.Neg()},
	}}
	return r, nil
}
