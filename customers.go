package clvkit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
	"github.com/clvkit/clvkit/internal/guard"
	"github.com/clvkit/clvkit/ladder"
	"github.com/clvkit/clvkit/lifecycle"
	"github.com/clvkit/clvkit/pesca"
)

// Options configures Build. Every zero field means the documented default;
// only End is required.
type Options struct {
	// End is the observation end, inclusive, read as a calendar day in
	// Location (see clv.CalendarDay). Required.
	End time.Time
	// Location is the time zone in which purchases fall on calendar days;
	// nil means UTC.
	Location *time.Location
	// Unit is the unit of every summary and of the models; the zero value
	// is clv.UnitDay. A Purchase model given in another unit is converted
	// (clv.InUnit), never misread.
	Unit clv.Unit
	// Purchase is the transaction model; nil fits BG/NBD on the base. A
	// model in another unit than Unit is converted with clv.InUnit (the
	// package's models); a caller's own model must be in Unit.
	Purchase clv.TransactionModel
	// Spend is the spend model; nil fits Gamma-Gamma on the base and, when
	// the fit is a boundary estimate (a small or homogeneous log), values
	// customers at the mean spend per repeat purchase instead, saying so in
	// Base.Notes.
	Spend clv.SpendModel
	// Horizon is the horizon of ExpectedPurchases, in days; zero means 365.
	Horizon int
	// Value configures lifetime value. Its StepLength is in days (it is
	// converted to Unit); zero Steps and StepLength mean 12 steps of a mean
	// month (30.4375 days). DiscountRate, Continuous, Margin and RoundTo are
	// as in clv.ValueOptions.
	Value clv.ValueOptions
	// Phases are the lifecycle phase rules; nil means lifecycle's default
	// thresholds with P(alive) from the purchase model (converted to days,
	// the unit of lifecycle's histories). Rules given here are used as they
	// are: set their Model to use P(alive).
	Phases *lifecycle.PhaseRules
	// Segments maps RFM scores to segment names; nil means
	// lifecycle.DefaultSegments over five classes. Its classes are the
	// number of RFM classes scored.
	Segments *lifecycle.SegmentMap
	// Offers is the catalogue lifecycle.DecideAll chooses from for every
	// customer; nil means no offers are chosen. MinOfferValue is the least
	// expected value an offer must have to be chosen.
	Offers        []lifecycle.Offer
	MinOfferValue decimal.Decimal
	// Ladder, when set, places every customer on a rung as of End (a first
	// placement: no grace from an earlier rung) with their lifetime value as
	// the predicted value.
	Ladder *ladder.Ladder
	// Potential configures the customers' potential values on the ladder
	// (see ladder.Ladder.PotentialValues); the zero value benchmarks each
	// rung by its median customer, from rungs of at least
	// ladder.DefaultMinCustomers customers.
	Potential ladder.PotentialOptions
	// DataSharingConsent lists the customers who have consented to their
	// data being shared with non-competing partners: only they are offered
	// lifecycle.DataSharing offers.
	DataSharingConsent []string
	// Planner, when set, plans every customer's next P.E.S.C.A. steps as of
	// End from their phase, rung, segment and purchases. Its Location is
	// replaced by Options.Location, so days agree with the rest of the base.
	Planner *pesca.Planner
}

// Customer is everything the SDK says about one customer, in one value.
type Customer struct {
	// ID is the customer's ID.
	ID string
	// Summary is the customer's frequency, recency, age and mean repeat
	// spend, in Options.Unit.
	Summary clv.Summary
	// First and Last are the calendar days (clv.CalendarDay in
	// Options.Location) of the first and the last purchase.
	First, Last int64
	// ProbabilityAlive is P(alive) at End under the purchase model.
	ProbabilityAlive float64
	// ExpectedPurchases is the expected number of purchases in the
	// Options.Horizon days after End.
	ExpectedPurchases float64
	// ExpectedSpend is the spend model's expected spend per purchase.
	ExpectedSpend decimal.Decimal
	// Value is the discounted lifetime value over Options.Value's horizon,
	// after margin, rounded once (see clv.LifetimeValue).
	Value decimal.Decimal
	// ValuedPurchases is the undiscounted expected number of purchases over
	// Options.Value's horizon, the count Value is built on.
	ValuedPurchases float64
	// Products are the distinct products bought up to End, sorted.
	Products []string
	// FirstChannel is the channel of the first purchase (when several share
	// the first moment, the one with the smallest product, then channel, as
	// pesca orders purchases).
	FirstChannel string
	// Phase is the customer's lifecycle phase as of End, with the reason.
	Phase       lifecycle.Phase
	PhaseReason clv.Explanation
	// RFM is the customer's recency, frequency and monetary scores, and
	// Segment the segment of Options.Segments they fall in, with the reason.
	RFM           lifecycle.RFMScore
	Segment       string
	SegmentReason clv.Explanation
	// Offers are the offers chosen from Options.Offers, best first, each
	// with its expected value and reasons; nil without a catalogue.
	Offers []lifecycle.Decision
	// Rung is the customer's ladder rung with the reason (ladder.NoRung
	// without Options.Ladder).
	Rung       int
	RungReason clv.Explanation
	// Potential is the customer's potential value on the ladder — their
	// lifetime value if they bought like the typical customer one rung
	// above — with the gap to Value and the reason; nil without
	// Options.Ladder. Development offers are capped by a benchmarked gap.
	Potential *ladder.Potential
	// Plan is the customer's next P.E.S.C.A. steps, each with its reasons
	// (empty without Options.Planner).
	Plan pesca.Plan
}

