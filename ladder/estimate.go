package ladder

import (
	"cmp"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
	"github.com/clvkit/clvkit/internal/guard"
)

// EstimateOptions configures Estimate; the zero value means plain counts
// and 95% intervals.
type EstimateOptions struct {
	// Smoothing adds this pseudo-count (finite, ≥ 0) to every transition of
	// a rung's row (Laplace smoothing), so that moves never seen get a small
	// probability.
	Smoothing float64
	// Z is the normal quantile of the Wilson intervals, in (0, 100]; zero
	// means 1.96 (95%).
	Z float64
	// Snapshots are the dates the paths were read at, increasing: the
	// snapshots given to Paths. Paths end at the last snapshot and start
	// wherever the customer was first placed, as Paths builds them, so a
	// path of length L covers the last L snapshots (and a longer path than
	// there are snapshots is an error). With them Estimated.History reports
	// the span of history the estimate used and the customers in each
	// period; nil leaves History empty.
	Snapshots []time.Time
	// Location is where snapshot dates are read (clv.CalendarDay): the
	// PathOptions.Location given to Paths. nil means UTC.
	Location *time.Location
	// MinYears, when positive, makes a history shorter than MinYears
	// calendar years an error wrapping ErrShortHistory: the ladder article
	// asks for at least two years of data ("al menos de los últimos dos años
	// de operaciones"). It needs Snapshots. 0..100; zero means no minimum.
	MinYears int
}

// ErrShortHistory reports an estimate from less history than
// EstimateOptions.MinYears asks for. It wraps ErrInvalidInput.
var ErrShortHistory = fmt.Errorf("%w: history too short", ErrInvalidInput)

// History is the span of data behind an estimate: the snapshots the paths
// cover and how many customers each one saw.
type History struct {
	// First and Last are the dates of the earliest snapshot any path covers
	// and of the last snapshot, as the start of the day in
	// EstimateOptions.Location; both zero when no path covers one.
	First, Last time.Time
	// Months are the whole calendar months from First's date to Last's
	// (read in EstimateOptions.Location; a day past the end of a month is
	// its last day), and Days the calendar days.
	Months int
	Days   int64
	// Periods has one count per snapshot from First to Last.
	Periods []PeriodCount
}

// PeriodCount is how many customers a snapshot saw.
type PeriodCount struct {
	// At is the snapshot's date, as the start of the day in
	// EstimateOptions.Location.
	At time.Time
	// Customers have a state at the snapshot: OnRung on a rung, Lost at
	// NoRung.
	Customers, OnRung, Lost int
}

// maxYears bounds EstimateOptions.MinYears.
const maxYears = 100

// maxRungs bounds Estimate's rungs: its four matrices hold (rungs+1)²
// numbers each.
const maxRungs = 1000

// Estimated is an estimated chain with the evidence behind it.
type Estimated struct {
	Chain Chain
	// Counts[i][j] is the number of observed moves from state i to j.
	Counts [][]float64
	// Low and High bound each probability (Wilson score interval on the raw
	// counts): 0 ≤ Low ≤ Counts[i][j]/Σ_j Counts[i][j] ≤ High ≤ 1, and [0, 1]
	// for a rung never observed.
	Low, High [][]float64
	// Reactivations counts moves out of lost, which the absorbing model
	// does not represent (a returning customer starts a new path).
	Reactivations int
	// History is the span of the snapshots the paths cover and the
	// customers per period, when EstimateOptions.Snapshots are given.
	History History
}

