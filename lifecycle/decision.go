package lifecycle

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/internal/parallel"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// OfferKind is what an offer does for the customer's relationship.
type OfferKind uint8

// Offer kinds: the lifecycle programme's cross-sell, upgrade and downgrade,
// with retention, win-back and referral, and the three ways the
// cross-sell/upgrade/downgrade article lists to make a customer more
// profitable besides them: raising purchase frequency, extending tenure past
// the expected lifetime and sharing data with non-competing partners. New
// kinds are added at the end; the values never change.
const (
	// CrossSell offers another product: same category, another category,
	// or a partner's.
	CrossSell OfferKind = iota
	// Upgrade moves the customer to a premium product.
	Upgrade
	// Downgrade moves a customer in trouble to a cheaper product: better a
	// customer earning less than no customer — but only when the offer's
	// effect on churn is known (see Offer.ChurnReduction).
	Downgrade
	// Retention is an anti-churn incentive.
	Retention
	// WinBack tries to bring back a lapsed or churned customer.
	WinBack
	// Referral asks for a member-get-member introduction.
	Referral
	// RaiseFrequency asks a customer who has bought to buy (or visit) more
	// often: MarginChange is the margin of the extra purchases over the
	// horizon of Value. It is a development offer (see
	// Customer.PotentialValue) and needs a customer past the Prospect phase.
	RaiseFrequency
	// ExtendTenure asks a customer to stay past their expected lifetime (a
	// renewal bonus, a loyalty anniversary): MarginChange is the margin of
	// the extra tenure, which Value, ending at the expected lifetime, does
	// not hold — so no churn term counts. It needs a customer past the
	// Prospect phase.
	ExtendTenure
	// DataSharing shares the customer's data with a non-competing partner
	// for the partner's own offer (it must be marked Partner):
	// MarginChange is what the business earns when the customer takes it
	// (the partner's fee), and a known ChurnReduction — usually negative,
	// the churn the partner's contact adds — counts on Value. It is made
	// only to customers whose consent is recorded
	// (Customer.DataSharingConsent); without it the offer is rejected and
	// the audit trail says so.
	DataSharing
)

var kindNames = [...]string{"cross-sell", "upgrade", "downgrade", "retention", "win-back", "referral",
	"raise-frequency", "extend-tenure", "data-sharing"}

// String returns the kind's name.
func (k OfferKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "OfferKind(" + strconv.Itoa(int(k)) + ")"
}

// The rules of Decide, one per offer kind: they differ in whether the
// churn term counts and whether a measured effect on churn is required.
const (
	RuleOfferCrossSell clv.Rule = "offer/cross-sell"
	RuleOfferUpgrade   clv.Rule = "offer/upgrade"
	RuleOfferDowngrade clv.Rule = "offer/downgrade"
	RuleOfferRetention clv.Rule = "offer/retention"
	RuleOfferWinBack   clv.Rule = "offer/win-back"
	RuleOfferReferral  clv.Rule = "offer/referral"
	// RuleOfferRaiseFrequency: uplift × margin of the extra purchases
	// (capped by the potential-value gap) − cost.
	RuleOfferRaiseFrequency clv.Rule = "offer/raise-frequency"
	// RuleOfferExtendTenure: uplift × margin of the extra tenure − cost.
	RuleOfferExtendTenure clv.Rule = "offer/extend-tenure"
	// RuleOfferDataSharing: consent required; uplift × (partner's fee +
	// churn effect × value) − cost.
	RuleOfferDataSharing clv.Rule = "offer/data-sharing"
)

// kindRules is the rule of each offer kind, in OfferKind order.
var kindRules = [...]clv.Rule{RuleOfferCrossSell, RuleOfferUpgrade, RuleOfferDowngrade, RuleOfferRetention, RuleOfferWinBack, RuleOfferReferral,
	RuleOfferRaiseFrequency, RuleOfferExtendTenure, RuleOfferDataSharing}

// churnCounts reports whether the kind's expected value counts the churn
// term ChurnReduction × Value: offers that change whether the customer
// stays.
func (k OfferKind) churnCounts() bool {
	return k == Retention || k == Downgrade || k == WinBack || k == DataSharing
}

