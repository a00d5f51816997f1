package ladder

import (
	"fmt"
	"math"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
	"github.com/clvkit/clvkit/internal/guard"
)

// Plan is the communication and incentive for the customers of one rung:
// the message they get, the incentive offered and its cost per customer
// addressed (money, ≥ 0), and the chain row the plan is expected to produce
// (where the rung's customers move in one period with the plan).
type Plan struct {
	Rung      int
	Message   string
	Incentive string
	Cost      decimal.Decimal
	// Row is the transition row under the plan; nil keeps the baseline's.
	Row []float64
}

// Reward is what a customer earns for moving from one rung to a higher one
// the way we want: points (≥ 0) or a benefit, at a cost to us (money, ≥ 0).
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
	// Period is the period the customer arrived on the higher rung in
	// (Move.Period); GrantEvents makes it part of the points event's ID.
	Period int
	Reason clv.Explanation
}

// checkRewards rejects a reward that does not go up, has negative points
// or cost, or repeats another's move (it would be paid twice).
func checkRewards(rewards []Reward) error {
	type move struct{ from, to int }
	seen := make(map[move]bool, len(rewards))
	for i, r := range rewards {
		switch {
		case r.From < 0 || r.To <= r.From:
			return fmt.Errorf("%w: reward %d: From %d, To %d: want 0 ≤ From < To", ErrInvalidConfig, i, r.From, r.To)
		case r.Points < 0:
			return fmt.Errorf("%w: reward %d: Points %d is negative", ErrInvalidConfig, i, r.Points)
		case r.Cost.Sign() < 0:
			return fmt.Errorf("%w: reward %d: Cost %s is negative", ErrInvalidConfig, i, clip.Decimal(r.Cost))
		case seen[move{r.From, r.To}]:
			return fmt.Errorf("%w: reward %d: a second reward for the move %d → %d", ErrInvalidConfig, i, r.From, r.To)
		}
		seen[move{r.From, r.To}] = true
	}
	return nil
}

// RuleClimbReward is RewardMoves' rule: a customer who moved up from one
// rung to another earns the reward defined for that move.
const RuleClimbReward clv.Rule = "reward/climb"

// RewardMoves grants the matching reward for every upward move; moves with
// no reward defined, or downward, get none. Output follows the moves.
// Rewards must go up (0 ≤ From < To), with non-negative points and cost,
// one per move: anything else is an error naming the reward.
func RewardMoves(moves []Move, rewards []Reward) ([]Grant, error) {
	if err := checkRewards(rewards); err != nil {
		return nil, err
	}
	var out []Grant
	for _, m := range moves {
		if m.To <= m.From || m.From == NoRung {
			continue
		}
		for _, r := range rewards {
			if r.From == m.From && r.To == m.To {
				out = append(out, Grant{Customer: m.Customer, Reward: r, Period: m.Period, Reason: clv.Explanation{Rule: RuleClimbReward, Facts: []clv.Fact{
					{Name: "from rung", Value: strconv.Itoa(m.From)},
					{Name: "to rung", Value: strconv.Itoa(m.To)},
					{Name: "period", Value: strconv.Itoa(m.Period)},
				}}})
			}
		}
	}
	return out, nil
}

// PlanReturn is the one-period economics of a migration plan.
type PlanReturn struct {
	// ValueGained is the discounted value of the moves the plan adds over
	// the baseline: Σ_i n_i Σ_j (P′_ij − P_ij) V_j / (1+d).
	ValueGained decimal.Decimal
	// IncentiveCost is Σ over planned rungs of n_i × plan cost, ≥ 0.
	IncentiveCost decimal.Decimal
	// RewardCost is the expected cost of rewards for the projected upward
	// moves: Σ_i n_i Σ_j P′_ij × reward cost(i→j), ≥ 0.
	RewardCost decimal.Decimal
	// Net is ValueGained − IncentiveCost − RewardCost, exactly.
	Net    decimal.Decimal
	Reason clv.Explanation
}

