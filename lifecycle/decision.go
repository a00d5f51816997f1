package lifecycle

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/shopspring/decimal"
)

// OfferKind is what an offer does for the customer's relationship.
type OfferKind uint8

// Offer kinds (seed 001).
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
)

var kindNames = [...]string{"cross-sell", "upgrade", "downgrade", "retention", "win-back", "referral"}

// String returns the kind's name.
func (k OfferKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "OfferKind(" + strconv.Itoa(int(k)) + ")"
}

// Offer is an entry of the catalogue.
type Offer struct {
	ID   string
	Kind OfferKind
	// Product is what the offer sells (empty for retention or referral);
	// Category its category; Partner marks a partner's product.
	Product, Category string
	Partner           bool
	// MarginChange is the change in the customer's lifetime margin if they
	// accept (negative for a downgrade), before any churn effect.
	MarginChange decimal.Decimal
	// Cost is the cost of making the offer (contact, incentive).
	Cost decimal.Decimal
	// AcceptWith and AcceptWithout are the probabilities that the customer
	// takes the action with and without the offer: the offer's uplift is
	// their difference (Ascarza 2018: target the persuadable, not the risky).
	AcceptWith, AcceptWithout float64
	// ChurnReduction is how much accepting lowers the customer's churn
	// probability, as measured by an experiment or a model. It is required
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
	// this likely to churn.
	MinChurnRisk float64
}

func (o Offer) validate() error {
	bad := func(msg string) error { return fmt.Errorf("%w: offer %q: %s", ErrInvalidConfig, o.ID, msg) }
	switch {
	case o.ID == "":
		return fmt.Errorf("%w: offer with an empty ID", ErrInvalidConfig)
	case int(o.Kind) >= len(kindNames):
		return bad("unknown kind")
	case !(o.AcceptWith >= 0 && o.AcceptWith <= 1 && o.AcceptWithout >= 0 && o.AcceptWithout <= 1):
		return bad("acceptance probabilities outside [0, 1]")
	case o.Cost.Sign() < 0:
		return bad("negative cost")
	case o.ChurnReduction != nil && !(*o.ChurnReduction >= -1 && *o.ChurnReduction <= 1):
		return bad("churn reduction outside [-1, 1]")
	case !(o.MinChurnRisk >= 0 && o.MinChurnRisk <= 1):
		return bad("minimum churn risk outside [0, 1]")
	}
	return nil
}

// Customer is what a decision reads of a customer.
type Customer struct {
	ID      string
	Phase   Phase
	Segment string
	// Products are the products held.
	Products []string
	// Value is the customer's predicted lifetime value (clv), the value at
	// stake if they churn.
	Value decimal.Decimal
	// ChurnRisk is the probability of churning (1 − P(alive), or from sBG).
	ChurnRisk float64
}

// Decision is an offer recommended to a customer, with its expected value
// and the reasons.
type Decision struct {
	Customer      string
	Offer         Offer
	ExpectedValue decimal.Decimal
	Reason        clv.Explanation
}

// Decide ranks the eligible offers of the catalogue for a customer by
// expected value,
//
//	EV = (AcceptWith − AcceptWithout) × (MarginChange + ChurnReduction × Value) − Cost,
//
// where the churn term counts only for retention, downgrade and win-back
// offers with a known ChurnReduction. The arithmetic is exact decimal
// arithmetic on the inputs (probabilities enter as their shortest decimal
// form), so the breakdown's terms add up to EV exactly and EV is linear in
// the margin; round it for display. Offers with EV ≤ minEV are dropped.
// Ties are broken by offer ID, so the ranking never depends on the
// catalogue's order. Ineligible offers come back in the second slice with
// the reason they failed, for audits.
func Decide(c Customer, catalogue []Offer, minEV decimal.Decimal) (chosen, rejected []Decision, err error) {
	cat, err := prepare(catalogue)
	if err != nil {
		return nil, nil, err
	}
	return decide(c, cat, minEV, true)
}