// Development reports whether the kind develops a customer — CrossSell,
// Upgrade, RaiseFrequency: the offers whose margin change is capped by the
// customer's potential-value gap (see Customer.PotentialValue).
func (k OfferKind) Development() bool { return k == CrossSell || k == Upgrade || k == RaiseFrequency }

// needsBuyer reports whether the kind needs a customer who has bought.
func (k OfferKind) needsBuyer() bool { return k == RaiseFrequency || k == ExtendTenure }

// Offer is an entry of the catalogue.
type Offer struct {
	ID   string
	Kind OfferKind
	// Product is what the offer sells (empty for retention or referral);
	// Category its category; Partner marks a partner's product.
	Product, Category string
	Partner           bool
	// MarginChange is the change in the customer's lifetime margin if they
	// accept (money; negative for a downgrade), before any churn effect.
	MarginChange decimal.Decimal
	// Cost is the cost of making the offer (contact, incentive): money ≥ 0.
	Cost decimal.Decimal
	// AcceptWith and AcceptWithout are the probabilities (in [0, 1]) that
	// the customer takes the action with and without the offer: the offer's
	// uplift is their difference (Ascarza 2018: target the persuadable, not
	// the risky).
	AcceptWith, AcceptWithout float64
	// ChurnReduction is how much accepting lowers the customer's churn
	// probability (in [−1, 1]), as measured by an experiment or a model. It is required
	// for a Downgrade, which is never recommended on churn risk alone
	// (Ascarza, Iyengar & Schleicher 2016 found rescue downgrades raising
	// churn); nil means unknown.
	ChurnReduction *float64
	// Phases, when not empty, restricts the offer to customers in these
	// phases.
	Phases []Phase
	// Segments, when not empty, restricts it to these RFM segments.
	Segments []string
	// Requires lists products the customer must hold; the offer's own
	// Product must not be held already.
	Requires []string
	// MinChurnRisk, when positive, restricts the offer to customers at least
	// this likely to churn (a probability in [0, 1]).
	MinChurnRisk float64
	// Channels, when not empty, are the channels the offer can be made
	// through, each with its contact cost and, when measured, its
	// acceptance; Decide picks one per customer (see Channel). Empty means
	// one unnamed channel: Cost and AcceptWith as they are.
	Channels []Channel
}

func (o Offer) validate(i int) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: offer %s: %s", ErrInvalidConfig, clip.Quote(o.ID), fmt.Sprintf(format, args...))
	}
	prob := func(v float64) bool { return v >= 0 && v <= 1 }
	switch {
	case o.ID == "":
		return fmt.Errorf("%w: offer %d: empty ID", ErrInvalidConfig, i)
	case int(o.Kind) >= len(kindNames):
		return bad("unknown Kind %v", o.Kind)
	case !prob(o.AcceptWith):
		return bad("AcceptWith %v outside [0, 1]", o.AcceptWith)
	case !prob(o.AcceptWithout):
		return bad("AcceptWithout %v outside [0, 1]", o.AcceptWithout)
	case o.Cost.Sign() < 0:
		return bad("negative Cost %s", clip.Decimal(o.Cost))
	case o.ChurnReduction != nil && !(*o.ChurnReduction >= -1 && *o.ChurnReduction <= 1):
		return bad("ChurnReduction %v outside [-1, 1]", *o.ChurnReduction)
	case !prob(o.MinChurnRisk):
		return bad("MinChurnRisk %v outside [0, 1]", o.MinChurnRisk)
	case o.Kind == DataSharing && !o.Partner:
		return bad("a data-sharing offer shares data with a partner: set Partner")
	}
	if err := checkChannels(o.Channels, bad); err != nil {
		return err
	}
	for _, p := range o.Phases {
		if int(p) >= len(phaseNames) {
			return bad("unknown phase %v in Phases", p)
		}
	}
	return nil
}

