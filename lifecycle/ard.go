package lifecycle

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// Lever is one of the three levers of the ARD model of the
// customer-development article: Acquisition (get the right customers),
// Retention (keep them through the experience) and Development (grow those
// with most value and potential).
type Lever uint8

// The ARD levers.
const (
	// Acquire brings new customers: acquisition campaigns and referrals.
	Acquire Lever = iota
	// Retain keeps customers: retention, win-back, downgrade and
	// tenure-extending offers.
	Retain
	// Develop grows customers: cross-sell, upgrade, raise-frequency and
	// data-sharing offers.
	Develop
)

var leverNames = [...]string{"acquisition", "retention", "development"}

// String returns the lever's name, e.g. "retention".
func (l Lever) String() string {
	if int(l) < len(leverNames) {
		return leverNames[l]
	}
	return "Lever(" + strconv.Itoa(int(l)) + ")"
}

// kindLevers is the lever of each offer kind, in OfferKind order.
var kindLevers = [...]Lever{CrossSell: Develop, Upgrade: Develop, Downgrade: Retain, Retention: Retain, WinBack: Retain,
	Referral: Acquire, RaiseFrequency: Develop, ExtendTenure: Retain, DataSharing: Develop}

// Lever returns the ARD lever an offer of kind k pulls: a referral acquires
// (a member brings a member); retention, win-back, downgrade and
// extend-tenure offers retain; cross-sell, upgrade, raise-frequency and
// data-sharing offers develop. An unknown kind has no lever: the result's
// String is "Lever(255)".
func (k OfferKind) Lever() Lever {
	if int(k) < len(kindLevers) {
		return kindLevers[k]
	}
	return Lever(math.MaxUint8)
}

// The rules of PlanARD, one per lever: an action is in the plan, or left
// out, by the plan's arbitration of the budget.
const (
	RuleARDAcquisition clv.Rule = "ard/acquisition"
	RuleARDRetention   clv.Rule = "ard/retention"
	RuleARDDevelopment clv.Rule = "ard/development"
)

var leverRules = [...]clv.Rule{RuleARDAcquisition, RuleARDRetention, RuleARDDevelopment}

// Campaign is a candidate acquisition campaign: it spends CAC per customer
// on Customers expected new customers, each expected to be worth LTV.
type Campaign struct {
	// ID names the campaign, non-empty and unique among the campaigns.
	ID string
	// Channel is where the campaign acquires (street, telemarketing, web);
	// it is reported, not used.
	Channel string
	// CAC is the acquisition cost per customer acquired, money > 0.
	CAC decimal.Decimal
	// Customers is the expected number of customers acquired, finite and
	// ≥ 0 (a fraction is an expectation).
	Customers float64
	// LTV is the expected lifetime value of one acquired customer, in the
	// budget's currency, from a fitted model (clv.LifetimeValue of a new
	// customer, or the LTV of a comparable cohort); it may be negative.
	LTV decimal.Decimal
}

// ARDOptions configures PlanARD. The zero value means the documented
// defaults.
type ARDOptions struct {
	// MinLTVToCAC, when positive, leaves out campaigns whose LTV:CAC ratio
	// is below it (the rule of thumb is 3, see LTVToCAC); zero keeps every
	// campaign with a positive expected return. Finite, ≥ 0.
	MinLTVToCAC float64
	// ManyPerCustomer lets the plan take more than one offer per customer.
	// By default it takes at most one: Decide values each offer as if it
	// were the only one made, so the expected values of two offers to the
	// same customer do not add up.
	ManyPerCustomer bool
}

// ARDMethod is how PlanARD found its plan.
type ARDMethod uint8

// The methods of PlanARD, tried in this order; the first two are exact.
const (
	// ARDEnumeration tried every combination of at most one action per
	// customer: used when there are at most ARDEnumerationLimit of them.
	ARDEnumeration ARDMethod = iota
	// ARDDynamicProgramming solved the knapsack exactly by dynamic
	// programming over the budget in units of the greatest common divisor
	// of the costs: used when the budget is at most ARDBudgetUnitsLimit
	// such units and candidates × (units + 1) is at most ARDCellsLimit.
	ARDDynamicProgramming
	// ARDGreedy is the approximation beyond: the better of the greedy fill
	// by return per unit of cost and the best single action followed by
	// the same fill. ARDPlan.Bound is the linear-relaxation bound: the
	// optimum lies between Return and Bound.
	ARDGreedy
)

