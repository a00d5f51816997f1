package pesca

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/lifecycle"
	"github.com/shopspring/decimal"
)

// Perspective is one of the five P.E.S.C.A. perspectives of seed 000.
type Perspective uint8

// The five perspectives.
const (
	// Product: which next products give an additional or cross sale.
	Product Perspective = iota
	// Experience: events, early access, welcome sequences that surprise.
	Experience
	// Service: service excellence; each contact makes the next one smarter.
	Service
	// Content: what to send at each interaction of the experience cycle.
	Content
	// Allies: partners' offers where ours fall short.
	Allies
)

var perspectiveNames = [...]string{"product", "experience", "service", "content", "allies"}

// String returns the perspective's name.
func (p Perspective) String() string {
	if int(p) < len(perspectiveNames) {
		return perspectiveNames[p]
	}
	return "Perspective(" + strconv.Itoa(int(p)) + ")"
}

// Perspectives lists the five in P.E.S.C.A. order.
func Perspectives() []Perspective {
	return []Perspective{Product, Experience, Service, Content, Allies}
}

// ParsePerspective parses a perspective's name (case-insensitive).
func ParsePerspective(s string) (Perspective, error) {
	for i, n := range perspectiveNames {
		if strings.EqualFold(s, n) {
			return Perspective(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown perspective %q", ErrInvalidConfig, s)
}

// Anchor is the event an initiative's timing counts from.
type Anchor uint8

// Anchors.
const (
	// FirstPurchase: the customer's first purchase.
	FirstPurchase Anchor = iota
	// LastPurchase: their latest purchase.
	LastPurchase
	// ProductPurchase: their latest purchase of the initiative's AfterProduct.
	ProductPurchase
)

// Initiative is a planned action of one perspective, with its owner,
// economics, eligibility, timing and channel.
type Initiative struct {
	ID          string
	Perspective Perspective
	Name, Owner string
	// Product is what a Product initiative sells (it is skipped for
	// customers who hold it).
	Product       string
	Cost          decimal.Decimal
	ExpectedValue decimal.Decimal
	// Eligibility; empty lists mean any.
	Phases   []lifecycle.Phase
	Rungs    []int
	Segments []string
	Requires []string
	// Timing: due OffsetDays after the anchor, open for WindowDays (0:
	// open-ended).
	Anchor       Anchor
	AfterProduct string
	OffsetDays   int
	WindowDays   int
	// Channel; empty means the channel of the customer's first purchase
	// (seed 003: the first purchase's channel is a good guess for the next).
	Channel string
}

// Profile is what planning reads of a customer.
type Profile struct {
	ID        string
	Phase     lifecycle.Phase
	Rung      int
	Segment   string
	Purchases []clv.Purchase
	// CategorySpend is an estimate of the customer's total spend in our
	// categories, ours and competitors', for share of wallet; zero means
	// unknown.
	CategorySpend decimal.Decimal
}

// Step is one planned action: what, when, where, the expected value and
// why.
type Step struct {
	Initiative Initiative
	// When is the first day it may run, Until the last (zero: open-ended).
	When, Until   time.Time
	Channel       string
	ExpectedValue decimal.Decimal
	Reason        clv.Explanation
}

// Plan is a customer's sequence of next actions across the perspectives.
type Plan struct {
	Customer string
	AsOf     time.Time
	// Steps are ordered by When, then perspective, then initiative ID.
	Steps []Step
	// Missing lists the perspectives with nothing planned.
	Missing []Perspective
	// ShareOfWallet is our spend over CategorySpend (−1 when unknown).
	ShareOfWallet float64
	// Skipped lists the initiatives not planned, with the reason.
	Skipped []Step
}

// Planner builds plans from initiatives. Horizon bounds how far ahead
// steps are planned (in days; 0 means 365).
type Planner struct {
	Initiatives []Initiative
	Horizon     int
	// Sequences, when set, adds Product steps for the likeliest next
	// products the initiatives do not already cover, from learned
	// acquisition orders (Next), valued at zero until priced.
	Sequences *Sequences
	// NextProducts is how many learned suggestions to add; 0 means 1.
	NextProducts int
}

func (p Planner) validate() error {
	seen := map[string]bool{}
	for _, in := range p.Initiatives {
		switch {
		case in.ID == "" || seen[in.ID]:
			return fmt.Errorf("%w: initiative ID %q empty or repeated", ErrInvalidConfig, in.ID)
		case int(in.Perspective) >= len(perspectiveNames):
			return fmt.Errorf("%w: initiative %q: unknown perspective", ErrInvalidConfig, in.ID)
		case in.OffsetDays < 0 || in.WindowDays < 0:
			return fmt.Errorf("%w: initiative %q: negative offset or window", ErrInvalidConfig, in.ID)
		case in.Anchor == ProductPurchase && in.AfterProduct == "":
			return fmt.Errorf("%w: initiative %q: anchored on a product purchase without a product", ErrInvalidConfig, in.ID)
		case in.Cost.Sign() < 0:
			return fmt.Errorf("%w: initiative %q: negative cost", ErrInvalidConfig, in.ID)
		}
		seen[in.ID] = true
	}
	if p.Horizon < 0 {
		return fmt.Errorf("%w: negative horizon", ErrInvalidConfig)
	}
	return nil
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Plan builds a customer's plan as of asOf.
func (p Planner) Plan(c Profile, asOf time.Time) (Plan, error) {
	if err := p.validate(); err != nil {
		return Plan{}, err
	}
	if c.ID == "" || asOf.IsZero() {
		return Plan{}, fmt.Errorf("%w: profile with an empty ID or a zero as-of time", ErrInvalidInput)
	}
	horizon := p.Horizon
	if horizon == 0 {
		horizon = 365
	}
	today := day(asOf)
	// What the purchases tell: first and last days, products held, the
	// first channel, our spend — only purchases up to asOf.
	var first, last time.Time
	lastOf := map[string]time.Time{}
	firstChannel := ""
	spend := decimal.Zero
	ps := slices.Clone(c.Purchases)
	slices.SortFunc(ps, func(a, b clv.Purchase) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Product, b.Product), cmp.Compare(a.Channel, b.Channel))
	})
	for i, pu := range ps {
		if err := pu.Validate(); err != nil {
			return Plan{}, fmt.Errorf("%w: customer %q, purchase %d: %w", ErrInvalidInput, c.ID, i, err)
		}
		d := day(pu.Time)
		if d.After(today) {
			continue
		}
		if first.IsZero() {
			first, firstChannel = d, pu.Channel
		}
		last = d
		if pu.Product != "" {
			lastOf[pu.Product] = d
		}
		spend = spend.Add(pu.Amount)
	}
	held := make([]string, 0, len(lastOf))
	for prod := range lastOf {
		held = append(held, prod)
	}
	slices.Sort(held)
	plan := Plan{Customer: c.ID, AsOf: today, ShareOfWallet: -1}
	if c.CategorySpend.Sign() > 0 {
		plan.ShareOfWallet = spend.InexactFloat64() / c.CategorySpend.InexactFloat64()
	}
	end := today.AddDate(0, 0, horizon)
	covered := map[string]bool{}
	for _, in := range p.Initiatives {
		st := Step{Initiative: in, ExpectedValue: in.ExpectedValue.Sub(in.Cost),
			Reason: clv.Explanation{Rule: "pesca/" + in.Perspective.String() + "/" + in.ID}}
		fact := func(name, value, test string, held bool) bool {
			st.Reason.Facts = append(st.Reason.Facts, clv.Fact{Name: name, Value: value, Test: test, Held: held})
			return held
		}
		ok := true
		if len(in.Phases) > 0 {
			ok = fact("phase", c.Phase.String(), "eligible phase", slices.Contains(in.Phases, c.Phase))
		}
		if ok && len(in.Rungs) > 0 {
			ok = fact("rung", strconv.Itoa(c.Rung), "eligible rung", slices.Contains(in.Rungs, c.Rung))
		}
		if ok && len(in.Segments) > 0 {
			ok = fact("segment", c.Segment, "in "+strings.Join(in.Segments, "|"), slices.Contains(in.Segments, c.Segment))
		}
		for _, r := range in.Requires {
			if ok {
				ok = fact("holds "+r, strconv.FormatBool(slices.Contains(held, r)), "= true", slices.Contains(held, r))
			}
		}
		if ok && in.Product != "" {
			covered[in.Product] = true
			ok = fact("holds "+in.Product, strconv.FormatBool(slices.Contains(held, in.Product)), "= false", !slices.Contains(held, in.Product))
		}
		var anchor time.Time
		if ok {
			switch in.Anchor {
			case FirstPurchase:
				anchor = first
			case LastPurchase:
				anchor = last
			case ProductPurchase:
				anchor = lastOf[in.AfterProduct]
			}
			name := [...]string{"first purchase", "last purchase", "purchase of " + in.AfterProduct}[in.Anchor]
			ok = fact(name, anchor.Format(time.DateOnly), "happened", !anchor.IsZero())
		}
		if ok {
			due := anchor.AddDate(0, 0, in.OffsetDays)
			st.When = maxTime(due, today)
			if in.WindowDays > 0 {
				st.Until = due.AddDate(0, 0, in.WindowDays)
				ok = fact("window closes", st.Until.Format(time.DateOnly), ">= "+today.Format(time.DateOnly), !st.Until.Before(today))
			}
			if ok {
				ok = fact("due", due.Format(time.DateOnly), "<= "+end.Format(time.DateOnly)+" (horizon)", !due.After(end))
			}
		}
		st.Channel = in.Channel
		if st.Channel == "" {
			st.Channel = firstChannel
		}
		if !ok {
			plan.Skipped = append(plan.Skipped, st)
			continue
		}
		plan.Steps = append(plan.Steps, st)
	}
	if p.Sequences != nil && !first.IsZero() {
		k := p.NextProducts
		if k == 0 {
			k = 1
		}
		n := 0
		for _, t := range p.Sequences.Next(held, 0) {
			if n == k {
				break
			}
			if covered[t.To] {
				continue
			}
			n++
			plan.Steps = append(plan.Steps, Step{
				Initiative: Initiative{ID: "next:" + t.To, Perspective: Product, Name: "offer " + t.To, Product: t.To},
				When:       today, Channel: firstChannel,
				Reason: clv.Explanation{Rule: "pesca/product/learned-sequence", Facts: []clv.Fact{
					{Name: "holds " + t.From, Value: "true"},
					{Name: "customers who took " + t.To + " after " + t.From, Value: strconv.FormatFloat(t.Confidence, 'f', 3, 64)},
					{Name: "lift", Value: strconv.FormatFloat(t.Lift, 'f', 3, 64)},
				}},
			})
		}
	}
	slices.SortStableFunc(plan.Steps, func(a, b Step) int {
		return cmp.Or(a.When.Compare(b.When), cmp.Compare(a.Initiative.Perspective, b.Initiative.Perspective), cmp.Compare(a.Initiative.ID, b.Initiative.ID))
	})
	for _, pe := range Perspectives() {
		if !slices.ContainsFunc(plan.Steps, func(s Step) bool { return s.Initiative.Perspective == pe }) {
			plan.Missing = append(plan.Missing, pe)
		}
	}
	return plan, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// PlanAll plans every profile of a segment, in input order, and reports
// which perspectives the segment's plans leave empty and how often.
func (p Planner) PlanAll(cs []Profile, asOf time.Time) ([]Plan, map[Perspective]int, error) {
	out := make([]Plan, len(cs))
	gaps := map[Perspective]int{}
	for i, c := range cs {
		pl, err := p.Plan(c, asOf)
		if err != nil {
			return nil, nil, fmt.Errorf("profile %d: %w", i, err)
		}
		out[i] = pl
		for _, m := range pl.Missing {
			gaps[m]++
		}
	}
	return out, gaps, nil
}