// Customer is what a decision reads of a customer.
type Customer struct {
	// ID is the customer's non-empty ID.
	ID      string
	Phase   Phase
	Segment string
	// Products are the products held.
	Products []string
	// Value is the customer's predicted lifetime value (clv), the value at
	// stake if they churn, in the catalogue's currency. It may be negative
	// (a value net of costs): saving such a customer then lowers EV.
	Value decimal.Decimal
	// ChurnRisk is the probability of churning (1 − P(alive), or from sBG),
	// in [0, 1].
	ChurnRisk float64
	// PotentialValue, when known, is the lifetime value the customer would
	// have if they bought like the customers one rung above them on the
	// value ladder, in Value's currency and terms; nil means unknown. The
	// customer-development article asks to grow "those with most value and
	// potential", the lifecycle article to evaluate "current and potential
	// value": a development offer (OfferKind.Development) counts its
	// MarginChange only up to the gap PotentialValue − Value (nothing when
	// the gap is not positive), since accepting one offer does not make a
	// customer worth more than a customer one rung up, and PlanARD breaks
	// ties towards the larger gaps. Each Decision shows the gap, and the
	// cap when it bit.
	//
	// ladder.PotentialValues computes it: set it from a Potential only
	// when Benchmarked. A customer on the top rung, or below a rung too
	// thin to benchmark, has no known potential (nil, no cap), not a
	// potential equal to their value, which would leave no room for any
	// development offer.
	PotentialValue *decimal.Decimal
	// FirstChannel is the channel of the customer's first purchase (empty
	// when unknown). When an offer has channels and the data do not say
	// which is better — no channel-specific acceptance measured, or a tie
	// on expected value — the decision uses it: "the channel of the first
	// purchase is a good indication of the channel to offer the second"
	// (the six-methods article).
	FirstChannel string
	// DataSharingConsent records the customer's consent to share their data
	// with non-competing partners. False, the zero value, means no consent:
	// no DataSharing offer is made, and the rejection says so.
	DataSharingConsent bool
}

func (c Customer) validate() error {
	switch {
	case c.ID == "":
		return fmt.Errorf("%w: customer with an empty ID", ErrInvalidInput)
	case !(c.ChurnRisk >= 0 && c.ChurnRisk <= 1):
		return fmt.Errorf("%w: customer %s: ChurnRisk %v outside [0, 1]", ErrInvalidInput, clip.Quote(c.ID), c.ChurnRisk)
	case int(c.Phase) >= len(phaseNames):
		return fmt.Errorf("%w: customer %s: unknown Phase %v", ErrInvalidInput, clip.Quote(c.ID), c.Phase)
	}
	return nil
}

// Decision is an offer recommended to a customer, with its expected value
// and the reasons.
type Decision struct {
	Customer      string
	Offer         Offer
	ExpectedValue decimal.Decimal
	Reason        clv.Explanation
	// Channel is the channel chosen for an offer with Channels (empty
	// otherwise); the reason's "channel" facts say why.
	Channel string
	// Cost is what making the offer costs, money ≥ 0: Offer.Cost plus the
	// chosen channel's contact cost (zero for an offer rejected as
	// ineligible, which chose no channel). It is what PlanARD takes from
	// the budget.
	Cost decimal.Decimal
	// PotentialGap is the customer's PotentialValue − Value when the
	// potential is known, nil otherwise.
	PotentialGap *decimal.Decimal
}