// RulePlanReturn is PricePlans' rule: a programme's net return is the value
// of the moves it adds, less its incentives and rewards.
const RulePlanReturn clv.Rule = "ladder/plan-return"

// PricePlans prices a set of plans over one period: counts are the
// customers per state now (finite, ≥ 0), baseline the chain without the
// plans, values the states' values (finite, e.g. baseline.Value(d)) and d
// the discount rate (finite, ≥ 0). At most one plan per rung and one reward
// per move; plan and reward costs are non-negative. Amounts are rounded once
// to the cent, half to even (clv.Money).
func PricePlans(baseline Chain, plans []Plan, rewards []Reward, counts, values []float64, d float64) (PlanReturn, error) {
	if err := baseline.Validate(); err != nil {
		return PlanReturn{}, err
	}
	n := baseline.States()
	switch {
	case len(counts) != n:
		return PlanReturn{}, fmt.Errorf("%w: %d counts for %d states", ErrInvalidInput, len(counts), n)
	case len(values) != n:
		return PlanReturn{}, fmt.Errorf("%w: %d values for %d states", ErrInvalidInput, len(values), n)
	case !(d >= 0) || math.IsInf(d, 0):
		return PlanReturn{}, fmt.Errorf("%w: discount rate %v, want a finite number ≥ 0", ErrInvalidInput, d)
	}
	for i := range n {
		if !(counts[i] >= 0) || math.IsInf(counts[i], 0) {
			return PlanReturn{}, fmt.Errorf("%w: counts[%d] = %v, want a finite number ≥ 0", ErrInvalidInput, i, counts[i])
		}
		if !guard.Finite(values[i]) {
			return PlanReturn{}, fmt.Errorf("%w: values[%d] = %v is not finite", ErrInvalidInput, i, values[i])
		}
	}
	if err := checkRewards(rewards); err != nil {
		return PlanReturn{}, err
	}
	for i, r := range rewards {
		if r.To >= n-1 {
			return PlanReturn{}, fmt.Errorf("%w: reward %d: To %d is not a rung of the %d-state chain", ErrInvalidConfig, i, r.To, n)
		}
	}
	planned := Chain{P: make([][]float64, n)}
	copy(planned.P, baseline.P)
	incentive := 0.0
	seen := make(map[int]bool, len(plans))
	for i, p := range plans {
		switch {
		case p.Rung < 0 || p.Rung >= n-1:
			return PlanReturn{}, fmt.Errorf("%w: plan %d: Rung %d outside 0..%d", ErrInvalidConfig, i, p.Rung, n-2)
		case p.Cost.Sign() < 0:
			return PlanReturn{}, fmt.Errorf("%w: plan %d: Cost %s is negative", ErrInvalidConfig, i, clip.Decimal(p.Cost))
		case seen[p.Rung]:
			return PlanReturn{}, fmt.Errorf("%w: plan %d: a second plan for rung %d", ErrInvalidConfig, i, p.Rung)
		}
		seen[p.Rung] = true
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
			if r.From == i {
				reward += counts[i] * planned.P[i][r.To] * r.Cost.InexactFloat64()
			}
		}
	}
	var r PlanReturn
	for _, v := range [...]struct {
		what  string
		v     float64
		money *decimal.Decimal
	}{{"value gained", gain, &r.ValueGained}, {"incentive cost", incentive, &r.IncentiveCost}, {"reward cost", reward, &r.RewardCost}} {
		d, ok := clv.Money(v.v)
		if !ok {
			return PlanReturn{}, fmt.Errorf("%w: the %s is %v: counts, values or costs too large", ErrInvalidInput, v.what, v.v)
		}
		*v.money = d
	}
	r.Net = r.ValueGained.Sub(r.IncentiveCost).Sub(r.RewardCost) // the rounded terms, so they reconcile
	r.Reason = clv.Explanation{Rule: RulePlanReturn, Terms: []clv.Term{
		{Name: "value of the projected moves", Amount: r.ValueGained},
		{Name: "incentives", Amount: r.IncentiveCost.Neg()},
		{Name: "rewards", Amount: r.RewardCost.Neg()},
	}}
	return r, nil
}