// Estimate counts moves between consecutive snapshots of each customer's
// rung (0..rungs−1, or NoRung) and turns them into transition probabilities.
// The lost state is absorbing by construction. A rung never observed keeps
// its customers (P[i][i] = 1) unless smoothing spreads its row. paths must
// not be nil, rungs is 1..1000, and opts must be valid (see
// EstimateOptions); a state outside the rungs is an error naming the path
// and period. With opts.Snapshots the result reports its History, and
// with opts.MinYears a shorter history is an error (ErrShortHistory) that
// states the span found.
func Estimate(paths iter.Seq[[]int], rungs int, opts EstimateOptions) (Estimated, error) {
	if paths == nil {
		return Estimated{}, fmt.Errorf("%w: nil path sequence", ErrInvalidInput)
	}
	if rungs < 1 || rungs > maxRungs {
		return Estimated{}, fmt.Errorf("%w: rungs %d outside 1..%d", ErrInvalidConfig, rungs, maxRungs)
	}
	if !(opts.Smoothing >= 0) || math.IsInf(opts.Smoothing, 0) {
		return Estimated{}, fmt.Errorf("%w: Smoothing %v, want a finite number ≥ 0", ErrInvalidConfig, opts.Smoothing)
	}
	z := opts.Z
	if z == 0 {
		z = 1.96
	}
	if !(z > 0 && z <= 100) {
		return Estimated{}, fmt.Errorf("%w: Z %v outside (0, 100]", ErrInvalidConfig, opts.Z)
	}
	if err := checkHistoryOptions(opts); err != nil {
		return Estimated{}, err
	}
	snaps := len(opts.Snapshots)
	var seen []PeriodCount // per snapshot
	if snaps > 0 {
		seen = make([]PeriodCount, snaps)
	}
	n := rungs + 1
	counts := make([][]float64, n)
	for i := range counts {
		counts[i] = make([]float64, n)
	}
	e := Estimated{Counts: counts}
	state := func(s int) (int, bool) {
		if s == NoRung {
			return n - 1, true
		}
		return s, s >= 0 && s < rungs
	}
	k := 0
	for p := range paths {
		if snaps > 0 {
			if len(p) > snaps {
				return Estimated{}, fmt.Errorf("%w: path %d has %d periods for %d snapshots", ErrInvalidInput, k, len(p), snaps)
			}
			for t, s := range p {
				c := &seen[snaps-len(p)+t]
				c.Customers++
				if s == NoRung {
					c.Lost++
				} else {
					c.OnRung++
				}
			}
		}
		for t := 1; t < len(p); t++ {
			a, okA := state(p[t-1])
			b, okB := state(p[t])
			if !okA || !okB {
				return Estimated{}, fmt.Errorf("%w: path %d, period %d: state %d or %d is neither a rung (0..%d) nor NoRung", ErrInvalidInput, k, t, p[t-1], p[t], rungs-1)
			}
			if a == n-1 {
				if b != n-1 {
					e.Reactivations++
				}
				continue
			}
			counts[a][b]++
		}
		k++
	}
	e.Chain.P = make([][]float64, n)
	e.Low = make([][]float64, n)
	e.High = make([][]float64, n)
	for i := range n {
		row := make([]float64, n)
		e.Low[i] = make([]float64, n)
		e.High[i] = make([]float64, n)
		total := 0.0
		for _, c := range counts[i] {
			total += c
		}
		switch den := total + opts.Smoothing*float64(n); {
		case i == n-1:
			row[i] = 1
		case den == 0:
			row[i] = 1
		case guard.Finite(den):
			for j := range n {
				row[j] = (counts[i][j] + opts.Smoothing) / den
			}
		default:
			// A smoothing so large that the sum overflows: scale first.
			w, top := make([]float64, n), 0.0
			for j := range n {
				w[j] = counts[i][j] + opts.Smoothing
				top = math.Max(top, w[j])
			}
			sum := 0.0
			for j := range n {
				w[j] /= top
				sum += w[j]
			}
			for j := range n {
				row[j] = w[j] / sum
			}
		}
		for j := range n {
			e.Low[i][j], e.High[i][j] = wilson(counts[i][j], total, z)
			if i == n-1 {
				e.Low[i][j], e.High[i][j] = row[j], row[j]
			}
		}
		e.Chain.P[i] = row
	}
	if snaps > 0 {
		e.History = history(opts, seen)
		if m := opts.MinYears; m > 0 && e.History.Months < 12*m {
			return Estimated{}, fmt.Errorf("%w: %s, less than the %s EstimateOptions.MinYears asks", ErrShortHistory, e.History, plural(m, "year"))
		}
	}
	return e, nil
}