// Decide ranks the eligible offers of the catalogue for a customer by
// expected value,
//
//	EV = (AcceptWith − AcceptWithout) × (MarginChange + ChurnReduction × Value) − Cost,
//
// where the churn term counts only for retention, downgrade, win-back and
// data-sharing offers with a known ChurnReduction, and a development offer
// (cross-sell, upgrade, raise-frequency) counts MarginChange only up to the
// customer's potential-value gap when PotentialValue is known. An offer
// with Channels is valued through each channel — AcceptWith is the
// channel's when measured, Cost adds the channel's contact cost — and made
// through the one chosen by Channel's rule. The arithmetic is exact decimal
// arithmetic on the inputs (probabilities enter as their shortest decimal
// form), so the breakdown's terms add up to EV exactly and EV is linear in
// the margin; round it for display. Offers with EV ≤ minEV are dropped.
// Ties are broken by offer ID, so the ranking never depends on the
// catalogue's order. Ineligible offers come back in the second slice with
// the reason they failed, for audits; every offer is in exactly one of the
// two slices.
//
// Eligibility is checked fact by fact and stops at the first that fails:
// for a data-sharing offer the customer's consent first, then the phase
// (raising frequency or extending tenure needs a customer who has bought),
// the offer's Phases and Segments, the products required and held, the
// minimum churn risk and, for a downgrade, a known effect on churn.
//
// Offer IDs must be unique and non-empty, probabilities in [0, 1] and costs
// non-negative; the customer needs an ID, a known phase and a churn risk in
// [0, 1]. Anything else is an error naming the offer or customer and field.
func Decide(c Customer, catalogue []Offer, minEV decimal.Decimal) (chosen, rejected []Decision, err error) {
	cat, err := prepare(catalogue)
	if err != nil {
		return nil, nil, err
	}
	if err := c.validate(); err != nil {
		return nil, nil, err
	}
	chosen, rejected = decide(c, cat, minEV, true)
	return chosen, rejected, nil
}

// DecideAll is Decide for many customers, in input order, keeping only the
// chosen decisions. The catalogue is checked and prepared once, and
// customers are spread over runtime.GOMAXPROCS(0) goroutines. Customer IDs
// must be unique: a customer listed twice is an error naming them.
func DecideAll(customers []Customer, catalogue []Offer, minEV decimal.Decimal) ([][]Decision, error) {
	cat, err := prepare(catalogue)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]struct{}, len(customers))
	for i, c := range customers {
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("customer %d: %w", i, err)
		}
		if _, dup := seen[c.ID]; dup {
			return nil, fmt.Errorf("%w: customer %d: customer %s appears twice", ErrInvalidInput, i, clip.Quote(c.ID))
		}
		seen[c.ID] = struct{}{}
	}
	out := make([][]Decision, len(customers))
	_ = parallel.Ranges(len(customers), 1024, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			out[i], _ = decide(customers[i], cat, minEV, false)
		}
		return nil
	})
	return out, nil
}

// leg is one way of making an offer: through one of its channels, or, for
// an offer without channels, the one unnamed way. Everything that does not
// depend on the customer is computed once.
type leg struct {
	name       string // the channel's name; empty without channels
	measured   bool   // the channel's own acceptance is known
	uplift     decimal.Decimal
	upliftText string
	contact    decimal.Decimal // the channel's contact cost
	cost       decimal.Decimal // Offer.Cost + contact
	marginTerm decimal.Decimal // uplift × MarginChange
	base       decimal.Decimal // uplift × MarginChange − cost
	perValue   decimal.Decimal // uplift × ChurnReduction, when it counts
}

// preparedOffer is an offer with what every evaluation needs computed once.
type preparedOffer struct {
	Offer
	legs       []leg // by channel name; one unnamed leg without channels
	measured   bool  // some channel's acceptance is known
	rule       clv.Rule
	phases     string   // the eligible phases, "active|new"
	segments   string   // the eligible segments
	holds      []string // "holds " + each required product
	holdsOwn   string
	minChurn   string
	capMargin  bool // a development offer: the margin is capped by the potential gap
	ownProduct bool // the offer's Product must not be held
}

