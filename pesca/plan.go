package pesca

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
	"github.com/clvkit/clvkit/lifecycle"
)

// Perspective is one of the five perspectives of the P.E.S.C.A. model.
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
	return 0, fmt.Errorf("%w: unknown perspective %s", ErrInvalidConfig, clip.Quote(s))
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
	// ID is non-empty and unique within a Planner.
	ID          string
	Perspective Perspective
	Name, Owner string
	// Product is what a Product initiative sells (it is skipped for
	// customers who hold it).
	Product string
	// Cost is what running it costs per customer, and ExpectedValue what it
	// is expected to bring before that cost; both are money ≥ 0. A step's
	// value is ExpectedValue − Cost and may be negative.
	Cost          decimal.Decimal
	ExpectedValue decimal.Decimal
	// Eligibility; empty lists mean any. Phases must be known phases and
	// Rungs ladder rungs (≥ 0).
	Phases   []lifecycle.Phase
	Rungs    []int
	Segments []string
	Requires []string
	// Timing: due OffsetDays calendar days after the anchor's day, open for
	// WindowDays days (0: open-ended). Both are in 0..36525 (a century).
	Anchor       Anchor
	AfterProduct string
	OffsetDays   int
	WindowDays   int
	// Channel; empty means the channel of the customer's first purchase
	// (the first purchase's channel is a good guess for the next).
	Channel string
}

// Profile is what planning reads of a customer.
type Profile struct {
	// ID is the customer's non-empty ID.
	ID    string
	Phase lifecycle.Phase
	// Rung is the customer's ladder rung, ≥ 0.
	Rung    int
	Segment string
	// Purchases are the customer's own, in any order; those on days after
	// the as-of day are ignored.
	Purchases []clv.Purchase
	// CategorySpend is an estimate of the customer's total spend in our
	// categories, ours and competitors', for share of wallet (money, ≥ 0);
	// zero means unknown.
	CategorySpend decimal.Decimal
}

// Step is one planned action: what, when, where, the expected value and
// why.
type Step struct {
	Initiative Initiative
	// When is the first day it may run, Until the last (zero: open-ended),
	// each as the start of that day in the Planner's Location.
	When, Until   time.Time
	Channel       string
	ExpectedValue decimal.Decimal
	Reason        clv.Explanation
}

// Plan is a customer's sequence of next actions across the perspectives.
type Plan struct {
	Customer string
	// AsOf is the plan's day, as the start of that day in the Planner's
	// Location.
	AsOf time.Time
	// Steps are ordered by When, then perspective, then initiative ID.
	Steps []Step
	// Missing lists the perspectives with nothing planned.
	Missing []Perspective
	// ShareOfWallet is our spend over CategorySpend, ≥ 0 (−1 when unknown).
	ShareOfWallet float64
	// Skipped lists the initiatives not planned, with the reason.
	Skipped []Step
}

// Planner builds plans from initiatives. The zero value plans nothing,
// with the defaults below.
type Planner struct {
	Initiatives []Initiative
	// Horizon bounds how far ahead steps are planned, in calendar days
	// (0..36525; 0 means 365).
	Horizon int
	// Sequences, when set, adds Product steps for the likeliest next
	// products the initiatives do not already cover, from learned
	// acquisition orders (Next), valued at zero until priced.
	Sequences *Sequences
	// NextProducts is how many learned suggestions to add (≥ 0); 0 means 1.
	NextProducts int
	// Location is where days are read and dates returned, by the SDK's one
	// rule (clv.CalendarDay): the as-of day, purchase days, and the steps'
	// When and Until. nil means UTC.
	Location *time.Location
}

// maxPlanDays bounds offsets, windows and horizons: a century is more than
// any plan needs, and keeps every date a plan computes representable.
const maxPlanDays = 36525