// The sizes up to which PlanARD is exact (see ARDMethod).
const (
	ARDEnumerationLimit = 1 << 16
	ARDBudgetUnitsLimit = 1 << 18
	ARDCellsLimit       = 1 << 22
)

var methodNames = [...]string{"enumeration", "dynamic programming", "greedy with linear-relaxation bound"}

// String returns the method's name.
func (m ARDMethod) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return "ARDMethod(" + strconv.Itoa(int(m)) + ")"
}

// Action is a candidate of an ARD plan — an acquisition campaign or an offer
// to one customer — with what it costs, what it returns and why it is in
// the plan or not.
type Action struct {
	Lever Lever
	// ID is the campaign's or the offer's ID.
	ID string
	// Customer is the customer an offer goes to; empty for a campaign.
	Customer string
	// Channel is the campaign's channel or the offer's chosen channel.
	Channel string
	// Cost is what the action takes from the budget, money ≥ 0: CAC ×
	// Customers for a campaign, Decision.Cost for an offer.
	Cost decimal.Decimal
	// Return is the expected return net of Cost, rounded once to the cent
	// (clv.RoundMoney): Customers × (LTV − CAC) for a campaign,
	// Decision.ExpectedValue for an offer.
	Return decimal.Decimal
	// PotentialGap is the customer's potential-value gap for a development
	// offer whose customer's potential is known; nil otherwise.
	PotentialGap *decimal.Decimal
	// Reason is the plan's reason: the rule of the lever, the facts read
	// and the return's breakdown, whose terms add up to Return exactly. An
	// action left out has at least one fact that did not hold — a return
	// that is not positive, an LTV:CAC below the minimum, another offer to
	// the same customer in the plan, a cost beyond the budget left — and
	// its facts end with one unless it lost only to another offer to the
	// same customer while it would fit the budget.
	Reason clv.Explanation
	// Campaign is the campaign, for an acquisition campaign; nil otherwise.
	Campaign *Campaign
	// Decision is the offer's decision, with its own reasons; nil for a
	// campaign.
	Decision *Decision
}

// LeverTotal is what a plan spends and expects to return on one lever.
type LeverTotal struct {
	Lever   Lever
	Actions int
	// Cost and Return are the sums over the lever's actions in the plan.
	Cost, Return decimal.Decimal
	// BudgetShare is Cost ÷ the plan's Cost, in [0, 1]; zero when the plan
	// costs nothing.
	BudgetShare float64
}

// ARDPlan is the budget's arbitration between acquisition, retention and
// development.
type ARDPlan struct {
	Budget decimal.Decimal
	// Chosen are the actions in the plan, by lever, then by return
	// (highest first), customer and ID.
	Chosen []Action
	// Left are the other candidates, in the same order, each with the facts
	// that kept it out (see Action.Reason).
	Left []Action
	// Split is the plan by lever, indexed by Lever: Split[Acquire],
	// Split[Retain], Split[Develop].
	Split [3]LeverTotal
	// Cost and Return are the plan's totals; Cost ≤ Budget.
	Cost, Return decimal.Decimal
	// Method is how the plan was found; Exact reports that Return is the
	// best total return of any set of candidates within the budget.
	Method ARDMethod
	Exact  bool
	// Bound is an upper bound on the best total return within the budget:
	// Return when Exact, the linear relaxation's (rounded up to the cent)
	// otherwise, so the plan is at most Bound − Return from the optimum.
	Bound decimal.Decimal
}

// Gap returns Bound − Return: how far, at most, the plan's return is from
// the best possible; zero for an exact plan.
func (p ARDPlan) Gap() decimal.Decimal { return p.Bound.Sub(p.Return) }

// candidate is an action being planned with its integer amounts.
type candidate struct {
	Action
	group          [2]string // "o" and the customer (and offer, with ManyPerCustomer), or "c" and the campaign
	eligible       bool
	why            clv.Fact // what kept an ineligible candidate out
	cost, ret, gap int64    // cost in budget units; return and gap in cents
}