func prepare(catalogue []Offer) ([]preparedOffer, error) {
	out := make([]preparedOffer, len(catalogue))
	seen := make(map[string]struct{}, len(catalogue))
	for i, o := range catalogue {
		if err := o.validate(i); err != nil {
			return nil, err
		}
		if _, dup := seen[o.ID]; dup {
			return nil, fmt.Errorf("%w: offer %d: offer %s appears twice in the catalogue", ErrInvalidConfig, i, clip.Quote(o.ID))
		}
		seen[o.ID] = struct{}{}
		p := preparedOffer{Offer: o, rule: kindRules[o.Kind], capMargin: o.Kind.Development(),
			ownProduct: o.Product != "" && (o.Kind == CrossSell || o.Kind == Upgrade || o.Kind == Downgrade)}
		reduction := decimal.Zero
		if o.ChurnReduction != nil && o.Kind.churnCounts() {
			reduction = decimal.NewFromFloat(*o.ChurnReduction)
		}
		without := decimal.NewFromFloat(o.AcceptWithout)
		newLeg := func(name string, accept *float64, contact decimal.Decimal) leg {
			l := leg{name: name, measured: accept != nil, contact: contact, cost: o.Cost.Add(contact)}
			with := o.AcceptWith
			if accept != nil {
				with = *accept
			}
			l.uplift = decimal.NewFromFloat(with).Sub(without)
			l.upliftText = l.uplift.String()
			l.marginTerm = l.uplift.Mul(o.MarginChange)
			l.base = l.marginTerm.Sub(l.cost)
			if !reduction.IsZero() {
				l.perValue = l.uplift.Mul(reduction)
			}
			return l
		}
		if len(o.Channels) == 0 {
			p.legs = []leg{newLeg("", nil, decimal.Zero)}
		} else {
			chs := slices.Clone(o.Channels)
			slices.SortFunc(chs, func(a, b Channel) int { return strings.Compare(a.Name, b.Name) })
			for _, ch := range chs {
				p.legs = append(p.legs, newLeg(ch.Name, ch.AcceptWith, ch.Cost))
				p.measured = p.measured || ch.AcceptWith != nil
			}
		}
		names := make([]string, len(o.Phases))
		for j, ph := range o.Phases {
			names[j] = ph.String()
		}
		p.phases = strings.Join(names, "|")
		p.segments = strings.Join(o.Segments, "|")
		for _, r := range o.Requires {
			p.holds = append(p.holds, "holds "+r)
		}
		p.holdsOwn = "holds " + o.Product
		p.minChurn = strconv.FormatFloat(o.MinChurnRisk, 'g', -1, 64)
		out[i] = p
	}
	return out, nil
}

// decide evaluates a valid customer against a prepared catalogue.
func decide(c Customer, cat []preparedOffer, minEV decimal.Decimal, audit bool) (chosen, rejected []Decision) {
	for i := range cat {
		o := &cat[i]
		if !audit {
			// Fast path: test eligibility and value without building
			// reasons; write them only for the offers chosen.
			if !o.eligible(c) {
				continue
			}
			if j, _ := o.choose(c); !o.value(c, &o.legs[j]).ev.GreaterThan(minEV) {
				continue
			}
			d, _ := evaluate(c, o, true)
			chosen = append(chosen, d)
			continue
		}
		d, eligible := evaluate(c, o, true)
		if !eligible || !d.ExpectedValue.GreaterThan(minEV) {
			if eligible {
				d.Reason.Facts = append(d.Reason.Facts, clv.Fact{Name: "expected value", Value: d.ExpectedValue.String(), Op: clv.OpGreater, Limit: minEV.String(), Held: false})
			}
			rejected = append(rejected, d)
			continue
		}
		chosen = append(chosen, d)
	}
	rank := func(a, b Decision) int {
		if c := b.ExpectedValue.Cmp(a.ExpectedValue); c != 0 {
			return c
		}
		return strings.Compare(a.Offer.ID, b.Offer.ID)
	}
	slices.SortFunc(chosen, rank)
	slices.SortFunc(rejected, func(a, b Decision) int { return strings.Compare(a.Offer.ID, b.Offer.ID) })
	return chosen, rejected
}

// eligible reports what evaluate's facts would: whether the offer may go to
// the customer. It allocates nothing.
func (o *preparedOffer) eligible(c Customer) bool {
	switch {
	case o.Kind == DataSharing && !c.DataSharingConsent,
		o.Kind.needsBuyer() && c.Phase == Prospect,
		len(o.Phases) > 0 && !slices.Contains(o.Phases, c.Phase),
		len(o.Segments) > 0 && !slices.Contains(o.Segments, c.Segment),
		o.ownProduct && slices.Contains(c.Products, o.Product),
		o.MinChurnRisk > 0 && c.ChurnRisk < o.MinChurnRisk,
		o.Kind == Downgrade && o.ChurnReduction == nil:
		return false
	}
	for _, p := range o.Requires {
		if !slices.Contains(c.Products, p) {
			return false
		}
	}
	return true
}