// checkHistoryOptions checks the options of the history: increasing,
// non-zero snapshots and MinYears in range, with snapshots.
func checkHistoryOptions(opts EstimateOptions) error {
	if opts.MinYears < 0 || opts.MinYears > maxYears {
		return fmt.Errorf("%w: MinYears %d outside 0..%d", ErrInvalidConfig, opts.MinYears, maxYears)
	}
	if opts.MinYears > 0 && len(opts.Snapshots) == 0 {
		return fmt.Errorf("%w: MinYears %d needs the Snapshots the paths were read at", ErrInvalidConfig, opts.MinYears)
	}
	for i, s := range opts.Snapshots {
		if err := checkTime(fmt.Sprintf("snapshot %d", i), s); err != nil {
			return err
		}
		if i > 0 && !s.After(opts.Snapshots[i-1]) {
			return fmt.Errorf("%w: snapshot %d (%s) is not after snapshot %d (%s)", ErrInvalidInput,
				i, s.Format(time.DateOnly), i-1, opts.Snapshots[i-1].Format(time.DateOnly))
		}
	}
	return nil
}

// history builds the History from the counts per snapshot.
func history(opts EstimateOptions, seen []PeriodCount) History {
	first := slices.IndexFunc(seen, func(c PeriodCount) bool { return c.Customers > 0 })
	if first < 0 {
		return History{}
	}
	loc := opts.Location
	for i := range seen {
		seen[i].At = clv.CalendarDate(opts.Snapshots[i], loc)
	}
	h := History{First: seen[first].At, Last: seen[len(seen)-1].At, Periods: seen[first:]}
	a, b := clv.CalendarDay(h.First, loc), clv.CalendarDay(h.Last, loc)
	h.Days = b - a
	h.Months = monthsBetween(a, b)
	return h
}

// monthsBetween returns the whole calendar months from day a to day b ≥ a,
// by monthsAfter's rule.
func monthsBetween(a, b int64) int {
	ya, ma, _ := time.Unix(a*86400, 0).UTC().Date()
	yb, mb, _ := time.Unix(b*86400, 0).UTC().Date()
	m := (yb-ya)*12 + int(mb) - int(ma)
	for m > 0 && monthsAfter(a, m) > b {
		m--
	}
	return m
}