// PlanARD chooses, within budget (money ≥ 0), the acquisition campaigns and
// the offers (decisions of Decide or DecideAll: retention and development
// offers, and referrals, which acquire) with the highest total expected
// return net of their costs. It is a 0/1 knapsack — with at most one offer
// per customer unless opts.ManyPerCustomer, a multiple-choice knapsack —
// whose ties are broken, in this order, by the lower total cost, then by
// the larger total potential-value gap of the development offers chosen
// (the customer-development article's "those with most value and
// potential"; Customer.PotentialValue); the methods work on the candidates
// sorted by lever, customer and ID, so the plan never depends on the
// input's order.
//
// Only candidates with a positive return can improve a plan: the others, and
// campaigns below opts.MinLTVToCAC, are left out with that reason. Returns
// are money rounded once to the cent (clv.RoundMoney); costs are taken
// exactly, in their smallest decimal place (at most 12 places).
//
// The plan is exact (ARDPlan.Exact) when the candidates have at most
// ARDEnumerationLimit combinations, or the budget is at most
// ARDBudgetUnitsLimit units of the greatest common divisor of the costs and
// the number of candidates with a positive return × (units + 1) is at most
// ARDCellsLimit — e.g. 800 candidates with whole-unit costs and a budget of
// 5,000, or 20 candidates with costs in cents and a budget of 2,000.00.
// Beyond, it is a greedy approximation (ARDGreedy): the better of the fill
// by return per unit of cost and the best single action completed by the
// same fill — with one action per candidate (ManyPerCustomer), at least
// half the optimum, the classic knapsack guarantee — and ARDPlan.Bound, the
// linear relaxation's value, bounds the optimum in every case, so the gap
// Bound − Return is reported, not hidden. It costs O(n log n) for n
// candidates.
//
// Campaign IDs must be non-empty and unique, CAC positive and Customers
// finite and non-negative; each decision needs a customer, an offer ID, a
// known kind and a non-negative Cost, and a customer cannot have the same
// offer twice. Amounts beyond 2⁵⁶ (about 7.2 × 10¹⁶) in the smallest unit used
// are an error, as is anything else invalid; errors name the campaign or
// the customer and offer.
func PlanARD(budget decimal.Decimal, campaigns []Campaign, decisions []Decision, opts ARDOptions) (ARDPlan, error) {
	switch {
	case budget.Sign() < 0:
		return ARDPlan{}, fmt.Errorf("%w: ARD plan: negative budget %s", ErrInvalidInput, clip.Decimal(budget))
	case !(opts.MinLTVToCAC >= 0) || math.IsInf(opts.MinLTVToCAC, 0):
		return ARDPlan{}, fmt.Errorf("%w: ARD plan: MinLTVToCAC %v, want a finite ratio ≥ 0", ErrInvalidConfig, opts.MinLTVToCAC)
	}
	cands, err := candidates(campaigns, decisions, opts)
	if err != nil {
		return ARDPlan{}, err
	}
	scale, err := toUnits(cands)
	if err != nil {
		return ARDPlan{}, err
	}
	var items []*candidate
	for i := range cands {
		if cands[i].eligible {
			items = append(items, &cands[i])
		}
	}
	sol := solve(items, budgetUnits(items, budget, scale), autoMethod)
	return assemble(budget, cands, items, sol), nil
}