// legValue is an offer's expected value for a customer through one leg, with
// the margin term it counted and whether the potential-value gap capped it.
type legValue struct {
	ev, marginTerm, savedTerm decimal.Decimal
	capped                    bool
	headroom                  decimal.Decimal // max(gap, 0), when capped
}

// value is uplift × (margin counted + churn reduction × value) − cost
// through leg l, where the margin counted is MarginChange, capped at the
// potential-value gap for a development offer to a customer whose
// potential is known.
func (o *preparedOffer) value(c Customer, l *leg) legValue {
	if o.capMargin && c.PotentialValue != nil {
		headroom := c.PotentialValue.Sub(c.Value)
		if headroom.Sign() < 0 {
			headroom = decimal.Zero
		}
		if o.MarginChange.GreaterThan(headroom) {
			// Development offers carry no churn term (churnCounts).
			mt := l.uplift.Mul(headroom)
			return legValue{ev: mt.Sub(l.cost), marginTerm: mt, savedTerm: decimal.Zero, capped: true, headroom: headroom}
		}
	}
	v := legValue{ev: l.base, marginTerm: l.marginTerm, savedTerm: decimal.Zero}
	if !l.perValue.IsZero() {
		v.savedTerm = l.perValue.Mul(c.Value)
		v.ev = v.ev.Add(v.savedTerm)
	}
	return v
}

// How Channel's rule chose a channel (the "channel chosen by" fact).
const (
	whyFirstNoData = "first-purchase channel, no acceptance measured by channel"
	whyBest        = "highest expected value"
	whyTieFirst    = "tie on expected value, first-purchase channel"
	whyTieName     = "tie on expected value, first by name"
)

// choose returns the leg an offer is made through to c, and why.
func (o *preparedOffer) choose(c Customer) (int, string) {
	if len(o.Channels) == 0 {
		return 0, ""
	}
	first := -1
	if c.FirstChannel != "" {
		first = slices.IndexFunc(o.legs, func(l leg) bool { return l.name == c.FirstChannel })
	}
	if !o.measured && first >= 0 {
		return first, whyFirstNoData
	}
	best, bestEV, tie := -1, decimal.Zero, false
	for j := range o.legs {
		ev := o.value(c, &o.legs[j]).ev
		if best < 0 {
			best, bestEV = j, ev
			continue
		}
		switch ev.Cmp(bestEV) {
		case 1:
			best, bestEV, tie = j, ev, false
		case 0:
			tie = true
			if j == first {
				best = j
			}
		}
	}
	switch {
	case !tie:
		return best, whyBest
	case best == first:
		return best, whyTieFirst
	}
	return best, whyTieName
}

