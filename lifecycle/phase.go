package lifecycle

import (
	"fmt"
	"math"
	"strconv"

	"github.com/clvkit/clvkit/internal/parallel"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// Phase is a customer's place in their life with us.
type Phase uint8

// Lifecycle phases, in the order PhaseRules tests them (see Assign).
const (
	// Prospect has not bought yet.
	Prospect Phase = iota
	// Newcomer bought for the first time recently (onboarding); its name
	// is "new".
	Newcomer
	// Active buys at their usual pace.
	Active
	// AtRisk has been quiet for longer than usual, or the model gives them a
	// low probability of being alive.
	AtRisk
	// Lapsed has been quiet long enough to need winning back.
	Lapsed
	// Churned is gone by the rules: quiet for very long, or almost surely
	// dead by the model.
	Churned
	// Reactivated came back after lapsing, recently.
	Reactivated
)

var phaseNames = [...]string{"prospect", "new", "active", "at-risk", "lapsed", "churned", "reactivated"}

// String returns the phase's name, e.g. "at-risk".
func (p Phase) String() string {
	if int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return "Phase(" + strconv.Itoa(int(p)) + ")"
}

// Phases lists every phase in order.
func Phases() []Phase {
	return []Phase{Prospect, Newcomer, Active, AtRisk, Lapsed, Churned, Reactivated}
}

// The rules of PhaseRules.Assign, one per way into a phase.
const (
	RulePhaseProspect     clv.Rule = "phase/prospect"      // no purchase yet
	RulePhaseChurned      clv.Rule = "phase/churned"       // quiet ChurnedDays or more
	RulePhaseChurnedModel clv.Rule = "phase/churned-model" // P(alive) below ChurnedAlive
	RulePhaseLapsed       clv.Rule = "phase/lapsed"        // quiet LapsedDays or more
	RulePhaseNewcomer     clv.Rule = "phase/new"           // tenure below NewDays
	RulePhaseReactivated  clv.Rule = "phase/reactivated"   // back after a lapse, recently
	RulePhaseAtRisk       clv.Rule = "phase/at-risk"       // quiet AtRiskDays or more
	RulePhaseAtRiskModel  clv.Rule = "phase/at-risk-model" // P(alive) below AtRiskAlive
	RulePhaseActive       clv.Rule = "phase/active"        // none of the above
)

// AliveModel is what lifecycle needs of a model: the probability that a
// customer with a summary is still alive (active), in [0, 1]. Every
// clv.TransactionModel is one; a model of discrete opportunities such as
// clv.BGBB becomes one with a method that reads the summary as its
// pattern (frequency, recency and age in opportunities). Validate, when the
// model has it, is called once before use.
type AliveModel interface {
	ProbabilityAlive(s clv.Summary) float64
}

// PhaseRules are the thresholds that place a customer in a phase. The zero
// value of each field means its documented default.
type PhaseRules struct {
	// NewDays: a customer whose first purchase is fewer days ago is a
	// Newcomer. Default 30.
	NewDays int
	// AtRiskDays: an Active customer this many days or more since their last
	// purchase is AtRisk. Default 60.
	AtRiskDays int
	// LapsedDays: this many days or more since the last purchase is Lapsed.
	// Default 120.
	LapsedDays int
	// ChurnedDays: this many days or more since the last purchase is
	// Churned. Default 365.
	ChurnedDays int
	// ReactivatedDays: a customer whose last purchase ended a gap of at least
	// LapsedDays, fewer than this many days ago, is Reactivated. Default 30.
	ReactivatedDays int
	// Model, when set, adds P(alive) from any model of it — a clv
	// transaction model in any unit (it is converted to days, the unit of
	// History.Summary, with clv.InUnit), or any other AliveModel, which must
	// then read summaries in days — to the recency rules: below AtRiskAlive an otherwise
	// Active or Reactivated customer is AtRisk, below ChurnedAlive a
	// customer is Churned. nil leaves the recency rules alone.
	Model AliveModel
	// AtRiskAlive and ChurnedAlive are the P(alive) thresholds used with
	// Model. Defaults 0.5 and 0.05.
	AtRiskAlive, ChurnedAlive float64
}

// dayTexts holds "0" … "999", so that reasons for everyday day counts cost
// no formatting. It is computed once and never changed.
var dayTexts = func() []string {
	out := make([]string, 1000)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}()

func daysText(v int) string {
	if v >= 0 && v < len(dayTexts) {
		return dayTexts[v]
	}
	return strconv.Itoa(v)
}

// Validate reports rules Assign would refuse: thresholds out of order, a
// nil or invalid model, or a model in a unit that cannot be converted to
// days.
func (r PhaseRules) Validate() error {
	_, err := r.withDefaults()
	return err
}

func (r PhaseRules) withDefaults() (PhaseRules, error) {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&r.NewDays, 30)
	def(&r.AtRiskDays, 60)
	def(&r.LapsedDays, 120)
	def(&r.ChurnedDays, 365)
	def(&r.ReactivatedDays, 30)
	if r.AtRiskAlive == 0 {
		r.AtRiskAlive = 0.5
	}
	if r.ChurnedAlive == 0 {
		r.ChurnedAlive = 0.05
	}
	switch {
	case r.NewDays < 0:
		return r, fmt.Errorf("%w: NewDays %d is negative", ErrInvalidConfig, r.NewDays)
	case r.ReactivatedDays < 0:
		return r, fmt.Errorf("%w: ReactivatedDays %d is negative", ErrInvalidConfig, r.ReactivatedDays)
	case !(r.AtRiskDays < r.LapsedDays && r.LapsedDays < r.ChurnedDays) || r.AtRiskDays <= 0:
		return r, fmt.Errorf("%w: want 0 < AtRiskDays (%d) < LapsedDays (%d) < ChurnedDays (%d)",
			ErrInvalidConfig, r.AtRiskDays, r.LapsedDays, r.ChurnedDays)
	case !(r.ChurnedAlive > 0 && r.ChurnedAlive < r.AtRiskAlive && r.AtRiskAlive < 1):
		return r, fmt.Errorf("%w: want 0 < ChurnedAlive (%v) < AtRiskAlive (%v) < 1", ErrInvalidConfig, r.ChurnedAlive, r.AtRiskAlive)
	}
	if r.Model != nil {
		if err := checkModel("PhaseRules.Model", r.Model); err != nil {
			return r, err
		}
		m, err := inUnit(r.Model, clv.UnitDay)
		if err != nil {
			return r, err
		}
		r.Model = m
	}
	return r, nil
}

