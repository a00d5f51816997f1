package lifecycle

import (
	"fmt"
	"math"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// money converts an amount computed in float64 to money, once, at the end,
// by the SDK's rounding policy (clv.Money); what names the result in the
// error when it is not finite (inputs too large for float64).
func money(what string, v float64) (decimal.Decimal, error) {
	d, ok := clv.Money(v)
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("%w: %s is %v: the inputs are too large", ErrInvalidInput, what, v)
	}
	return d, nil
}

// Timing is when a retained customer pays, which changes a retention-based
// lifetime value by a whole payment or a period's discount (Fader &
// Hardie's note 024 on the conventions behind "m·r/(1+d−r)").
type Timing uint8

const (
	// PaidAtStart: the customer pays m at the start of every period they are
	// active, the first payment now, counted: m(1+d)/(1+d−r).
	PaidAtStart Timing = iota
	// PaidAtStartFirstExcluded: as PaidAtStart, but the first payment is
	// already in hand (an existing customer's residual value): m·r/(1+d−r).
	PaidAtStartFirstExcluded
	// PaidAtEnd: the customer pays m at the end of every period they were
	// active, the first period certain: m/(1+d−r).
	PaidAtEnd
)

// String returns the convention's name.
func (t Timing) String() string {
	switch t {
	case PaidAtStart:
		return "paid at start"
	case PaidAtStartFirstExcluded:
		return "paid at start, first payment excluded"
	case PaidAtEnd:
		return "paid at end"
	}
	return fmt.Sprintf("Timing(%d)", uint8(t))
}

// RetentionValue is the lifetime value of a customer paying margin m per
// period (money, m ≥ 0), retained each period with probability r (0 ≤ r ≤
// 1), at discount rate d per period (finite, d ≥ 0), under the given payment
// timing. It needs r < 1 + d, so that the sum converges. The result is
// rounded half to even to the cent and is never negative.
func RetentionValue(m decimal.Decimal, r, d float64, timing Timing) (decimal.Decimal, error) {
	switch {
	case m.Sign() < 0:
		return decimal.Decimal{}, fmt.Errorf("%w: margin m %s is negative", ErrInvalidInput, clip.Decimal(m))
	case !(r >= 0 && r <= 1):
		return decimal.Decimal{}, fmt.Errorf("%w: retention r %v outside [0, 1]", ErrInvalidInput, r)
	case !(d >= 0) || math.IsInf(d, 0):
		return decimal.Decimal{}, fmt.Errorf("%w: discount rate d %v, want a finite non-negative number", ErrInvalidInput, d)
	case !(1+d-r > 0):
		return decimal.Decimal{}, fmt.Errorf("%w: retention r %v and discount rate d %v: want r < 1+d", ErrInvalidInput, r, d)
	}
	mf := m.InexactFloat64()
	var v float64
	switch timing {
	case PaidAtStart:
		v = mf * (1 + d) / (1 + d - r)
	case PaidAtStartFirstExcluded:
		v = mf * r / (1 + d - r)
	case PaidAtEnd:
		v = mf / (1 + d - r)
	default:
		return decimal.Decimal{}, fmt.Errorf("%w: unknown timing %v", ErrInvalidConfig, timing)
	}
	return money("the retention value", v)
}

// MarginMultiple is Gupta & Lehmann's r/(1+i−r): the lifetime value of a
// customer as a multiple of the yearly margin, with retention r (0 ≤ r ≤ 1)
// and discount rate i (finite, i ≥ 0, r < 1+i) per year (2.67 at r = 80%,
// i = 10%). The result is finite and non-negative.
func MarginMultiple(r, i float64) (float64, error) {
	switch {
	case !(r >= 0 && r <= 1):
		return 0, fmt.Errorf("%w: retention r %v outside [0, 1]", ErrInvalidInput, r)
	case !(i >= 0) || math.IsInf(i, 0):
		return 0, fmt.Errorf("%w: discount rate i %v, want a finite non-negative number", ErrInvalidInput, i)
	case !(1+i-r > 0):
		return 0, fmt.Errorf("%w: retention r %v and discount rate i %v: want r < 1+i", ErrInvalidInput, r, i)
	}
	return r / (1 + i - r), nil
}