func (p Planner) validate() error {
	seen := map[string]bool{}
	for i, in := range p.Initiatives {
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%w: initiative %s: %s", ErrInvalidConfig, clip.Quote(in.ID), fmt.Sprintf(format, args...))
		}
		switch {
		case in.ID == "":
			return fmt.Errorf("%w: initiative %d: empty ID", ErrInvalidConfig, i)
		case seen[in.ID]:
			return fmt.Errorf("%w: initiative %d: ID %s appears twice", ErrInvalidConfig, i, clip.Quote(in.ID))
		case int(in.Perspective) >= len(perspectiveNames):
			return bad("unknown Perspective %v", in.Perspective)
		case in.Anchor > ProductPurchase:
			return bad("unknown Anchor %d", in.Anchor)
		case in.OffsetDays < 0 || in.OffsetDays > maxPlanDays:
			return bad("OffsetDays %d outside 0..%d", in.OffsetDays, maxPlanDays)
		case in.WindowDays < 0 || in.WindowDays > maxPlanDays:
			return bad("WindowDays %d outside 0..%d", in.WindowDays, maxPlanDays)
		case in.Anchor == ProductPurchase && in.AfterProduct == "":
			return bad("anchored on a product purchase without an AfterProduct")
		case in.Cost.Sign() < 0:
			return bad("negative Cost %s", clip.Decimal(in.Cost))
		case in.ExpectedValue.Sign() < 0:
			return bad("negative ExpectedValue %s", clip.Decimal(in.ExpectedValue))
		}
		for _, ph := range in.Phases {
			if int(ph) >= len(lifecycle.Phases()) {
				return bad("unknown phase %v in Phases", ph)
			}
		}
		for _, r := range in.Rungs {
			if r < 0 {
				return bad("negative rung %d in Rungs", r)
			}
		}
		seen[in.ID] = true
	}
	if p.Horizon < 0 || p.Horizon > maxPlanDays {
		return fmt.Errorf("%w: Horizon %d outside 0..%d", ErrInvalidConfig, p.Horizon, maxPlanDays)
	}
	if p.NextProducts < 0 {
		return fmt.Errorf("%w: NextProducts %d is negative", ErrInvalidConfig, p.NextProducts)
	}
	return nil
}

func (c Profile) validate() error {
	switch {
	case c.ID == "":
		return fmt.Errorf("%w: profile with an empty ID", ErrInvalidInput)
	case int(c.Phase) >= len(lifecycle.Phases()):
		return fmt.Errorf("%w: customer %s: unknown Phase %v", ErrInvalidInput, clip.Quote(c.ID), c.Phase)
	case c.Rung < 0:
		return fmt.Errorf("%w: customer %s: negative Rung %d", ErrInvalidInput, clip.Quote(c.ID), c.Rung)
	case c.CategorySpend.Sign() < 0:
		return fmt.Errorf("%w: customer %s: negative CategorySpend %s", ErrInvalidInput, clip.Quote(c.ID), clip.Decimal(c.CategorySpend))
	}
	for i, pu := range c.Purchases {
		if err := checkPurchase(pu); err != nil {
			return fmt.Errorf("customer %s, purchase %d: %w", clip.Quote(c.ID), i, err)
		}
		if pu.Customer != c.ID {
			return fmt.Errorf("%w: customer %s, purchase %d: bought by customer %s", ErrInvalidInput, clip.Quote(c.ID), i, clip.Quote(pu.Customer))
		}
	}
	return nil
}

// The rules of Planner.Plan.
const (
	// RuleInitiative: an initiative is planned when the customer is
	// eligible (phase, rung, segment, products held), its anchor purchase
	// happened, and it is due within the horizon before its window closes.
	// The step's Initiative says which one.
	RuleInitiative clv.Rule = "pesca/initiative"
	// RuleLearnedSequence: a product is suggested because customers who
	// held what this customer holds took it next (Sequences.Next).
	RuleLearnedSequence clv.Rule = "pesca/learned-sequence"
)

// Plan builds a customer's plan as of the calendar day of asOf in
// p.Location (clv.CalendarDay): purchases on later days are ignored, and
// steps are due from that day on, within the horizon. The planner must be
// valid (see Initiative and Planner), asOf non-zero and the profile valid
// (see Profile); anything else is an error naming the initiative or
// customer and the field.
func (p Planner) Plan(c Profile, asOf time.Time) (Plan, error) {
	if err := p.validate(); err != nil {
		return Plan{}, err
	}
	if asOf.IsZero() {
		return Plan{}, fmt.Errorf("%w: zero as-of time", ErrInvalidInput)
	}
	if err := c.validate(); err != nil {
		return Plan{}, err
	}
	return p.plan(c, asOf), nil
}