// Base is a customer base: one Customer per customer who bought by End, in
// ID order, with the models that describe them.
type Base struct {
	// Customers are in ID order (byte-wise).
	Customers []Customer
	// Purchase and Spend are the models used, in Options.Unit.
	Purchase clv.TransactionModel
	Spend    clv.SpendModel
	// PurchaseFit and SpendFit are the fit reports when Build fitted the
	// models, nil otherwise (SpendFit is also set when the fit was replaced
	// by the mean repeat spend: it says why).
	PurchaseFit, SpendFit *clv.FitReport
	// Ignored counts purchases after End.
	Ignored int
	// Notes say what Build decided on the caller's behalf (a spend model
	// replaced by the mean spend, and why).
	Notes []string
}

// Customer returns the customer with the given ID.
func (b *Base) Customer(id string) (Customer, bool) {
	if b == nil {
		return Customer{}, false
	}
	i, ok := slices.BinarySearchFunc(b.Customers, id, func(c Customer, id string) int { return cmp.Compare(c.ID, id) })
	if !ok {
		return Customer{}, false
	}
	return b.Customers[i], true
}

// ErrNoCustomers reports a log with no purchase up to the observation end.
var ErrNoCustomers = errors.New("clvkit: no customers")

// extra is what Build keeps per customer beyond the clv summary.
type extra struct {
	first, last  int64
	firstTime    time.Time
	firstProduct string
	firstChannel string
	products     map[string]struct{}
}