// candidates validates the inputs and returns them as candidates in their
// canonical order: by lever, customer and ID.
func candidates(campaigns []Campaign, decisions []Decision, opts ARDOptions) ([]candidate, error) {
	out := make([]candidate, 0, len(campaigns)+len(decisions))
	seen := make(map[string]struct{}, len(campaigns))
	for i, c := range campaigns {
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%w: campaign %d (%s): %s", ErrInvalidInput, i, clip.Quote(c.ID), fmt.Sprintf(format, args...))
		}
		switch {
		case c.ID == "":
			return nil, fmt.Errorf("%w: campaign %d: empty ID", ErrInvalidInput, i)
		case c.CAC.Sign() <= 0:
			return nil, bad("CAC %s, want > 0", clip.Decimal(c.CAC))
		case !(c.Customers >= 0) || math.IsInf(c.Customers, 0):
			return nil, bad("Customers %v, want a finite number ≥ 0", c.Customers)
		}
		if _, dup := seen[c.ID]; dup {
			return nil, bad("appears twice")
		}
		seen[c.ID] = struct{}{}
		out = append(out, campaignCandidate(c, opts))
	}
	pairs := make(map[[2]string]struct{}, len(decisions))
	for i, d := range decisions {
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%w: decision %d (customer %s, offer %s): %s", ErrInvalidInput, i, clip.Quote(d.Customer), clip.Quote(d.Offer.ID), fmt.Sprintf(format, args...))
		}
		switch {
		case d.Customer == "":
			return nil, fmt.Errorf("%w: decision %d (offer %s): empty customer", ErrInvalidInput, i, clip.Quote(d.Offer.ID))
		case d.Offer.ID == "":
			return nil, fmt.Errorf("%w: decision %d (customer %s): empty offer ID", ErrInvalidInput, i, clip.Quote(d.Customer))
		case int(d.Offer.Kind) >= len(kindNames):
			return nil, bad("unknown offer kind %v", d.Offer.Kind)
		case d.Cost.Sign() < 0:
			return nil, bad("negative Cost %s", clip.Decimal(d.Cost))
		}
		key := [2]string{d.Customer, d.Offer.ID}
		if _, dup := pairs[key]; dup {
			return nil, bad("appears twice")
		}
		pairs[key] = struct{}{}
		out = append(out, decisionCandidate(d, opts))
	}
	// Sort indices rather than the large candidates themselves.
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := &out[i], &out[j]
		return cmp.Or(cmp.Compare(a.Lever, b.Lever), strings.Compare(a.Customer, b.Customer), strings.Compare(a.ID, b.ID))
	})
	sorted := make([]candidate, len(out))
	for i, k := range order {
		sorted[i] = out[k]
	}
	return sorted, nil
}

// campaignCandidate is a campaign as a candidate, with its facts and terms.
func campaignCandidate(c Campaign, opts ARDOptions) candidate {
	n := decimal.NewFromFloat(c.Customers)
	cost := c.CAC.Mul(n)
	gross := c.LTV.Mul(n)
	ret := clv.RoundMoney(gross.Sub(cost))
	cc := c
	a := Action{Lever: Acquire, ID: c.ID, Channel: c.Channel, Cost: cost, Return: ret, Campaign: &cc,
		Reason: clv.Explanation{Rule: RuleARDAcquisition, Terms: roundedTerms([]clv.Term{
			{Name: "expected customers × LTV", Amount: gross}, {Name: "acquisition cost", Amount: cost.Neg()}}, ret)}}
	ratio := c.LTV.DivRound(c.CAC, 18).InexactFloat64()
	a.Reason.Facts = []clv.Fact{{Name: "expected customers", Value: strconv.FormatFloat(c.Customers, 'g', -1, 64)},
		{Name: "LTV", Value: c.LTV.String()}, {Name: "CAC", Value: c.CAC.String()}}
	ltvCAC := clv.Fact{Name: "LTV:CAC", Value: strconv.FormatFloat(ratio, 'f', 2, 64)}
	cand := candidate{Action: a, group: [2]string{"c", c.ID}, eligible: true}
	if opts.MinLTVToCAC > 0 {
		ltvCAC.Op, ltvCAC.Limit, ltvCAC.Held = clv.OpAtLeast, strconv.FormatFloat(opts.MinLTVToCAC, 'g', -1, 64), ratio >= opts.MinLTVToCAC
		if !ltvCAC.Held {
			cand.eligible, cand.why = false, ltvCAC
		}
	}
	if cand.eligible {
		cand.Reason.Facts = append(cand.Reason.Facts, ltvCAC)
	}
	return cand
}

// decisionCandidate is an offer's decision as a candidate.
func decisionCandidate(d Decision, opts ARDOptions) candidate {
	ret := clv.RoundMoney(d.ExpectedValue)
	dd := d
	lever := d.Offer.Kind.Lever()
	a := Action{Lever: lever, ID: d.Offer.ID, Customer: d.Customer, Channel: d.Channel, Cost: d.Cost, Return: ret, Decision: &dd,
		Reason: clv.Explanation{Rule: leverRules[lever], Terms: roundedTerms(slices.Clone(d.Reason.Terms), ret)}}
	if len(d.Reason.Terms) == 0 {
		a.Reason.Terms = roundedTerms([]clv.Term{{Name: "expected value of the offer", Amount: d.ExpectedValue}}, ret)
	}
	a.Reason.Facts = []clv.Fact{{Name: "offer kind", Value: d.Offer.Kind.String()}}
	if d.Offer.Kind.Development() && d.PotentialGap != nil {
		gap := *d.PotentialGap
		a.PotentialGap = &gap
		a.Reason.Facts = append(a.Reason.Facts, clv.Fact{Name: "potential value gap", Value: gap.String()})
	}
	group := [2]string{"o", d.Customer}
	if opts.ManyPerCustomer {
		group[1] += "\x00" + d.Offer.ID
	}
	return candidate{Action: a, group: group, eligible: true}
}