// plan plans for a valid profile with a valid planner.
func (p Planner) plan(c Profile, asOf time.Time) Plan {
	loc := p.Location
	horizon := p.Horizon
	if horizon == 0 {
		horizon = 365
	}
	date := func(day int64) time.Time { return clv.DayStart(day, loc) }
	dateText := func(day int64) string { return date(day).Format(time.DateOnly) }
	today := clv.CalendarDay(asOf, loc)
	// What the purchases tell: first and last days, products held, the
	// first channel, our spend — only purchases up to the as-of day.
	var first, last int64
	bought := false
	lastOf := map[string]int64{}
	firstChannel := ""
	spend := decimal.Zero
	ps := slices.Clone(c.Purchases)
	slices.SortFunc(ps, func(a, b clv.Purchase) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Product, b.Product), cmp.Compare(a.Channel, b.Channel))
	})
	for _, pu := range ps {
		d := clv.CalendarDay(pu.Time, loc)
		if d > today {
			continue
		}
		if !bought {
			first, last, firstChannel, bought = d, d, pu.Channel, true
		}
		first, last = min(first, d), max(last, d)
		if pu.Product != "" {
			if l, ok := lastOf[pu.Product]; !ok || d > l {
				lastOf[pu.Product] = d
			}
		}
		spend = spend.Add(pu.Amount)
	}
	held := slices.Sorted(maps.Keys(lastOf))
	plan := Plan{Customer: c.ID, AsOf: date(today), ShareOfWallet: -1}
	if c.CategorySpend.Sign() > 0 {
		plan.ShareOfWallet = spend.DivRound(c.CategorySpend, 18).InexactFloat64()
	}
	end := today + int64(horizon)
	covered := map[string]bool{}
	for _, in := range p.Initiatives {
		st := Step{Initiative: in, ExpectedValue: in.ExpectedValue.Sub(in.Cost),
			Reason: clv.Explanation{Rule: RuleInitiative}}
		fact := func(name, value string, op clv.Op, limit string, held bool) bool {
			st.Reason.Facts = append(st.Reason.Facts, clv.Fact{Name: name, Value: value, Op: op, Limit: limit, Held: held})
			return held
		}
		ok := true
		if len(in.Phases) > 0 {
			names := make([]string, len(in.Phases))
			for i, ph := range in.Phases {
				names[i] = ph.String()
			}
			ok = fact("phase", c.Phase.String(), clv.OpIn, strings.Join(names, "|"), slices.Contains(in.Phases, c.Phase))
		}
		if ok && len(in.Rungs) > 0 {
			rungs := make([]string, len(in.Rungs))
			for i, r := range in.Rungs {
				rungs[i] = strconv.Itoa(r)
			}
			ok = fact("rung", strconv.Itoa(c.Rung), clv.OpIn, strings.Join(rungs, "|"), slices.Contains(in.Rungs, c.Rung))
		}
		if ok && len(in.Segments) > 0 {
			ok = fact("segment", c.Segment, clv.OpIn, strings.Join(in.Segments, "|"), slices.Contains(in.Segments, c.Segment))
		}
		for _, r := range in.Requires {
			if ok {
				ok = fact("holds "+r, strconv.FormatBool(slices.Contains(held, r)), clv.OpEqual, "true", slices.Contains(held, r))
			}
		}
		if ok && in.Product != "" {
			covered[in.Product] = true
			ok = fact("holds "+in.Product, strconv.FormatBool(slices.Contains(held, in.Product)), clv.OpEqual, "false", !slices.Contains(held, in.Product))
		}
		var anchor int64
		if ok {
			found := bought
			switch in.Anchor {
			case FirstPurchase:
				anchor = first
			case LastPurchase:
				anchor = last
			case ProductPurchase:
				anchor, found = lastOf[in.AfterProduct]
			}
			name := [...]string{"first purchase", "last purchase", "purchase of " + in.AfterProduct}[in.Anchor]
			value := "none"
			if found {
				value = dateText(anchor)
			}
			ok = fact(name, value, clv.OpNotEqual, "none", found)
		}
		if ok {
			due := anchor + int64(in.OffsetDays)
			st.When = date(max(due, today))
			if in.WindowDays > 0 {
				until := due + int64(in.WindowDays)
				st.Until = date(until)
				ok = fact("window closes", dateText(until), clv.OpAtLeast, dateText(today), until >= today)
			}
			if ok {
				ok = fact("due before the horizon ends", dateText(due), clv.OpAtMost, dateText(end), due <= end)
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
	if p.Sequences != nil && bought {
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
				When:       date(today), Channel: firstChannel,
				Reason: clv.Explanation{Rule: RuleLearnedSequence, Facts: []clv.Fact{
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
	return plan
}

// PlanAll plans every profile of a segment, in input order, as Plan does,
// and reports which perspectives the segment's plans leave empty and how
// often. Profile IDs must be unique: a customer listed twice is an error
// naming them.
func (p Planner) PlanAll(cs []Profile, asOf time.Time) ([]Plan, map[Perspective]int, error) {
	if err := p.validate(); err != nil {
		return nil, nil, err
	}
	if asOf.IsZero() {
		return nil, nil, fmt.Errorf("%w: zero as-of time", ErrInvalidInput)
	}
	out := make([]Plan, len(cs))
	gaps := map[Perspective]int{}
	seen := make(map[string]bool, len(cs))
	for i, c := range cs {
		if err := c.validate(); err != nil {
			return nil, nil, fmt.Errorf("profile %d: %w", i, err)
		}
		if seen[c.ID] {
			return nil, nil, fmt.Errorf("%w: profile %d: customer %s appears twice", ErrInvalidInput, i, clip.Quote(c.ID))
		}
		seen[c.ID] = true
		pl := p.plan(c, asOf)
		out[i] = pl
		for _, m := range pl.Missing {
			gaps[m]++
		}
	}
	return out, gaps, nil
}