// UndiscountedValue is the plain arithmetic of a customer's worth that
// customer-centricity primers start from: amount per purchase (money, ≥ 0)
// × purchases per year (finite, ≥ 0) × years (finite, ≥ 0), with no
// discounting or churn (the business traveller staying twice a month at
// $300: $300 × 24 × 5 = $36,000), rounded half to even to the cent
// (clv.RoundMoney).
func UndiscountedValue(amt decimal.Decimal, perYear float64, years float64) (decimal.Decimal, error) {
	switch {
	case amt.Sign() < 0:
		return decimal.Decimal{}, fmt.Errorf("%w: amount %s is negative", ErrInvalidInput, clip.Decimal(amt))
	case !(perYear >= 0) || math.IsInf(perYear, 0):
		return decimal.Decimal{}, fmt.Errorf("%w: perYear %v, want a finite non-negative number", ErrInvalidInput, perYear)
	case !(years >= 0) || math.IsInf(years, 0):
		return decimal.Decimal{}, fmt.Errorf("%w: years %v, want a finite non-negative number", ErrInvalidInput, years)
	}
	return clv.RoundMoney(amt.Mul(decimal.NewFromFloat(perYear)).Mul(decimal.NewFromFloat(years))), nil
}

// SubscriptionLTV is the SaaS rule of thumb: average revenue per account
// per period (money, ≥ 0) × gross margin (a share in (0, 1]) ÷ churn rate per
// period (a probability in (0, 1]); ARPA 200 a month, margin 80%, churn 2%
// a month: 8,000. The result is rounded half to even to the cent.
func SubscriptionLTV(arpa decimal.Decimal, grossMargin, churn float64) (decimal.Decimal, error) {
	switch {
	case arpa.Sign() < 0:
		return decimal.Decimal{}, fmt.Errorf("%w: ARPA %s is negative", ErrInvalidInput, clip.Decimal(arpa))
	case !(grossMargin > 0 && grossMargin <= 1):
		return decimal.Decimal{}, fmt.Errorf("%w: gross margin %v outside (0, 1]", ErrInvalidInput, grossMargin)
	case !(churn > 0 && churn <= 1):
		return decimal.Decimal{}, fmt.Errorf("%w: churn %v outside (0, 1]", ErrInvalidInput, churn)
	}
	return money("the subscription LTV", arpa.InexactFloat64()*grossMargin/churn)
}

// UnitEconomics is the LTV:CAC test of one segment or channel.
type UnitEconomics struct {
	Name     string
	LTV, CAC decimal.Decimal
	// Ratio is LTV/CAC, ≥ 0.
	Ratio float64
	// PaybackPeriods is CAC ÷ margin per period: how long the customer
	// takes to repay their acquisition (0 when no margin per period is
	// given).
	PaybackPeriods float64
	// Healthy reports Ratio ≥ the threshold (LTVToCACOptions.Threshold, 3
	// by default: the rule of thumb that a customer should be worth at
	// least three times their acquisition).
	Healthy bool
	Reason  clv.Explanation
}

// Acquisition is what UnitEconomics needs of a segment or channel: its
// lifetime value (money, ≥ 0), its acquisition cost (money, > 0) and, for
// the payback time, the margin a customer brings per period (money, ≥ 0;
// zero when unknown).
type Acquisition struct {
	Name            string
	LTV, CAC        decimal.Decimal
	MarginPerPeriod decimal.Decimal
}

// LTVToCACOptions configures LTVToCAC.
type LTVToCACOptions struct {
	// Threshold is the LTV:CAC ratio a healthy group reaches, a finite
	// ratio > 0; zero means 3.
	Threshold float64
}

// RuleLTVToCAC is LTVToCAC's rule: a group is healthy when its LTV:CAC
// ratio reaches the threshold.
const RuleLTVToCAC clv.Rule = "economics/ltv-cac"