// Assignment is a customer's phase with the reason for it.
type Assignment struct {
	ID     string
	Phase  Phase
	Reason clv.Explanation
}

// Assign places a customer in exactly one phase as of h.AsOf, counting
// calendar days in h.Location (clv.CalendarDay). The rules are
// tested in this order, the first that holds wins: no purchase → Prospect;
// days since the last purchase ≥ ChurnedDays, or P(alive) < ChurnedAlive →
// Churned; ≥ LapsedDays → Lapsed; tenure < NewDays → Newcomer; last purchase
// ended a gap ≥ LapsedDays fewer than ReactivatedDays ago → Reactivated
// (unless P(alive) < AtRiskAlive); ≥ AtRiskDays, or P(alive) < AtRiskAlive →
// AtRisk; otherwise Active. With a Model, h.Summary must be valid and the
// model's P(alive) a probability.
func (r PhaseRules) Assign(h History) (Assignment, error) {
	r, err := r.withDefaults()
	if err != nil {
		return Assignment{}, err
	}
	return r.assign(h)
}

func (r PhaseRules) assign(h History) (Assignment, error) {
	if err := h.Validate(); err != nil {
		return Assignment{}, err
	}
	a := Assignment{ID: h.ID}
	if h.First.IsZero() {
		a.Phase, a.Reason = Prospect, clv.Explanation{Rule: RulePhaseProspect, Facts: []clv.Fact{{Name: "purchases", Value: "0"}}}
		return a, nil
	}
	since, tenure := h.DaysSinceLast(), h.TenureDays()
	factDays := func(name string, v, limit int, ge bool) clv.Fact {
		op, held := clv.OpAtLeast, v >= limit
		if !ge {
			op, held = clv.OpLess, v < limit
		}
		return clv.Fact{Name: name, Value: daysText(v), Op: op, Limit: daysText(limit), Held: held}
	}
	alive, hasAlive := math.NaN(), r.Model != nil
	if hasAlive {
		if err := checkSummary("Summary", h.Summary); err != nil {
			return Assignment{}, err
		}
		alive = r.Model.ProbabilityAlive(h.Summary)
		if !(alive >= 0 && alive <= 1) {
			return Assignment{}, fmt.Errorf("%w: customer %s: the model's P(alive) is %v, not a probability", ErrInvalidInput, clip.Quote(h.ID), alive)
		}
	}
	factAlive := func(limit float64) clv.Fact {
		return clv.Fact{Name: "P(alive)", Value: strconv.FormatFloat(alive, 'f', 4, 64),
			Op: clv.OpLess, Limit: strconv.FormatFloat(limit, 'g', -1, 64), Held: alive < limit}
	}
	set := func(p Phase, rule clv.Rule, facts ...clv.Fact) (Assignment, error) {
		a.Phase, a.Reason = p, clv.Explanation{Rule: rule, Facts: facts}
		return a, nil
	}
	switch {
	case since >= r.ChurnedDays:
		return set(Churned, RulePhaseChurned, factDays("days since last purchase", since, r.ChurnedDays, true))
	case hasAlive && alive < r.ChurnedAlive:
		return set(Churned, RulePhaseChurnedModel, factAlive(r.ChurnedAlive))
	case since >= r.LapsedDays:
		return set(Lapsed, RulePhaseLapsed, factDays("days since last purchase", since, r.LapsedDays, true))
	case tenure < r.NewDays:
		return set(Newcomer, RulePhaseNewcomer, factDays("tenure in days", tenure, r.NewDays, false))
	}
	gap := -1
	if !h.BeforeLast.IsZero() {
		gap = int(clv.DaysBetween(h.BeforeLast, h.Last, h.Location))
	}
	lowAlive := hasAlive && alive < r.AtRiskAlive
	switch {
	case gap >= r.LapsedDays && since < r.ReactivatedDays && !lowAlive:
		return set(Reactivated, RulePhaseReactivated, factDays("days in the gap before the last purchase", gap, r.LapsedDays, true),
			factDays("days since last purchase", since, r.ReactivatedDays, false))
	case since >= r.AtRiskDays:
		return set(AtRisk, RulePhaseAtRisk, factDays("days since last purchase", since, r.AtRiskDays, true))
	case lowAlive:
		return set(AtRisk, RulePhaseAtRiskModel, factAlive(r.AtRiskAlive))
	}
	return set(Active, RulePhaseActive, factDays("days since last purchase", since, r.AtRiskDays, false))
}