// evaluate checks eligibility fact by fact, stopping at the first that
// fails, and computes the expected value of an eligible offer, with the
// reasons when record is set. It must agree with eligible, choose and
// value (a property test checks it).
func evaluate(c Customer, o *preparedOffer, record bool) (Decision, bool) {
	d := Decision{Customer: c.ID, Offer: o.Offer, Reason: clv.Explanation{Rule: o.rule}}
	if c.PotentialValue != nil {
		gap := c.PotentialValue.Sub(c.Value)
		d.PotentialGap = &gap
	}
	fact := func(name, value string, op clv.Op, limit string, held bool) bool {
		if record {
			d.Reason.Facts = append(d.Reason.Facts, clv.Fact{Name: name, Value: value, Op: op, Limit: limit, Held: held})
		}
		return held
	}
	fmtBool := strconv.FormatBool
	fmtRisk := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	if !record {
		fmtBool = func(bool) string { return "" }
		fmtRisk = func(float64) string { return "" }
	}
	ok := true
	if o.Kind == DataSharing {
		// No consent, no offer: the first fact of the audit trail.
		ok = fact("consents to sharing data with partners", fmtBool(c.DataSharingConsent), clv.OpEqual, "true", c.DataSharingConsent)
	}
	if ok && o.Kind.needsBuyer() {
		ok = fact("phase", c.Phase.String(), clv.OpNotEqual, Prospect.String(), c.Phase != Prospect)
	}
	if ok && len(o.Phases) > 0 {
		ok = fact("phase", c.Phase.String(), clv.OpIn, o.phases, slices.Contains(o.Phases, c.Phase))
	}
	if ok && len(o.Segments) > 0 {
		ok = fact("segment", c.Segment, clv.OpIn, o.segments, slices.Contains(o.Segments, c.Segment))
	}
	for i, p := range o.Requires {
		if ok {
			held := slices.Contains(c.Products, p)
			ok = fact(o.holds[i], fmtBool(held), clv.OpEqual, "true", held)
		}
	}
	if ok && o.ownProduct {
		held := slices.Contains(c.Products, o.Product)
		ok = fact(o.holdsOwn, fmtBool(held), clv.OpEqual, "false", !held)
	}
	if ok && o.MinChurnRisk > 0 {
		ok = fact("churn risk", fmtRisk(c.ChurnRisk), clv.OpAtLeast, o.minChurn, c.ChurnRisk >= o.MinChurnRisk)
	}
	if ok && o.Kind == Downgrade {
		// Never downgrade on churn risk alone.
		known := o.ChurnReduction != nil
		ok = fact("effect on churn known", fmtBool(known), clv.OpEqual, "true", known)
	}
	if !ok {
		return d, false
	}
	j, why := o.choose(c)
	l := &o.legs[j]
	v := o.value(c, l)
	d.ExpectedValue, d.Cost, d.Channel = v.ev, l.cost, l.name
	if !record {
		return d, true
	}
	if o.capMargin && d.PotentialGap != nil {
		fact("potential value gap", d.PotentialGap.String(), "", "", true)
	}
	if len(o.Channels) > 0 {
		for k := range o.legs {
			fact("expected value via "+o.legs[k].name, o.value(c, &o.legs[k]).ev.String(), "", "", true)
		}
		first := c.FirstChannel
		if first == "" {
			first = "none"
		}
		fact("first-purchase channel", first, "", "", true)
		fact("channel acceptance measured", fmtBool(l.measured), "", "", true)
		fact("channel", l.name, "", "", true)
		fact("channel chosen by", why, "", "", true)
	}
	marginName := "uplift × margin change"
	if v.capped {
		marginName = "uplift × margin change capped at the potential value gap " + v.headroom.String()
	}
	d.Reason.Terms = []clv.Term{
		{Name: marginName, Amount: v.marginTerm},
		{Name: "uplift × churn value saved", Amount: v.savedTerm},
		{Name: "cost", Amount: o.Cost.Neg()},
	}
	if len(o.Channels) > 0 {
		d.Reason.Terms = append(d.Reason.Terms, clv.Term{Name: "contact cost via " + l.name, Amount: l.contact.Neg()})
	}
	fact("uplift", l.upliftText, "", "", true)
	return d, true
}

// ContactPolicy limits how often customers are contacted: at most
// MaxPerWindow contacts in any Window, not the same offer again within
// Cooldown, and none in quiet hours (QuietFrom to QuietTo, local time of day
// in Location; equal means none) or on quiet dates. Zero values disable each
// limit.
type ContactPolicy struct {
	// MaxPerWindow is the cap on contacts per customer in any Window (≥ 0;
	// a cap needs a Window).
	MaxPerWindow int
	// Window and Cooldown are durations, ≥ 0.
	Window   time.Duration
	Cooldown time.Duration
	// QuietFrom and QuietTo are times of day since local midnight, in
	// [0, 24h); QuietFrom > QuietTo spans midnight.
	QuietFrom time.Duration
	QuietTo   time.Duration
	// QuietDates are calendar dates read in Location (clv.CalendarDay): the
	// hour and the times' own zones do not matter.
	QuietDates []time.Time
	// Location is where times of day and dates are read; nil means UTC.
	Location *time.Location
}