// LTVToCAC evaluates each group against opts.Threshold, in input order.
// Ratios and payback periods are computed in decimal arithmetic and
// converted to float64 once.
func LTVToCAC(groups []Acquisition, opts LTVToCACOptions) ([]UnitEconomics, error) {
	threshold := opts.Threshold
	if threshold == 0 {
		threshold = 3
	}
	if !(threshold > 0) || math.IsInf(threshold, 0) {
		return nil, fmt.Errorf("%w: LTV:CAC threshold %v, want a finite positive ratio", ErrInvalidConfig, threshold)
	}
	out := make([]UnitEconomics, len(groups))
	for i, g := range groups {
		bad := func(field string, v decimal.Decimal, want string) error {
			return fmt.Errorf("%w: group %d (%s): %s %s, want %s", ErrInvalidInput, i, clip.Quote(g.Name), field, clip.Decimal(v), want)
		}
		switch {
		case g.CAC.Sign() <= 0:
			return nil, bad("CAC", g.CAC, "> 0")
		case g.LTV.Sign() < 0:
			return nil, bad("LTV", g.LTV, ">= 0")
		case g.MarginPerPeriod.Sign() < 0:
			return nil, bad("MarginPerPeriod", g.MarginPerPeriod, ">= 0")
		}
		ratio := g.LTV.Div(g.CAC).InexactFloat64()
		u := UnitEconomics{Name: g.Name, LTV: g.LTV, CAC: g.CAC, Ratio: ratio, Healthy: ratio >= threshold}
		if g.MarginPerPeriod.Sign() > 0 {
			u.PaybackPeriods = g.CAC.Div(g.MarginPerPeriod).InexactFloat64()
		}
		u.Reason = clv.Explanation{Rule: RuleLTVToCAC, Facts: []clv.Fact{
			{Name: "LTV:CAC", Value: fmt.Sprintf("%.2f", ratio), Op: clv.OpAtLeast, Limit: fmt.Sprintf("%g", threshold), Held: u.Healthy},
		}}
		out[i] = u
	}
	return out, nil
}

// CurvePoint is a point of the concentration (Pareto) curve: the top
// CustomerShare of customers hold ValueShare of the value.
type CurvePoint struct {
	CustomerShare, ValueShare float64
}

// checkValues rejects an empty or repeated customer ID: a customer counted
// twice would take a second place in every ranking.
func checkValues(vs []clv.CustomerValue) error {
	seen := make(map[string]struct{}, len(vs))
	for i, v := range vs {
		if v.ID == "" {
			return fmt.Errorf("%w: value %d: empty customer ID", ErrInvalidInput, i)
		}
		if _, dup := seen[v.ID]; dup {
			return fmt.Errorf("%w: value %d: customer %s appears twice", ErrInvalidInput, i, clip.Quote(v.ID))
		}
		seen[v.ID] = struct{}{}
	}
	return nil
}

// rankedPositive returns values sorted from the most valuable, ties by ID,
// and the total of the positive values.
func rankedPositive(vs []clv.CustomerValue) ([]clv.CustomerValue, decimal.Decimal) {
	r := clv.RankByValue(vs)
	total := decimal.Zero
	for _, v := range r {
		if v.Value.Sign() > 0 {
			total = total.Add(v.Value)
		}
	}
	return r, total
}

// ValuableFew returns the smallest set of customers holding at least share
// (in (0, 1]) of the total positive predicted value — customer
// centricity's "select set" of valuable customers — most valuable first (ties by ID),
// and the share they hold, in [0, 1]. Values may be negative (a value net of
// costs); they hold no share. Customer IDs must be unique and non-empty.
func ValuableFew(vs []clv.CustomerValue, share float64) ([]clv.CustomerValue, float64, error) {
	if !(share > 0 && share <= 1) {
		return nil, 0, fmt.Errorf("%w: share %v outside (0, 1]", ErrInvalidConfig, share)
	}
	if err := checkValues(vs); err != nil {
		return nil, 0, err
	}
	r, total := rankedPositive(vs)
	if total.Sign() == 0 {
		return nil, 0, nil
	}
	acc := decimal.Zero
	for i, v := range r {
		if v.Value.Sign() <= 0 {
			break
		}
		acc = acc.Add(v.Value)
		if got := shareOf(acc, total); got >= share-1e-12 {
			return r[:i+1], got, nil
		}
	}
	return r, 1, nil
}

// shareOf returns part/total in [0, 1], dividing in decimal so that huge
// amounts do not overflow float64.
func shareOf(part, total decimal.Decimal) float64 {
	if total.Sign() <= 0 {
		return 0
	}
	return math.Max(0, math.Min(1, part.DivRound(total, 18).InexactFloat64()))
}