// DecideAll is Decide for many customers, in input order, keeping only the
// chosen decisions. The catalogue is checked and prepared once, and
// customers are spread over runtime.GOMAXPROCS(0) goroutines.
func DecideAll(customers []Customer, catalogue []Offer, minEV decimal.Decimal) ([][]Decision, error) {
	cat, err := prepare(catalogue)
	if err != nil {
		return nil, err
	}
	out := make([][]Decision, len(customers))
	err = parallelChunks(len(customers), 1024, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			d, _, err := decide(customers[i], cat, minEV, false)
			if err != nil {
				return fmt.Errorf("customer %d: %w", i, err)
			}
			out[i] = d
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// preparedOffer is an offer with what every evaluation needs computed once.
type preparedOffer struct {
	Offer
	uplift      decimal.Decimal
	upliftText  string
	marginTerm  decimal.Decimal // uplift × MarginChange
	base        decimal.Decimal // uplift × MarginChange − Cost
	perValue    decimal.Decimal // uplift × ChurnReduction, when it counts
	rule        string
	phaseTest   string
	segmentTest string
	holds       []string // "holds " + each required product
	holdsOwn    string
	churnTest   string
}

func prepare(catalogue []Offer) ([]preparedOffer, error) {
	out := make([]preparedOffer, len(catalogue))
	for i, o := range catalogue {
		if err := o.validate(); err != nil {
			return nil, err
		}
		p := preparedOffer{Offer: o, rule: "offer/" + o.Kind.String(),
			uplift: decimal.NewFromFloat(o.AcceptWith).Sub(decimal.NewFromFloat(o.AcceptWithout))}
		p.upliftText = p.uplift.String()
		p.marginTerm = p.uplift.Mul(o.MarginChange)
		p.base = p.marginTerm.Sub(o.Cost)
		if o.ChurnReduction != nil && (o.Kind == Retention || o.Kind == Downgrade || o.Kind == WinBack) {
			p.perValue = p.uplift.Mul(decimal.NewFromFloat(*o.ChurnReduction))
		}
		names := make([]string, len(o.Phases))
		for j, ph := range o.Phases {
			names[j] = ph.String()
		}
		p.phaseTest = "in " + strings.Join(names, "|")
		p.segmentTest = "in " + strings.Join(o.Segments, "|")
		for _, r := range o.Requires {
			p.holds = append(p.holds, "holds "+r)
		}
		p.holdsOwn = "holds " + o.Product
		p.churnTest = ">= " + strconv.FormatFloat(o.MinChurnRisk, 'g', -1, 64)
		out[i] = p
	}
	return out, nil
}

func decide(c Customer, cat []preparedOffer, minEV decimal.Decimal, audit bool) (chosen, rejected []Decision, err error) {
	if c.ID == "" {
		return nil, nil, fmt.Errorf("%w: customer with an empty ID", ErrInvalidInput)
	}
	if !(c.ChurnRisk >= 0 && c.ChurnRisk <= 1) {
		return nil, nil, fmt.Errorf("%w: customer %q: churn risk %v outside [0, 1]", ErrInvalidInput, c.ID, c.ChurnRisk)
	}
	for i := range cat {
		o := &cat[i]
		if !audit {
			// Fast path: test eligibility and value without building
			// reasons; write them only for the offers chosen.
			if !o.eligible(c) || !o.expectedValue(c).GreaterThan(minEV) {
				continue
			}
			d, _ := evaluate(c, o, true)
			chosen = append(chosen, d)
			continue
		}
		d, eligible := evaluate(c, o, true)
		if !eligible || !d.ExpectedValue.GreaterThan(minEV) {
			if eligible {
				d.Reason.Facts = append(d.Reason.Facts, clv.Fact{Name: "expected value", Value: d.ExpectedValue.String(), Test: "> " + minEV.String(), Held: false})
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
	return chosen, rejected, nil
}

// eligible reports what evaluate's facts would: whether the offer may go to
// the customer. It allocates nothing.
func (o *preparedOffer) eligible(c Customer) bool {
	switch {
	case len(o.Phases) > 0 && !slices.Contains(o.Phases, c.Phase),
		len(o.Segments) > 0 && !slices.Contains(o.Segments, c.Segment),
		o.Product != "" && (o.Kind == CrossSell || o.Kind == Upgrade || o.Kind == Downgrade) && slices.Contains(c.Products, o.Product),
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

// expectedValue is uplift × (margin change + churn reduction × value) − cost.
func (o *preparedOffer) expectedValue(c Customer) decimal.Decimal {
	if o.perValue.IsZero() {
		return o.base
	}
	return o.base.Add(o.perValue.Mul(c.Value))
}

// evaluate checks eligibility fact by fact, stopping at the first that
// fails, and computes the expected value of an eligible offer, with the
// reasons when record is set. It must agree with eligible and
// expectedValue (a property test checks it).
func evaluate(c Customer, o *preparedOffer, record bool) (Decision, bool) {
	d := Decision{Customer: c.ID, Offer: o.Offer, Reason: clv.Explanation{Rule: o.rule}}
	fact := func(name, value, test string, held bool) bool {
		if record {
			d.Reason.Facts = append(d.Reason.Facts, clv.Fact{Name: name, Value: value, Test: test, Held: held})
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
	if len(o.Phases) > 0 {
		ok = fact("phase", c.Phase.String(), o.phaseTest, slices.Contains(o.Phases, c.Phase))
	}
	if ok && len(o.Segments) > 0 {
		ok = fact("segment", c.Segment, o.segmentTest, slices.Contains(o.Segments, c.Segment))
	}
	for i, p := range o.Requires {
		if ok {
			held := slices.Contains(c.Products, p)
			ok = fact(o.holds[i], fmtBool(held), "= true", held)
		}
	}
	if ok && o.Product != "" && (o.Kind == CrossSell || o.Kind == Upgrade || o.Kind == Downgrade) {
		held := slices.Contains(c.Products, o.Product)
		ok = fact(o.holdsOwn, fmtBool(held), "= false", !held)
	}
	if ok && o.MinChurnRisk > 0 {
		ok = fact("churn risk", fmtRisk(c.ChurnRisk), o.churnTest, c.ChurnRisk >= o.MinChurnRisk)
	}
	if ok && o.Kind == Downgrade {
		known := "unknown"
		if o.ChurnReduction != nil {
			known = "given"
		}
		ok = fact("effect on churn", known, "known (never downgrade on churn risk alone)", o.ChurnReduction != nil)
	}
	if !ok {
		return d, false
	}
	savedTerm := decimal.Zero
	if !o.perValue.IsZero() {
		savedTerm = o.perValue.Mul(c.Value)
	}
	d.ExpectedValue = o.expectedValue(c)
	if !record {
		return d, true
	}
	d.Reason.Terms = []clv.Term{
		{Name: "uplift × margin change", Amount: o.marginTerm},
		{Name: "uplift × churn value saved", Amount: savedTerm},
		{Name: "cost", Amount: o.Cost.Neg()},
	}
	fact("uplift", o.upliftText, "", true)
	return d, true
}

// ContactPolicy limits how often customers are contacted: at most
// MaxPerWindow contacts in any Window, not the same offer again within
// Cooldown, and none in quiet hours (QuietFrom to QuietTo, local time of day
// in Location; equal means none) or on quiet dates. Zero values disable each
// limit.
type ContactPolicy struct {
	MaxPerWindow int
	Window       time.Duration
	Cooldown     time.Duration
	QuietFrom    time.Duration // since local midnight
	QuietTo      time.Duration
	QuietDates   []time.Time // calendar dates in Location
	Location     *time.Location
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
// them appended to their reason.
func (p ContactPolicy) Apply(decisions []Decision, past []Contact, now time.Time) (kept, blocked []Decision, err error) {
	if p.MaxPerWindow < 0 || p.Window < 0 || p.Cooldown < 0 || (p.MaxPerWindow > 0 && p.Window == 0) {
		return nil, nil, fmt.Errorf("%w: contact policy: negative limit, or a cap without a window", ErrInvalidConfig)
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
	for _, d := range p.QuietDates {
		if y, m, dd := d.Date(); y == local.Year() && m == local.Month() && dd == local.Day() {
			quiet = true
		}
	}
	history := map[string][]Contact{}
	for _, c := range past {
		history[c.Customer] = append(history[c.Customer], c)
	}
	block := func(d Decision, rule, value, test string) {
		d.Reason.Facts = append(d.Reason.Facts, clv.Fact{Name: rule, Value: value, Test: test, Held: false})
		blocked = append(blocked, d)
	}
	for _, d := range decisions {
		if quiet {
			block(d, "quiet period", local.Format("2006-01-02 15:04"), "outside quiet hours and dates")
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
			block(d, "contacts in window", strconv.Itoa(inWindow), "< "+strconv.Itoa(p.MaxPerWindow)+" per "+p.Window.String())
			continue
		}
		if p.Cooldown > 0 && !lastSame.IsZero() && now.Sub(lastSame) < p.Cooldown {
			block(d, "since this offer", now.Sub(lastSame).String(), ">= "+p.Cooldown.String())
			continue
		}
		kept = append(kept, d)
		history[d.Customer] = append(h, Contact{Customer: d.Customer, Offer: d.Offer.ID, Time: now})
	}
	return kept, blocked, nil
}
