package ladder

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/clv"
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

// Progress measures the goal as of asOf, from each customer's rung at the
// start (baseline) and now (current, by customer ID; a customer missing
// from current counts as not having moved up).
func (g ShareGoal) Progress(baseline, current map[string]int, asOf time.Time) (GoalProgress, error) {
	if !(g.Share > 0 && g.Share <= 1) || g.To <= g.From || !g.Deadline.After(g.Start) {
		return GoalProgress{}, fmt.Errorf("%w: goal %q: want 0 < share ≤ 1, a higher target rung and a deadline after the start", ErrInvalidConfig, g.Name)
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
	p.Reason = clv.Explanation{Rule: "goal/share", Facts: []clv.Fact{
		{Name: "cohort on rung " + strconv.Itoa(g.From), Value: strconv.Itoa(cohort)},
		{Name: "moved to rung " + strconv.Itoa(g.To) + "+", Value: strconv.Itoa(moved)},
		{Name: "progress", Value: strconv.FormatFloat(p.Progress, 'f', 3, 64), Test: ">= pace " + strconv.FormatFloat(p.Expected, 'f', 3, 64), Held: p.OnTrack},
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
	Name      string
	MinRung   int
	AfterDays int
}

// Progress counts, as of asOf, the customers already due (expiry +
// AfterDays ≤ asOf, inactive since expiry) and how many of them were
// contacted on or after their due date.
func (g RecontactGoal) Progress(cs []Contract, asOf time.Time) (GoalProgress, error) {
	if g.AfterDays < 0 {
		return GoalProgress{}, fmt.Errorf("%w: goal %q: negative days", ErrInvalidConfig, g.Name)
	}
	due, done := 0, 0
	for _, c := range cs {
		if c.Rung < g.MinRung || c.End.IsZero() || c.LastActivity.After(c.End) {
			continue
		}
		when := c.End.AddDate(0, 0, g.AfterDays)
		if when.After(asOf) {
			continue
		}
		due++
		if !c.Contacted.IsZero() && !c.Contacted.Before(when) && !c.Contacted.After(asOf) {
			done++
		}
	}
	p := GoalProgress{Target: float64(due), Achieved: float64(done), Progress: 1, Expected: 1}
	if due > 0 {
		p.Progress = float64(done) / float64(due)
	}
	p.OnTrack = p.Progress == 1
	p.Reason = clv.Explanation{Rule: "goal/recontact", Facts: []clv.Fact{
		{Name: "due", Value: strconv.Itoa(due)},
		{Name: "contacted", Value: strconv.Itoa(done), Test: "= due", Held: p.OnTrack},
	}}
	return p, nil
}