// Concentration returns the concentration curve at every customer, most
// valuable first (ties by ID), starting at (0, 0): CustomerShare rises by
// 1/n a point, ValueShare never falls and ends at 1 when any value is
// positive (0 otherwise). Negative values count as zero. Customer IDs must
// be unique and non-empty.
func Concentration(vs []clv.CustomerValue) ([]CurvePoint, error) {
	if err := checkValues(vs); err != nil {
		return nil, err
	}
	r, total := rankedPositive(vs)
	out := make([]CurvePoint, 0, len(r)+1)
	out = append(out, CurvePoint{})
	acc := decimal.Zero
	n := float64(len(r))
	for i, v := range r {
		if v.Value.Sign() > 0 {
			acc = acc.Add(v.Value)
		}
		out = append(out, CurvePoint{CustomerShare: float64(i+1) / n, ValueShare: shareOf(acc, total)})
	}
	return out, nil
}

// Tier is a value tier: the customers ranked within the top Share of
// customers (cumulatively, from the most valuable) that earlier tiers did
// not take.
type Tier struct {
	Name  string
	Share float64
}

// AssignTiers places each customer in a value tier by rank (ties by ID):
// tiers are given from the top with increasing cumulative shares in (0, 1],
// the last of which must be 1 so that every customer gets exactly one tier.
// The result maps customer ID to tier name. Customer IDs must be unique and
// non-empty.
func AssignTiers(vs []clv.CustomerValue, tiers []Tier) (map[string]string, error) {
	if len(tiers) == 0 || tiers[len(tiers)-1].Share != 1 {
		return nil, fmt.Errorf("%w: tiers must end with a Share of 1", ErrInvalidConfig)
	}
	for i, t := range tiers {
		if !(t.Share > 0) || (i > 0 && !(t.Share > tiers[i-1].Share)) {
			return nil, fmt.Errorf("%w: tier %d (%s): Share %v: cumulative shares must increase from above 0 to 1", ErrInvalidConfig, i, clip.Quote(t.Name), t.Share)
		}
	}
	if err := checkValues(vs); err != nil {
		return nil, err
	}
	r := clv.RankByValue(vs)
	out := make(map[string]string, len(r))
	n := float64(len(r))
	for i, v := range r {
		pos := float64(i+1) / n
		j, _ := slices.BinarySearchFunc(tiers, pos, func(t Tier, p float64) int {
			if t.Share < p-1e-12 {
				return -1
			}
			return 1
		})
		out[v.ID] = tiers[j].Name
	}
	return out, nil
}

// ChurnProbability is 1 − P(alive) under any model that gives P(alive) (a
// clv transaction model, or any other AliveModel), in [0, 1]. The model
// must be non-nil and valid (when it has a Validate method) and the summary
// valid; a clv transaction model in another unit than the summary's is
// converted (clv.InUnit), never misread. A model that returns no
// probability is an error.
func ChurnProbability(m AliveModel, s clv.Summary) (float64, error) {
	if err := checkModel("model", m); err != nil {
		return 0, err
	}
	if err := checkSummary("summary", s); err != nil {
		return 0, err
	}
	m, err := inUnit(m, s.Unit)
	if err != nil {
		return 0, err
	}
	alive := m.ProbabilityAlive(s)
	if !(alive >= 0 && alive <= 1) {
		return 0, fmt.Errorf("%w: customer %s: the model's P(alive) is %v, not a probability", ErrInvalidInput, clip.Quote(s.ID), alive)
	}
	return 1 - alive, nil
}

// SubscriptionChurn is the probability that a subscriber who has made
// payments payments does not make the next one, under a shifted-beta-
// geometric model: 1 − r_payments = α/(α+β+payments−1), with r_t =
// m.RetentionRate(t); the result is in [0, 1]. Payments are counted as clv.SBG.DERL counts renewals:
// payments ≥ 1 counts the first payment, so a subscriber who has paid once
// churns with probability α/(α+β) (0.3733 for Fader & Hardie's Regular
// cohort, α 0.704 and β 1.182, whose 1000 subscribers fall to 631).
func SubscriptionChurn(m clv.SBG, payments int) (float64, error) {
	if err := m.Validate(); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if payments < 1 {
		return 0, fmt.Errorf("%w: payments %d, want at least 1 (the first payment counts)", ErrInvalidInput, payments)
	}
	// α/(α+β+k−1) rather than 1 − RetentionRate(k): the same number, without
	// the cancellation that makes 1 − r NaN or inexact for tiny α and β.
	p := m.Alpha / (m.Alpha + m.Beta + float64(payments) - 1)
	if !(p >= 0 && p <= 1) {
		return 0, fmt.Errorf("%w: sBG churn %v after %d payments is not a probability", ErrInvalidInput, p, payments)
	}
	return p, nil
}