// roundedTerms appends the rounding to the cent, when there is any, so that
// the terms add up to the rounded return.
func roundedTerms(terms []clv.Term, rounded decimal.Decimal) []clv.Term {
	sum := decimal.Zero
	for _, t := range terms {
		sum = sum.Add(t.Amount)
	}
	if diff := rounded.Sub(sum); !diff.IsZero() {
		terms = append(terms, clv.Term{Name: "rounding to the cent", Amount: diff})
	}
	return terms
}

// maxUnits bounds every amount in the planner's integer arithmetic, so that
// no sum of amounts overflows an int64 before it is checked.
const maxUnits = 1 << 56

// toUnits sets each candidate's integer cost (in the smallest decimal place
// of any cost, which it returns), return and gap (in cents), and leaves out
// those with a return that is not positive.
func toUnits(cands []candidate) (int32, error) {
	scale := int32(0)
	for i := range cands {
		s, ok := places(cands[i].Cost)
		if !ok {
			return 0, fmt.Errorf("%w: %s: cost %s has more than 12 decimal places", ErrInvalidInput, cands[i].name(), clip.Decimal(cands[i].Cost))
		}
		scale = max(scale, s)
	}
	gapCap := decimal.NewFromInt(int64(maxUnits) / int64(len(cands)+1))
	var totalCost, totalReturn int64
	for i := range cands {
		c := &cands[i]
		cost, ok := units(c.Cost, scale)
		if !ok {
			return 0, fmt.Errorf("%w: %s: cost %s is too large for the planner", ErrInvalidInput, c.name(), clip.Decimal(c.Cost))
		}
		ret, ok := units(c.Return, 2)
		if !ok {
			return 0, fmt.Errorf("%w: %s: expected return %s is too large for the planner", ErrInvalidInput, c.name(), clip.Decimal(c.Return))
		}
		c.cost, c.ret = cost, ret
		if c.PotentialGap != nil {
			// Only a tie-break: an absurd gap counts as the cap.
			c.gap = decimal.Min(decimal.Max(clv.RoundMoney(*c.PotentialGap).Shift(2), gapCap.Neg()), gapCap).IntPart()
		}
		if c.eligible && ret <= 0 {
			c.eligible = false
			c.why = clv.Fact{Name: "expected return", Value: c.Return.String(), Op: clv.OpGreater, Limit: "0", Held: false}
		}
		if c.eligible {
			totalCost += cost
			totalReturn += ret
			if totalCost > maxUnits || totalReturn > maxUnits {
				return 0, fmt.Errorf("%w: ARD plan: the candidates' total cost or return is too large for the planner", ErrInvalidInput)
			}
		}
	}
	return scale, nil
}

// budgetUnits is the budget in units of 10^−scale, floored, and at most the
// total cost of the items (a larger budget buys nothing more).
func budgetUnits(items []*candidate, budget decimal.Decimal, scale int32) int64 {
	var total int64
	for _, c := range items {
		total += c.cost
	}
	if b := budget.Shift(scale).Floor(); b.LessThan(decimal.NewFromInt(total)) {
		return b.IntPart()
	}
	return total
}

// places returns the number of decimal places d needs, at most 12.
func places(d decimal.Decimal) (int32, bool) {
	if d.Exponent() >= 0 {
		return 0, true
	}
	for s := int32(0); s <= 12; s++ {
		if d.Shift(s).IsInteger() {
			return s, true
		}
	}
	return 0, false
}

// units returns d × 10^scale as an integer of at most maxUnits in absolute
// value; d × 10^scale must be whole (cents of a rounded amount, costs in
// their smallest place).
func units(d decimal.Decimal, scale int32) (int64, bool) {
	v := d.Shift(scale)
	if v.Abs().GreaterThan(decimal.NewFromInt(maxUnits)) {
		return 0, false
	}
	return v.IntPart(), true
}