// Contact is a past contact.
type Contact struct {
	Customer, Offer string
	Time            time.Time
}

// Apply filters decisions, best first per customer, through the policy as
// of now (the injected clock: the policy never reads the system time),
// given past contacts. Kept decisions count against the caps of the
// decisions after them. Blocked ones come back with the rule that blocked
// them appended to their reason; every decision is either kept or blocked.
func (p ContactPolicy) Apply(decisions []Decision, past []Contact, now time.Time) (kept, blocked []Decision, err error) {
	day := 24 * time.Hour
	switch {
	case p.MaxPerWindow < 0:
		return nil, nil, fmt.Errorf("%w: contact policy: MaxPerWindow %d is negative", ErrInvalidConfig, p.MaxPerWindow)
	case p.Window < 0:
		return nil, nil, fmt.Errorf("%w: contact policy: Window %v is negative", ErrInvalidConfig, p.Window)
	case p.Cooldown < 0:
		return nil, nil, fmt.Errorf("%w: contact policy: Cooldown %v is negative", ErrInvalidConfig, p.Cooldown)
	case p.MaxPerWindow > 0 && p.Window == 0:
		return nil, nil, fmt.Errorf("%w: contact policy: MaxPerWindow %d without a Window", ErrInvalidConfig, p.MaxPerWindow)
	case p.QuietFrom < 0 || p.QuietFrom >= day:
		return nil, nil, fmt.Errorf("%w: contact policy: QuietFrom %v outside [0, 24h)", ErrInvalidConfig, p.QuietFrom)
	case p.QuietTo < 0 || p.QuietTo >= day:
		return nil, nil, fmt.Errorf("%w: contact policy: QuietTo %v outside [0, 24h)", ErrInvalidConfig, p.QuietTo)
	}
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	local := now.In(loc)
	tod := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute + time.Duration(local.Second())*time.Second
	quiet := false
	if p.QuietFrom != p.QuietTo {
		if p.QuietFrom < p.QuietTo {
			quiet = tod >= p.QuietFrom && tod < p.QuietTo
		} else { // over midnight
			quiet = tod >= p.QuietFrom || tod < p.QuietTo
		}
	}
	today := clv.CalendarDay(now, loc)
	for _, d := range p.QuietDates {
		if clv.CalendarDay(d, loc) == today {
			quiet = true
		}
	}
	history := map[string][]Contact{}
	for _, c := range past {
		history[c.Customer] = append(history[c.Customer], c)
	}
	block := func(d Decision, name, value string, op clv.Op, limit string) {
		d.Reason.Facts = append(d.Reason.Facts, clv.Fact{Name: name, Value: value, Op: op, Limit: limit, Held: false})
		blocked = append(blocked, d)
	}
	for _, d := range decisions {
		if quiet {
			block(d, "in quiet hours or dates at "+local.Format("2006-01-02 15:04"), "true", clv.OpEqual, "false")
			continue
		}
		h := history[d.Customer]
		inWindow, lastSame := 0, time.Time{}
		for _, c := range h {
			if c.Time.After(now) {
				continue
			}
			if p.Window > 0 && now.Sub(c.Time) < p.Window {
				inWindow++
			}
			if c.Offer == d.Offer.ID && c.Time.After(lastSame) {
				lastSame = c.Time
			}
		}
		if p.MaxPerWindow > 0 && inWindow >= p.MaxPerWindow {
			block(d, "contacts in the last "+p.Window.String(), strconv.Itoa(inWindow), clv.OpLess, strconv.Itoa(p.MaxPerWindow))
			continue
		}
		if p.Cooldown > 0 && !lastSame.IsZero() && now.Sub(lastSame) < p.Cooldown {
			block(d, "time since this offer", now.Sub(lastSame).String(), clv.OpAtLeast, p.Cooldown.String())
			continue
		}
		kept = append(kept, d)
		history[d.Customer] = append(h, Contact{Customer: d.Customer, Offer: d.Offer.ID, Time: now})
	}
	return kept, blocked, nil
}