// Build reads purchases once (any iter.Seq: a clv.CSVReader's Purchases, a
// slice through slices.Values) and returns the customer base as of
// opts.End: summaries, P(alive), expected purchases, expected spend and
// lifetime value, with the models fitted on the base when none are given,
// then phases, segments and, when asked for, offers, rungs and plans. The
// result is deterministic and in ID order. Options are checked before
// anything is read (errors wrap clv.ErrInvalidOptions or
// clv.ErrInvalidParams); purchases after End are counted in Base.Ignored; an
// invalid purchase is an error naming its 0-based position. Build keeps the
// purchases up to End in memory for the lifecycle, ladder and planner
// steps. The context is checked while reading and between steps.
func Build(ctx context.Context, purchases iter.Seq[clv.Purchase], opts Options) (*Base, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if purchases == nil {
		return nil, fmt.Errorf("%w: Build: nil purchase sequence", clv.ErrInvalidOptions)
	}
	cfg, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	loc := cfg.loc
	s, err := clv.NewSummarizer(clv.SummaryOptions{End: opts.End, Location: loc, Unit: opts.Unit})
	if err != nil {
		return nil, err
	}
	endDay := clv.CalendarDay(opts.End, loc)
	extras := map[string]*extra{}
	var all []clv.Purchase // up to End, for lifecycle's histories, the ladder and plans
	i := 0
	for p := range purchases {
		if i%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := s.Add(p.Transaction); err != nil {
			return nil, fmt.Errorf("purchase %d: %w", i, err)
		}
		i++
		day := clv.CalendarDay(p.Time, loc)
		if day > endDay {
			continue
		}
		all = append(all, p)
		e := extras[p.Customer]
		if e == nil {
			e = &extra{first: day, last: day, firstTime: p.Time, firstProduct: p.Product, firstChannel: p.Channel, products: map[string]struct{}{}}
			extras[p.Customer] = e
		}
		e.first, e.last = min(e.first, day), max(e.last, day)
		// The first purchase: the earliest, ties broken by product then
		// channel, as pesca orders a customer's purchases.
		if p.Time.Before(e.firstTime) || (p.Time.Equal(e.firstTime) &&
			(p.Product < e.firstProduct || (p.Product == e.firstProduct && p.Channel < e.firstChannel))) {
			e.firstTime, e.firstProduct, e.firstChannel = p.Time, p.Product, p.Channel
		}
		if p.Product != "" {
			e.products[p.Product] = struct{}{}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	summaries := s.Summaries()
	if len(summaries) == 0 {
		return nil, fmt.Errorf("%w: no purchase up to %s among %d read", ErrNoCustomers, clv.DayStart(endDay, loc).Format(time.DateOnly), i)
	}
	b := &Base{Ignored: s.Ignored()}
	if err := b.models(ctx, summaries, opts); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	preds, err := clv.Predict(b.Purchase, summaries, cfg.horizon)
	if err != nil {
		return nil, err
	}
	values, err := clv.LifetimeValue(b.Purchase, b.Spend, summaries, cfg.value)
	if err != nil {
		return nil, err
	}
	b.Customers = make([]Customer, len(summaries))
	for j, sm := range summaries {
		e := extras[sm.ID]
		products := slices.Sorted(maps.Keys(e.products))
		b.Customers[j] = Customer{
			ID: sm.ID, Summary: sm, First: e.first, Last: e.last,
			ProbabilityAlive: preds[j].ProbabilityAlive, ExpectedPurchases: preds[j].ExpectedPurchases,
			ExpectedSpend: values[j].SpendPerPurchase, Value: values[j].Value, ValuedPurchases: values[j].ExpectedPurchases,
			Products: products, FirstChannel: e.firstChannel,
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Each customer's own purchases, for the ladder and the plans.
	own := map[string][]clv.Purchase{}
	if opts.Ladder != nil || opts.Planner != nil {
		for _, p := range all {
			own[p.Customer] = append(own[p.Customer], p)
		}
	}
	if err := b.rungs(own, loc, opts); err != nil {
		return nil, err
	}
	if err := b.lifecycle(all, cfg, opts); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := b.plans(own, loc, opts); err != nil {
		return nil, err
	}
	return b, nil
}

// config is Options checked and with defaults filled in.
type config struct {
	loc      *time.Location
	horizon  float64 // in Options.Unit
	value    clv.ValueOptions
	segments *lifecycle.SegmentMap
}

// resolve checks every option before anything is read, so that a
// misconfiguration costs nothing, and fills in the defaults.
func resolve(opts Options) (config, error) {
	c := config{loc: opts.Location}
	if c.loc == nil {
		c.loc = time.UTC
	}
	bad := func(format string, args ...any) (config, error) {
		return config{}, fmt.Errorf("%w: Build: "+format, append([]any{clv.ErrInvalidOptions}, args...)...)
	}
	// badIn is bad for an option that belongs to another package: the error
	// wraps that package's sentinel too.
	badIn := func(pkg error, format string, args ...any) (config, error) {
		return config{}, fmt.Errorf("%w: %w: Build: "+format, append([]any{clv.ErrInvalidOptions, pkg}, args...)...)
	}
	if !opts.Unit.IsValid() {
		return bad("unknown unit %v", opts.Unit)
	}
	days := opts.Unit.Days()
	horizon := opts.Horizon
	if horizon == 0 {
		horizon = 365
	}
	if horizon < 0 || float64(horizon)/days > clv.MaxHorizon {
		return bad("horizon %d days, want 0 to %.0f days", opts.Horizon, clv.MaxHorizon*days)
	}
	c.horizon = float64(horizon) / days
	c.value = opts.Value
	if c.value.Steps == 0 && c.value.StepLength == 0 {
		c.value.Steps, c.value.StepLength = 12, clv.DaysPerMonth
	}
	c.value.StepLength /= days
	if err := c.value.Validate(); err != nil {
		return config{}, fmt.Errorf("Build: Value (step length %v days): %w", opts.Value.StepLength, err)
	}
	for _, m := range []any{opts.Purchase, opts.Spend} {
		if m != nil && guard.IsNil(m) {
			return config{}, fmt.Errorf("%w: Build: a nil %T model", clv.ErrInvalidParams, m)
		}
	}
	if opts.Purchase != nil {
		if err := opts.Purchase.Validate(); err != nil {
			return config{}, err
		}
	}
	if opts.Potential != (ladder.PotentialOptions{}) {
		if opts.Ladder == nil {
			return badIn(ladder.ErrInvalidConfig, "Potential is set but there is no Ladder to measure it on")
		}
		if err := opts.Potential.Validate(); err != nil {
			return config{}, fmt.Errorf("%w: Build: Potential: %w", clv.ErrInvalidOptions, err)
		}
	}
	if opts.Phases != nil {
		if err := opts.Phases.Validate(); err != nil {
			return config{}, fmt.Errorf("%w: Build: Phases: %w", clv.ErrInvalidOptions, err)
		}
	}
	c.segments = opts.Segments
	if c.segments == nil {
		var err error
		if c.segments, err = lifecycle.NewSegmentMap(5, lifecycle.DefaultSegments()); err != nil {
			return config{}, err
		}
	}
	if c.segments.Classes() == 0 {
		return badIn(lifecycle.ErrInvalidConfig, "Segments is a zero SegmentMap (build one with lifecycle.NewSegmentMap)")
	}
	names := c.segments.Names()
	seen := map[string]bool{}
	for _, o := range opts.Offers {
		if seen[o.ID] {
			return badIn(lifecycle.ErrInvalidConfig, "two offers have the ID %s", clip.Quote(o.ID))
		}
		seen[o.ID] = true
		// A misspelt "Champion" is a configuration error, not an offer
		// nobody is ever eligible for.
		for _, sg := range o.Segments {
			if !slices.Contains(names, sg) {
				return badIn(lifecycle.ErrInvalidConfig, "offer %s names segment %s, not one of %q", clip.Quote(o.ID), clip.Quote(sg), names)
			}
		}
	}
	if opts.Ladder != nil && len(opts.Ladder.Rungs()) == 0 {
		return badIn(ladder.ErrInvalidConfig, "Ladder has no rungs (build one with ladder.NewLadder)")
	}
	if opts.Planner != nil {
		rungs := 0
		if opts.Ladder != nil {
			rungs = len(opts.Ladder.Rungs())
		}
		seen := map[string]bool{}
		for _, in := range opts.Planner.Initiatives {
			if seen[in.ID] {
				return badIn(pesca.ErrInvalidConfig, "two initiatives have the ID %s", clip.Quote(in.ID))
			}
			seen[in.ID] = true
			for _, sg := range in.Segments {
				if !slices.Contains(names, sg) {
					return badIn(pesca.ErrInvalidConfig, "initiative %s names segment %s, not one of %q", clip.Quote(in.ID), clip.Quote(sg), names)
				}
			}
			for _, r := range in.Rungs {
				if r >= rungs {
					return badIn(pesca.ErrInvalidConfig, "initiative %s names rung %d, but the ladder has %d rungs (set Options.Ladder)", clip.Quote(in.ID), r, rungs)
				}
			}
		}
	}
	return c, nil
}

// rungs places customers on the ladder, with their potential value, when
// the options ask for it.
func (b *Base) rungs(own map[string][]clv.Purchase, loc *time.Location, opts Options) error {
	for j := range b.Customers {
		b.Customers[j].Rung = ladder.NoRung
	}
	if opts.Ladder == nil {
		return nil
	}
	values := make([]ladder.RungValue, len(b.Customers))
	for j := range b.Customers {
		c := &b.Customers[j]
		pl, err := opts.Ladder.Place(ladder.Activity{Customer: c.ID, Purchases: own[c.ID], Value: c.Value}, nil, opts.End, loc)
		if err != nil {
			return err
		}
		c.Rung, c.RungReason = pl.Rung, pl.Reason
		values[j] = ladder.RungValue{Customer: c.ID, Rung: c.Rung, Value: c.Value}
	}
	pot, err := opts.Ladder.PotentialValues(values, opts.Potential)
	if err != nil {
		return err
	}
	for j := range b.Customers {
		p := pot.Customers[j]
		b.Customers[j].Potential = &p
	}
	return nil
}

// plans plans every customer's next steps when the options ask for it.
func (b *Base) plans(own map[string][]clv.Purchase, loc *time.Location, opts Options) error {
	if opts.Planner == nil {
		return nil
	}
	planner := *opts.Planner
	planner.Location = loc
	for j := range b.Customers {
		c := &b.Customers[j]
		rung := max(c.Rung, 0)
		plan, err := planner.Plan(pesca.Profile{ID: c.ID, Phase: c.Phase, Rung: rung, Segment: c.Segment, Purchases: own[c.ID]}, opts.End)
		if err != nil {
			return err
		}
		c.Plan = plan
	}
	return nil
}

// lifecycle adds phases, RFM segments and offers, each from its package.
func (b *Base) lifecycle(all []clv.Purchase, cfg config, opts Options) error {
	txs := func(yield func(clv.Transaction) bool) {
		for _, p := range all {
			if !yield(p.Transaction) {
				return
			}
		}
	}
	hs, err := lifecycle.Histories(txs, nil, opts.End, cfg.loc)
	if err != nil {
		return err
	}
	if len(hs) != len(b.Customers) {
		return fmt.Errorf("clvkit: %d histories for %d customers", len(hs), len(b.Customers))
	}
	rules := lifecycle.PhaseRules{}
	if opts.Phases != nil {
		rules = *opts.Phases
	} else {
		rules.Model = b.Purchase // lifecycle converts it to days
	}
	phases, err := rules.AssignAll(hs)
	if err != nil {
		return err
	}
	segments := cfg.segments
	scores, err := lifecycle.ScoreRFM(hs, lifecycle.RFMOptions{Classes: segments.Classes()})
	if err != nil {
		return err
	}
	for j := range b.Customers {
		c := &b.Customers[j]
		if hs[j].ID != c.ID || phases[j].ID != c.ID || scores[j].ID != c.ID {
			return fmt.Errorf("clvkit: customer %q out of step with lifecycle's %q", c.ID, hs[j].ID)
		}
		c.Phase, c.PhaseReason, c.RFM = phases[j].Phase, phases[j].Reason, scores[j]
		if c.Segment, c.SegmentReason, err = segments.Segment(scores[j]); err != nil {
			return err
		}
	}
	if opts.Offers == nil {
		return nil
	}
	consent := map[string]bool{}
	for _, id := range opts.DataSharingConsent {
		consent[id] = true
	}
	cs := make([]lifecycle.Customer, len(b.Customers))
	for j, c := range b.Customers {
		cs[j] = lifecycle.Customer{ID: c.ID, Phase: c.Phase, Segment: c.Segment, Products: c.Products,
			Value: c.Value, ChurnRisk: 1 - c.ProbabilityAlive, FirstChannel: c.FirstChannel, DataSharingConsent: consent[c.ID]}
		// A gap is only known where the rung above was a benchmark: an
		// unknown one must not block development offers.
		if c.Potential != nil && c.Potential.Benchmarked {
			cs[j].PotentialValue = &c.Potential.Potential
		}
	}
	chosen, err := lifecycle.DecideAll(cs, opts.Offers, opts.MinOfferValue)
	if err != nil {
		return err
	}
	for j := range b.Customers {
		b.Customers[j].Offers = chosen[j]
	}
	return nil
}

// models sets the purchase and spend models: the caller's (converted to the
// base's unit) or fitted on the base.
func (b *Base) models(ctx context.Context, summaries []clv.Summary, opts Options) error {
	if opts.Purchase != nil {
		b.Purchase = opts.Purchase
		if opts.Purchase.TimeUnit() != opts.Unit {
			m, err := clv.InUnit(opts.Purchase, opts.Unit)
			if err != nil {
				return fmt.Errorf("%w: Build: the purchase model is in %ss, the base in %ss: %w", clv.ErrInvalidOptions, opts.Purchase.TimeUnit(), opts.Unit, err)
			}
			b.Purchase = m
		}
	} else {
		m, rep, err := clv.FitBGNBD(ctx, clv.Compress(summaries), clv.FitOptions{Unit: opts.Unit})
		if err != nil {
			return fmt.Errorf("fitting BG/NBD on the base: %w", err)
		}
		b.Purchase, b.PurchaseFit = m, &rep
	}
	if opts.Spend != nil {
		b.Spend = opts.Spend
		return nil
	}
	gg, rep, err := clv.FitGammaGamma(ctx, clv.SpendObservations(summaries), clv.FitOptions{})
	if err == nil {
		// A fit with q ≤ 1 has no mean spend: as unusable as a boundary.
		if _, merr := gg.PopulationMeanSpend(); merr != nil {
			err = merr
		}
	}
	switch {
	case err == nil:
		b.Spend, b.SpendFit = gg, &rep
	case errors.Is(err, clv.ErrBoundary), errors.Is(err, clv.ErrNoData), errors.Is(err, clv.ErrInvalidParams):
		mean := clv.MeanRepeatSpend(summaries)
		b.Spend = clv.FixedSpend{Amount: mean}
		b.SpendFit = &rep
		b.Notes = append(b.Notes, fmt.Sprintf("Gamma-Gamma cannot value this base (%v); customers are valued at the mean repeat spend %s", err, mean))
	default:
		return fmt.Errorf("fitting Gamma-Gamma on the base: %w", err)
	}
	return nil
}