// name names a candidate in an error.
func (c *candidate) name() string {
	if c.Campaign != nil {
		return "campaign " + clip.Quote(c.ID)
	}
	return "customer " + clip.Quote(c.Customer) + ", offer " + clip.Quote(c.ID)
}

// assemble writes the plan: the chosen candidates and the others with the
// fact that kept each out, the totals and the split by lever.
func assemble(budget decimal.Decimal, cands []candidate, items []*candidate, sol solution) ARDPlan {
	p := ARDPlan{Budget: budget, Method: sol.method, Exact: sol.exact, Cost: decimal.Zero, Return: decimal.Zero}
	in := make(map[*candidate]bool, len(sol.chosen))
	byGroup := map[[2]string]*candidate{}
	for _, k := range sol.chosen {
		c := items[k]
		in[c] = true
		byGroup[c.group] = c
		p.Cost = p.Cost.Add(c.Cost)
		p.Return = p.Return.Add(c.Return)
	}
	p.Bound = decimal.New(sol.bound, -2)
	if sol.exact {
		p.Bound = p.Return
	}
	left := budget.Sub(p.Cost)
	for i := range p.Split {
		p.Split[i] = LeverTotal{Lever: Lever(i), Cost: decimal.Zero, Return: decimal.Zero}
	}
	// Report by lever, then return (highest first), customer and ID: the
	// candidates are by lever, customer and ID already, so a stable sort on
	// lever and return (in cents) finishes the order without moving the
	// large actions more than once.
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := &cands[i], &cands[j]
		return cmp.Or(cmp.Compare(a.Lever, b.Lever), cmp.Compare(b.ret, a.ret))
	})
	for _, i := range order {
		c := &cands[i]
		a := c.Action
		a.Reason.Facts = slices.Clone(a.Reason.Facts)
		switch {
		case in[c]:
			a.Reason.Facts = append(a.Reason.Facts, clv.Fact{Name: "expected return", Value: a.Return.String(), Op: clv.OpGreater, Limit: "0", Held: true},
				clv.Fact{Name: "return per unit of cost", Value: perUnit(a.Return, a.Cost)},
				clv.Fact{Name: "in the plan within the budget", Value: "true"})
			p.Chosen = append(p.Chosen, a)
			s := &p.Split[a.Lever]
			s.Actions++
			s.Cost = s.Cost.Add(a.Cost)
			s.Return = s.Return.Add(a.Return)
			continue
		case !c.eligible:
			a.Reason.Facts = append(a.Reason.Facts, c.why)
		case byGroup[c.group] != nil:
			// Both facts: the plan's other offer, and whether this one would
			// fit the budget besides.
			a.Reason.Facts = append(a.Reason.Facts, clv.Fact{Name: "return per unit of cost", Value: perUnit(a.Return, a.Cost)},
				clv.Fact{Name: "other offer to this customer in the plan", Value: byGroup[c.group].ID, Op: clv.OpEqual, Limit: "none", Held: false},
				clv.Fact{Name: "cost against the budget left", Value: a.Cost.String(), Op: clv.OpAtMost, Limit: left.String(), Held: !a.Cost.GreaterThan(left)})
		case a.Cost.GreaterThan(left):
			a.Reason.Facts = append(a.Reason.Facts, clv.Fact{Name: "return per unit of cost", Value: perUnit(a.Return, a.Cost)},
				clv.Fact{Name: "cost against the budget left", Value: a.Cost.String(), Op: clv.OpAtMost, Limit: left.String(), Held: false})
		default: // not reached by either method; said rather than hidden
			a.Reason.Facts = append(a.Reason.Facts, clv.Fact{Name: "in the plan found", Value: "false", Op: clv.OpEqual, Limit: "true", Held: false})
		}
		p.Left = append(p.Left, a)
	}
	for i := range p.Split {
		if p.Cost.Sign() > 0 {
			p.Split[i].BudgetShare = shareOf(p.Split[i].Cost, p.Cost)
		}
	}
	return p
}

// perUnit is return ÷ cost to four places, or "free" when cost is zero.
func perUnit(ret, cost decimal.Decimal) string {
	if cost.Sign() == 0 {
		return "free"
	}
	return ret.DivRound(cost, 4).String()
}