// String describes the span: "2 years 3 months (2023-03-31 to 2025-06-30,
// 822 days, 10 snapshots)", or "no customer observed".
func (h History) String() string {
	if len(h.Periods) == 0 {
		return "no customer observed"
	}
	y, m := h.Months/12, h.Months%12
	span := plural(y, "year") + " " + plural(m, "month")
	switch {
	case y == 0:
		span = plural(m, "month")
	case m == 0:
		span = plural(y, "year")
	}
	return fmt.Sprintf("%s (%s to %s, %d days, %d snapshots)", span, h.First.Format(time.DateOnly), h.Last.Format(time.DateOnly), h.Days, len(h.Periods))
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// wilson returns the Wilson score interval for k successes in n trials.
func wilson(k, n, z float64) (float64, float64) {
	if n == 0 {
		return 0, 1
	}
	p := k / n
	den := 1 + z*z/n
	mid := (p + z*z/(2*n)) / den
	half := z * math.Sqrt(p*(1-p)/n+z*z/(4*n*n)) / den
	return math.Max(0, mid-half), math.Min(1, mid+half)
}

// RungRates are the one-period movement rates of a rung.
type RungRates struct {
	Rung                 int
	Up, Stay, Down, Lost float64
	// Climbers reports that some customers were observed moving up.
	Climbers bool
}

// Rates summarises each rung's row of an estimate: Up + Stay + Down + Lost
// is 1 (within rounding) for every rung. The chain must be valid, and
// Counts, when present, (rungs+1)×(rungs+1); an Estimated built by hand
// without Counts reports no climbers.
func (e Estimated) Rates() ([]RungRates, error) {
	if err := e.Chain.Validate(); err != nil {
		return nil, err
	}
	n := len(e.Chain.P)
	if e.Counts != nil {
		if len(e.Counts) != n {
			return nil, fmt.Errorf("%w: Counts has %d rows for %d states", ErrInvalidInput, len(e.Counts), n)
		}
		for i, row := range e.Counts {
			if len(row) != n {
				return nil, fmt.Errorf("%w: Counts row %d has %d entries, want %d", ErrInvalidInput, i, len(row), n)
			}
		}
	}
	out := make([]RungRates, n-1)
	for i := range n - 1 {
		r := RungRates{Rung: i, Stay: e.Chain.P[i][i], Lost: e.Chain.P[i][n-1]}
		for j := range n - 1 {
			switch {
			case j > i:
				r.Up += e.Chain.P[i][j]
				r.Climbers = r.Climbers || (e.Counts != nil && e.Counts[i][j] > 0)
			case j < i:
				r.Down += e.Chain.P[i][j]
			}
		}
		out[i] = r
	}
	return out, nil
}

// TriggerEvent records that a trigger fired for a customer in a period.
type TriggerEvent struct {
	Customer string
	Period   int
	Trigger  string
}

// Move is a customer's move between two rungs from one period to the next.
type Move struct {
	Customer string
	Period   int // the period the customer arrived in
	From, To int // rungs, or NoRung
}

// Precursor counts how often a trigger fired in the period before a move.
type Precursor struct {
	From, To int
	Trigger  string
	Count    int
}

// Precursors tallies, for every observed change of rung, the triggers that
// fired for the customer in the period before it: the reasons for moves
// that the data holds. An event repeated (same customer, period and
// trigger) counts once; two moves of one customer into the same period are
// contradictory and an error naming the customer. The result is sorted by
// move and trigger.
func Precursors(moves []Move, events []TriggerEvent) ([]Precursor, error) {
	type key struct {
		customer string
		period   int
	}
	arrived := make(map[key]bool, len(moves))
	for i, m := range moves {
		k := key{m.Customer, m.Period}
		if arrived[k] {
			return nil, fmt.Errorf("%w: move %d: customer %s moves twice into period %d", ErrInvalidInput, i, clip.Quote(m.Customer), m.Period)
		}
		arrived[k] = true
	}
	type event struct {
		key
		trigger string
	}
	seen := map[event]bool{}
	fired := map[key][]string{}
	for _, e := range events {
		k := key{e.Customer, e.Period}
		if ev := (event{k, e.Trigger}); !seen[ev] {
			seen[ev] = true
			fired[k] = append(fired[k], e.Trigger)
		}
	}
	type pk struct {
		from, to int
		trigger  string
	}
	tally := map[pk]int{}
	for _, m := range moves {
		if m.From == m.To || m.Period == math.MinInt {
			continue
		}
		for _, t := range fired[key{m.Customer, m.Period - 1}] {
			tally[pk{m.From, m.To, t}]++
		}
	}
	out := make([]Precursor, 0, len(tally))
	for k, c := range tally {
		out = append(out, Precursor{From: k.from, To: k.to, Trigger: k.trigger, Count: c})
	}
	slices.SortFunc(out, func(a, b Precursor) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To), cmp.Compare(a.Trigger, b.Trigger))
	})
	return out, nil
}

// Moves lists the changes of state in paths keyed by customer, in customer
// then period order.
func Moves(paths map[string][]int) []Move {
	var out []Move
	for _, id := range slices.Sorted(maps.Keys(paths)) {
		p := paths[id]
		for t := 1; t < len(p); t++ {
			if p[t] != p[t-1] {
				out = append(out, Move{Customer: id, Period: t, From: p[t-1], To: p[t]})
			}
		}
	}
	return out
}
