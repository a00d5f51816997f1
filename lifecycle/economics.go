package lifecycle

import (
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/shopspring/decimal"
)

// moneyScale is the number of decimal places of the money this file
// returns; values are rounded once, half to even, at the end.
const moneyScale = 2

func money(v float64) (decimal.Decimal, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return decimal.Decimal{}, fmt.Errorf("%w: non-finite amount %v", ErrInvalidInput, v)
	}
	return decimal.NewFromFloat(v).RoundBank(moneyScale), nil
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
// period, retained each period with probability r, at discount rate d per
// period, under the given payment timing. It needs 0 ≤ r < 1 + d.
func RetentionValue(m decimal.Decimal, r, d float64, timing Timing) (decimal.Decimal, error) {
	if !(r >= 0 && r <= 1) || !(d >= 0) || math.IsInf(d, 0) || !(1+d-r > 0) {
		return decimal.Decimal{}, fmt.Errorf("%w: retention %v and discount %v: want 0 ≤ r ≤ 1, d ≥ 0 and r < 1+d", ErrInvalidInput, r, d)
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
	return money(v)
}

// MarginMultiple is Gupta & Lehmann's r/(1+i−r): the lifetime value of a
// customer as a multiple of the yearly margin, with retention r and
// discount rate i (2.67 at r = 80%, i = 10%).
func MarginMultiple(r, i float64) (float64, error) {
	if !(r >= 0 && r <= 1) || !(i >= 0) || !(1+i-r > 0) {
		return 0, fmt.Errorf("%w: retention %v and discount %v: want 0 ≤ r ≤ 1, i ≥ 0 and r < 1+i", ErrInvalidInput, r, i)
	}
	return r / (1 + i - r), nil
}

// UndiscountedValue is the seed's plain arithmetic of a customer's worth:
// amount per purchase × purchases per year × years, with no discounting or
// churn (the hotel guest of seed 002: $300 × 24 × 5 = $36,000).
func UndiscountedValue(amount decimal.Decimal, perYear float64, years float64) (decimal.Decimal, error) {
	if !(perYear >= 0) || !(years >= 0) || math.IsInf(perYear, 0) || math.IsInf(years, 0) || amount.Sign() < 0 {
		return decimal.Decimal{}, fmt.Errorf("%w: amount %s, %v a year, %v years: want non-negative finite values", ErrInvalidInput, amount, perYear, years)
	}
	return amount.Mul(decimal.NewFromFloat(perYear)).Mul(decimal.NewFromFloat(years)).RoundBank(moneyScale), nil
}

// SubscriptionLTV is the SaaS rule of thumb: average revenue per account
// per period × gross margin ÷ churn rate per period (ARPA 200 a month,
// margin 80%, churn 2% a month: 8,000).
func SubscriptionLTV(arpa decimal.Decimal, grossMargin, churn float64) (decimal.Decimal, error) {
	if arpa.Sign() < 0 || !(grossMargin > 0 && grossMargin <= 1) || !(churn > 0 && churn <= 1) {
		return decimal.Decimal{}, fmt.Errorf("%w: ARPA %s, margin %v, churn %v: want ARPA ≥ 0, margin and churn in (0, 1]", ErrInvalidInput, arpa, grossMargin, churn)
	}
	return money(arpa.InexactFloat64() * grossMargin / churn)
}

// UnitEconomics is the LTV:CAC test of one segment or channel.
type UnitEconomics struct {
	Name     string
	LTV, CAC decimal.Decimal
	// Ratio is LTV/CAC.
	Ratio float64
	// PaybackPeriods is CAC ÷ margin per period: how long the customer
	// takes to repay their acquisition (0 when no margin per period is
	// given).
	PaybackPeriods float64
	// Healthy reports Ratio ≥ the threshold (3 by default: seed 003).
	Healthy bool
	Reason  clv.Explanation
}

// Acquisition is what UnitEconomics needs of a segment or channel: its
// lifetime value, its acquisition cost and, for the payback time, the
// margin a customer brings per period.
type Acquisition struct {
	Name            string
	LTV, CAC        decimal.Decimal
	MarginPerPeriod decimal.Decimal
}

// LTVToCAC evaluates each group against threshold (0 means 3), in input
// order.
func LTVToCAC(groups []Acquisition, threshold float64) ([]UnitEconomics, error) {
	if threshold == 0 {
		threshold = 3
	}
	if !(threshold > 0) || math.IsInf(threshold, 0) {
		return nil, fmt.Errorf("%w: LTV:CAC threshold %v", ErrInvalidConfig, threshold)
	}
	out := make([]UnitEconomics, len(groups))
	for i, g := range groups {
		if g.CAC.Sign() <= 0 || g.LTV.Sign() < 0 || g.MarginPerPeriod.Sign() < 0 {
			return nil, fmt.Errorf("%w: group %q: LTV %s, CAC %s, margin %s: want CAC > 0 and the others ≥ 0", ErrInvalidInput, g.Name, g.LTV, g.CAC, g.MarginPerPeriod)
		}
		ratio := g.LTV.InexactFloat64() / g.CAC.InexactFloat64()
		u := UnitEconomics{Name: g.Name, LTV: g.LTV, CAC: g.CAC, Ratio: ratio, Healthy: ratio >= threshold}
		if g.MarginPerPeriod.Sign() > 0 {
			u.PaybackPeriods = g.CAC.InexactFloat64() / g.MarginPerPeriod.InexactFloat64()
		}
		u.Reason = clv.Explanation{Rule: "economics/ltv-cac", Facts: []clv.Fact{
			{Name: "LTV:CAC", Value: fmt.Sprintf("%.2f", ratio), Test: fmt.Sprintf(">= %g", threshold), Held: u.Healthy},
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
// of the total (positive) predicted value — customer centricity's "select
// set" of seed 002 — most valuable first, and the share they hold.
func ValuableFew(vs []clv.CustomerValue, share float64) ([]clv.CustomerValue, float64, error) {
	if !(share > 0 && share <= 1) {
		return nil, 0, fmt.Errorf("%w: share %v, want (0, 1]", ErrInvalidConfig, share)
	}
	r, total := rankedPositive(vs)
	if total.Sign() == 0 {
		return nil, 0, nil
	}
	tf := total.InexactFloat64()
	acc := decimal.Zero
	for i, v := range r {
		if v.Value.Sign() <= 0 {
			break
		}
		acc = acc.Add(v.Value)
		if got := acc.InexactFloat64() / tf; got >= share-1e-12 {
			return r[:i+1], got, nil
		}
	}
	return r, 1, nil
}

// Concentration returns the concentration curve at every customer, most
// valuable first, starting at (0, 0); negative values count as zero.
func Concentration(vs []clv.CustomerValue) []CurvePoint {
	r, total := rankedPositive(vs)
	out := make([]CurvePoint, 0, len(r)+1)
	out = append(out, CurvePoint{})
	acc := decimal.Zero
	n := float64(len(r))
	for i, v := range r {
		if v.Value.Sign() > 0 {
			acc = acc.Add(v.Value)
		}
		vs := 0.0
		if total.Sign() > 0 {
			vs = acc.InexactFloat64() / total.InexactFloat64()
		}
		out = append(out, CurvePoint{CustomerShare: float64(i+1) / n, ValueShare: vs})
	}
	return out
}

// Tier is a value tier: the customers ranked within the top Share of
// customers (cumulatively, from the most valuable) that earlier tiers did
// not take.
type Tier struct {
	Name  string
	Share float64
}

// AssignTiers places each customer in a value tier by rank (ties by ID):
// tiers are given from the top with increasing cumulative shares, the last
// of which must be 1 so that every customer gets exactly one tier. The
// result maps customer ID to tier name.
func AssignTiers(vs []clv.CustomerValue, tiers []Tier) (map[string]string, error) {
	if len(tiers) == 0 || tiers[len(tiers)-1].Share != 1 {
		return nil, fmt.Errorf("%w: tiers must end with a share of 1", ErrInvalidConfig)
	}
	for i, t := range tiers {
		if !(t.Share > 0) || (i > 0 && t.Share <= tiers[i-1].Share) {
			return nil, fmt.Errorf("%w: tier %q: cumulative shares must increase from above 0 to 1", ErrInvalidConfig, t.Name)
		}
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

// ChurnProbability is 1 − P(alive) under any clv transaction model.
func ChurnProbability(m clv.TransactionModel, s clv.Summary) (float64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	if err := s.Validate(); err != nil {
		return 0, err
	}
	return 1 - m.ProbabilityAlive(s), nil
}

// SubscriptionChurn is the probability that a subscriber who has paid for
// tenure periods does not renew for the next, under a shifted-beta-geometric
// model: 1 − r_{tenure+1}.
func SubscriptionChurn(m clv.SBG, tenure int) (float64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	if tenure < 0 {
		return 0, fmt.Errorf("%w: negative tenure %d", ErrInvalidInput, tenure)
	}
	return 1 - m.RetentionRate(tenure+1), nil
}