// AssignAll assigns every history, in input order, on all cores, as Assign
// does; the first invalid history (in input order) fails the call.
func (r PhaseRules) AssignAll(hs []History) ([]Assignment, error) {
	r, err := r.withDefaults()
	if err != nil {
		return nil, err
	}
	out := make([]Assignment, len(hs))
	err = parallel.Ranges(len(hs), 4096, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			a, err := r.assign(hs[i])
			if err != nil {
				return fmt.Errorf("history %d: %w", i, err)
			}
			out[i] = a
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PhaseChange records a customer whose phase differs between two dates:
// the "trend changes" a lifecycle team watches.
type PhaseChange struct {
	ID       string
	From, To Phase
}

// Changes returns the customers whose phase differs between two
// assignments of the same customers (matched by ID; customers in only one
// of them count as moving from or to Prospect), sorted by ID. An ID that
// appears twice in either list, or an unknown phase, is an error.
func Changes(before, after []Assignment) ([]PhaseChange, error) {
	index := func(name string, as []Assignment) (map[string]Phase, error) {
		m := make(map[string]Phase, len(as))
		for i, a := range as {
			if _, dup := m[a.ID]; dup {
				return nil, fmt.Errorf("%w: %s[%d]: customer %s appears twice", ErrInvalidInput, name, i, clip.Quote(a.ID))
			}
			if int(a.Phase) >= len(phaseNames) {
				return nil, fmt.Errorf("%w: %s[%d]: customer %s: unknown phase %v", ErrInvalidInput, name, i, clip.Quote(a.ID), a.Phase)
			}
			m[a.ID] = a.Phase
		}
		return m, nil
	}
	was, err := index("before", before)
	if err != nil {
		return nil, err
	}
	now, err := index("after", after)
	if err != nil {
		return nil, err
	}
	var out []PhaseChange
	for _, a := range after {
		if p := was[a.ID]; p != a.Phase {
			out = append(out, PhaseChange{ID: a.ID, From: p, To: a.Phase})
		}
	}
	for _, a := range before {
		if _, ok := now[a.ID]; !ok && a.Phase != Prospect {
			out = append(out, PhaseChange{ID: a.ID, From: a.Phase, To: Prospect})
		}
	}
	sortByID(out, func(c PhaseChange) string { return c.ID })
	return out, nil
}
