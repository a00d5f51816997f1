package ladder

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// ShareGoal is a measurable migration goal: move Share of the customers who
// were on rung From at Start to rung To or above by Deadline ("move 10% of
// Silver to Gold by 2027-06-30").
type ShareGoal struct {
	Name            string
	From, To        int
	Share           float64
	Start, Deadline time.Time
}

// GoalProgress reports how far a goal is.
type GoalProgress struct {
	// Achieved is the share (or count, for recontact goals) reached so far.
	Achieved float64
	// Target is the share or count the goal asks for.
	Target float64
	// Progress is Achieved/Target clamped to [0, 1].
	Progress float64
	// Expected is the progress a steady pace would have reached by now.
	Expected float64
	// OnTrack reports Progress ≥ Expected (or the goal met).
	OnTrack bool
	Reason  clv.Explanation
}

func pace(start, deadline, asOf time.Time) float64 {
	total := deadline.Sub(start).Hours()
	if total <= 0 {
		return 1
	}
	return math.Max(0, math.Min(1, asOf.Sub(start).Hours()/total))
}

// The rules of goal progress.
const (
	// RuleShareGoal: a share goal is on track when its progress keeps up
	// with a steady pace from Start to Deadline.
	RuleShareGoal clv.Rule = "goal/share"
	// RuleRecontactGoal: a recontact goal is on track when every customer
	// due has been contacted.
	RuleRecontactGoal clv.Rule = "goal/recontact"
)

// Progress measures the goal as of asOf, from each customer's rung at the
// start (baseline) and now (current, by customer ID; a customer missing
// from current counts as not having moved up). The pace is the share of
// the time from Start to Deadline elapsed by asOf, an instant, not a day;
// Achieved, Progress and Expected are in [0, 1].
func (g ShareGoal) Progress(baseline, current map[string]int, asOf time.Time) (GoalProgress, error) {
	switch {
	case !(g.Share > 0 && g.Share <= 1):
		return GoalProgress{}, fmt.Errorf("%w: goal %s: Share %v outside (0, 1]", ErrInvalidConfig, clip.Quote(g.Name), g.Share)
	case g.To <= g.From:
		return GoalProgress{}, fmt.Errorf("%w: goal %s: To %d is not above From %d", ErrInvalidConfig, clip.Quote(g.Name), g.To, g.From)
	case !g.Deadline.After(g.Start):
		return GoalProgress{}, fmt.Errorf("%w: goal %s: Deadline is not after Start", ErrInvalidConfig, clip.Quote(g.Name))
	}
	cohort, moved := 0, 0
	for id, r := range baseline {
		if r != g.From {
			continue
		}
		cohort++
		if c, ok := current[id]; ok && c >= g.To {
			moved++
		}
	}
	p := GoalProgress{Target: g.Share, Expected: pace(g.Start, g.Deadline, asOf)}
	if cohort > 0 {
		p.Achieved = float64(moved) / float64(cohort)
	}
	p.Progress = math.Min(1, p.Achieved/g.Share)
	p.OnTrack = p.Progress >= p.Expected || p.Progress == 1
	p.Reason = clv.Explanation{Rule: RuleShareGoal, Facts: []clv.Fact{
		{Name: "cohort on rung " + strconv.Itoa(g.From), Value: strconv.Itoa(cohort)},
		{Name: "moved to rung " + strconv.Itoa(g.To) + "+", Value: strconv.Itoa(moved)},
		{Name: "progress", Value: strconv.FormatFloat(p.Progress, 'f', 3, 64), Op: clv.OpAtLeast, Limit: strconv.FormatFloat(p.Expected, 'f', 3, 64), Held: p.OnTrack},
	}}
	return p, nil
}

// Contract is a customer's contract status for RecontactGoal.
type Contract struct {
	Customer string
	Rung     int
	// End is when the contract expired.
	End time.Time
	// LastActivity is the customer's last purchase or renewal.
	LastActivity time.Time
	// Contacted is when we contacted them after the expiry; zero if not.
	Contacted time.Time
}

// RecontactGoal asks to contact every customer on rung MinRung or above who has
// been inactive since their contract expired, AfterDays days after it
// expired ("contact every high-value customer inactive since contract
// expiry 30 days after it expired").
type RecontactGoal struct {
	Name    string
	MinRung int
	// AfterDays counts calendar days after the expiry day (≥ 0).
	AfterDays int
	// Location is where days are read (clv.CalendarDay); nil means UTC.
	Location *time.Location
}

// Progress counts, as of asOf, the customers already due (inactive since
// their expiry, and at least AfterDays calendar days from the expiry day to
// asOf's day, in g.Location) and how many of them were contacted on or
// after their due day and by asOf. Each customer may appear once in cs.
// Progress is done/due in [0, 1] (1 when nobody is due).
func (g RecontactGoal) Progress(cs []Contract, asOf time.Time) (GoalProgress, error) {
	if g.AfterDays < 0 {
		return GoalProgress{}, fmt.Errorf("%w: goal %s: AfterDays %d is negative", ErrInvalidConfig, clip.Quote(g.Name), g.AfterDays)
	}
	today := clv.CalendarDay(asOf, g.Location)
	seen := make(map[string]bool, len(cs))
	due, done := 0, 0
	for i, c := range cs {
		if c.Customer == "" {
			return GoalProgress{}, fmt.Errorf("%w: contract %d: empty customer ID", ErrInvalidInput, i)
		}
		if seen[c.Customer] {
			return GoalProgress{}, fmt.Errorf("%w: contract %d: customer %s appears twice", ErrInvalidInput, i, clip.Quote(c.Customer))
		}
		seen[c.Customer] = true
		if c.Rung < g.MinRung || c.End.IsZero() || c.LastActivity.After(c.End) {
			continue
		}
		end := clv.CalendarDay(c.End, g.Location)
		if today-end < int64(g.AfterDays) {
			continue
		}
		due++
		if !c.Contacted.IsZero() && clv.CalendarDay(c.Contacted, g.Location)-end >= int64(g.AfterDays) && !c.Contacted.After(asOf) {
			done++
		}
	}
	p := GoalProgress{Target: float64(due), Achieved: float64(done), Progress: 1, Expected: 1}
	if due > 0 {
		p.Progress = float64(done) / float64(due)
	}
	p.OnTrack = p.Progress == 1
	p.Reason = clv.Explanation{Rule: RuleRecontactGoal, Facts: []clv.Fact{
		{Name: "due", Value: strconv.Itoa(due)},
		{Name: "contacted", Value: strconv.Itoa(done), Op: clv.OpEqual, Limit: strconv.Itoa(due), Held: p.OnTrack},
	}}
	return p, nil
}
