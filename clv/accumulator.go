package clv

import (
	"fmt"
	"slices"
	"time"

	"github.com/clvkit/clvkit/internal/clip"
)

// Accumulator is one customer's mergeable summary state: the sorted distinct
// purchase periods and exact spend totals (in the first period, up to the
// calibration end, after it). It is the state a Summarizer keeps per
// customer, exported so that an engine that groups by key — Apache Beam, a
// Spark aggregate, a database column, a message queue — can carry it between
// machines: create the zero value, add transactions with SummaryRules.Add,
// combine with Merge in any grouping and order, ship it with MarshalBinary
// and UnmarshalBinary, and read the customer's Summary or SplitSummary with
// the same SummaryRules. Whatever the split and the merge order, the result
// is exactly what one Summarizer gives on the whole log.
//
// Its size grows with the customer's distinct purchase periods (4 bytes
// each in memory, usually 1 or 2 encoded), never with transactions.
//
// The zero value is an empty accumulator: no purchase yet. An Accumulator
// does not hold the customer's ID: the caller keys it, as a Summarizer or a
// keyed combine does. Copying an Accumulator copies a reference to its
// periods, as copying a slice does: after b := a, adding to or merging into
// one may change the other. Use Clone for an independent copy.
//
// # Options
//
// An accumulator's state depends on the SummaryOptions it was built under:
// the observation end (later purchases are left out), the calibration end
// (which totals a purchase goes to), the period and the location (which
// period a purchase falls in). Only accumulators built under the same such
// options merge. Each accumulator records a 32-bit fingerprint of them, set
// by SummaryRules.Add and carried by the binary encoding; Merge,
// SummaryRules.Add, Summary and SplitSummary, and Summarizer.AddAccumulator
// refuse accumulators whose fingerprints differ with ErrInvalidOptions (as a
// Summarizer's Merge refuses different options), so that a worker started
// with other options fails instead of merging wrong totals. The caller's part
// is to build every SummaryRules of one computation from one SummaryOptions
// value (in a pipeline: parse the flags once and pass the same values to
// every worker). The unit, which only scales the finished summary, is not
// part of the fingerprint: accumulators built in days can be summarised in
// weeks.
type Accumulator struct {
	periods []int32  // sorted distinct purchase periods, each as the day number of its first day
	last    int32    // the last period, so that a purchase in a later one need not read periods
	fp      uint32   // fingerprint of the rules it was built under (rules.fp); 0 until then
	first   exactSum // spend in the first period
	cal     exactSum // spend up to the calibration end (everything when there is none)
	holdout exactSum // spend after the calibration end
}

// Clone returns a copy of a that shares no memory with it.
func (a Accumulator) Clone() Accumulator {
	a.periods = slices.Clone(a.periods)
	return a
}

// Merge adds b's purchases to a, as if a had seen every transaction b saw;
// merging is commutative and associative, so accumulators of shards of a log
// merge to the whole log's in any grouping and order. b is not modified and
// a shares no memory with it afterwards. Merging an empty accumulator, or
// into one, always succeeds; two non-empty accumulators built under
// different options (see Accumulator) are refused with ErrInvalidOptions,
// leaving a unchanged.
func (a *Accumulator) Merge(b Accumulator) error {
	switch {
	case len(b.periods) == 0:
		return nil
	case len(a.periods) == 0:
		*a = b.Clone()
		return nil
	case a.fp != b.fp:
		return fmt.Errorf("%w: cannot merge accumulators built under different summary options "+
			"(observation end, calibration end, period or location differ: fingerprints %08x and %08x)", ErrInvalidOptions, a.fp, b.fp)
	}
	a.merge(&b)
	return nil
}

// merge adds o's state to a; both hold at least one period.
func (a *Accumulator) merge(o *Accumulator) {
	switch {
	case o.periods[0] < a.periods[0]:
		a.first = o.first
	case o.periods[0] == a.periods[0]:
		a.first.merge(o.first)
	}
	a.cal.merge(o.cal)
	a.holdout.merge(o.holdout)
	a.periods = mergeSorted(a.periods, o.periods)
	a.last = a.periods[len(a.periods)-1]
}

// addPeriod inserts p into the sorted set of periods. Input sorted by time
// appends in O(1); out-of-order input inserts by binary search.
func (a *Accumulator) addPeriod(p int32) {
	n := len(a.periods)
	switch {
	case n == 0:
		// Room for a few periods in one allocation: most customers buy
		// only a handful of times.
		a.periods = append(make([]int32, 0, 4), p)
	case p > a.periods[n-1]:
		a.periods = append(a.periods, p)
	default:
		if i, found := slices.BinarySearch(a.periods, p); !found {
			a.periods = slices.Insert(a.periods, i, p)
		}
	}
	a.last = a.periods[len(a.periods)-1]
}

// SummaryRules are validated SummaryOptions: the rules by which Accumulators
// are built and summarised. Create them with NewSummaryRules, or take a
// Summarizer's with Summarizer.Rules. A SummaryRules is an immutable value,
// safe for concurrent use; the zero value has no observation end, and its
// methods return an error.
type SummaryRules struct{ rules }

// NewSummaryRules validates opts as NewSummarizer does and returns the rules
// they define.
func NewSummaryRules(opts SummaryOptions) (SummaryRules, error) {
	r, err := newRules(opts)
	return SummaryRules{r}, err
}

// Options returns the options in force, with defaults filled in.
func (r SummaryRules) Options() SummaryOptions { return r.opts }

// Add records transaction t in a, the accumulator of t's customer (which
// the caller keys; t.Customer is only checked to be non-empty). It reports
// whether t was recorded: a valid transaction after the observation end is
// not, and changes nothing (a Summarizer counts it in Ignored). An invalid
// transaction (see Transaction.Validate) is an error wrapping
// ErrInvalidTransaction, and a non-empty a built under other options one
// wrapping ErrInvalidOptions; either leaves a unchanged.
func (r SummaryRules) Add(a *Accumulator, t Transaction) (added bool, err error) {
	if err := r.ready(); err != nil {
		return false, err
	}
	if a == nil {
		return false, fmt.Errorf("%w: Add: nil accumulator", ErrInvalidAccumulator)
	}
	if len(a.periods) > 0 && a.fp != r.fp {
		return false, fmt.Errorf("%w: customer %s: accumulator built under other summary options (observation end, calibration end, period or location differ)",
			ErrInvalidOptions, clip.Quote(t.Customer))
	}
	day, late, err := r.day(t)
	if err != nil || late {
		return false, err
	}
	var amount exactSum
	amount.add(t.Amount)
	a.fp = r.fp
	r.addDay(a, day, amount)
	return true, nil
}

// Summary returns the summary of customer id, whose accumulator is a, over
// the whole observation period: what Summarizer.Summaries gives for them.
// It fails with ErrNoData when a is empty, ErrInvalidOptions when a was
// built under other options, and ErrInvalidAccumulator when a holds a state
// no sequence of transactions produces (which only a forged encoding can
// give).
func (r SummaryRules) Summary(id string, a Accumulator) (Summary, error) {
	if err := r.ready(); err != nil {
		return Summary{}, err
	}
	if err := r.check(id, &a); err != nil {
		return Summary{}, err
	}
	return r.fullSummary(id, &a), nil
}

// SplitSummary returns the calibration summary of customer id, whose
// accumulator is a, with their holdout outcomes: what Summarizer.Split gives
// for them. ok is false, with no error, for a customer whose first purchase
// is after the calibration end (Split leaves them out). It fails when no
// calibration end was set, and as Summary does otherwise.
func (r SummaryRules) SplitSummary(id string, a Accumulator) (s SplitSummary, ok bool, err error) {
	if err := r.ready(); err != nil {
		return SplitSummary{}, false, err
	}
	if !r.hasCal {
		return SplitSummary{}, false, errNoCalibration
	}
	if err := r.check(id, &a); err != nil {
		return SplitSummary{}, false, err
	}
	s, ok = r.split(id, &a)
	return s, ok, nil
}

var errNoCalibration = fmt.Errorf("%w: Split needs a calibration end", ErrInvalidOptions)

// rules are validated SummaryOptions with the day numbers derived from them:
// what a Summarizer and SummaryRules share.
type rules struct {
	opts     SummaryOptions
	endDay   int64 // period start of the observation end
	endCivil int64 // last calendar day that counts
	calDay   int64 // period start of the calibration end
	calCivil int64
	hasCal   bool
	fp       uint32 // fingerprint of what an accumulator's state depends on; odd, so never 0
}

// newRules validates opts, filling in defaults.
func newRules(opts SummaryOptions) (rules, error) {
	if opts.End.IsZero() {
		return rules{}, fmt.Errorf("%w: the observation end is required", ErrInvalidOptions)
	}
	if !opts.Period.IsValid() {
		return rules{}, fmt.Errorf("%w: unknown period %v", ErrInvalidOptions, opts.Period)
	}
	if !opts.Unit.IsValid() {
		return rules{}, fmt.Errorf("%w: unknown unit %v", ErrInvalidOptions, opts.Unit)
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	r := rules{opts: opts}
	r.endCivil = civilDay(opts.End, opts.Location)
	r.endDay = opts.Period.periodStart(r.endCivil)
	if !opts.CalibrationEnd.IsZero() {
		r.hasCal = true
		r.calCivil = civilDay(opts.CalibrationEnd, opts.Location)
		r.calDay = opts.Period.periodStart(r.calCivil)
		if r.calCivil > r.endCivil {
			return rules{}, fmt.Errorf("%w: calibration end %s is after the observation end %s", ErrInvalidOptions,
				opts.CalibrationEnd.Format(time.DateOnly), opts.End.Format(time.DateOnly))
		}
	}
	if r.endCivil > 1<<31-1 || r.endCivil < -(1<<31) {
		return rules{}, fmt.Errorf("%w: observation end %v is out of range", ErrInvalidOptions, opts.End)
	}
	// Everything an accumulator's state depends on, and nothing else: the
	// unit only scales a finished summary.
	r.fp = fnv(fmt.Sprintf("clv.Accumulator/1|end %d|cal %t %d|period %d|location %s",
		r.endCivil, r.hasCal, r.calDay, opts.Period, opts.Location)) | 1
	return r, nil
}

// ready reports rules not made by newRules, which have no observation end.
func (r *rules) ready() error {
	if r.fp == 0 {
		return fmt.Errorf("%w: SummaryRules not created by NewSummaryRules (the zero value has no observation end)", ErrInvalidOptions)
	}
	return nil
}

// day validates t and returns its calendar day, and whether that is after
// the observation end.
func (r *rules) day(t Transaction) (day int64, late bool, err error) {
	if err := t.Validate(); err != nil {
		return 0, false, err
	}
	day = civilDay(t.Time, r.opts.Location)
	if day < minDay {
		return 0, false, outOfRange(t)
	}
	return day, day > r.endCivil, nil
}

// addDay records a purchase of amount by a's customer on calendar day day,
// from minDay to the observation end.
func (r *rules) addDay(a *Accumulator, day int64, amount exactSum) {
	p := int32(r.opts.Period.periodStart(day))
	if len(a.periods) > 0 && p > a.last {
		// The common case in a log in time order: a new last period,
		// which cannot be the first.
		a.periods = append(a.periods, p)
		a.last = p
	} else {
		switch {
		case len(a.periods) == 0 || p < a.periods[0]:
			a.first = amount
		case p == a.periods[0]:
			a.first.merge(amount)
		}
		a.addPeriod(p)
	}
	if r.hasCal && int64(p) > r.calDay {
		a.holdout.merge(amount)
	} else {
		a.cal.merge(amount)
	}
}

func (r *rules) units(days int64) float64 { return float64(days) / r.opts.Unit.Days() }

// fullSummary returns the summary of a non-empty accumulator over the whole
// observation period.
func (r *rules) fullSummary(id string, a *Accumulator) Summary {
	s, repeatSpend := r.fullCounts(id, a)
	s.MonetaryValue = repeatSpend.mean(s.Frequency)
	return s
}

// fullCounts is fullSummary without the monetary value, with the repeat
// spend whose mean it is.
func (r *rules) fullCounts(id string, a *Accumulator) (Summary, exactSum) {
	repeat := a.cal
	repeat.merge(a.holdout)
	return r.counts(id, a.periods, r.endDay), repeat.minus(a.first)
}

func (r *rules) summary(id string, periods []int32, repeatSpend exactSum, end int64) Summary {
	s := r.counts(id, periods, end)
	s.MonetaryValue = repeatSpend.mean(s.Frequency)
	return s
}

// counts is a summary without its monetary value.
func (r *rules) counts(id string, periods []int32, end int64) Summary {
	first, last := int64(periods[0]), int64(periods[len(periods)-1])
	return Summary{
		ID:        id,
		Frequency: len(periods) - 1,
		Recency:   r.units(last - first),
		T:         r.units(end - first),
		Unit:      r.opts.Unit,
	}
}

// calibrationPeriods returns how many of a's periods belong to calibration:
// those starting on or before the start of the period holding the
// calibration end (see SummaryOptions).
func (r *rules) calibrationPeriods(a *Accumulator) int {
	k, _ := slices.BinarySearch(a.periods, int32(r.calDay)+1)
	return k
}

// split returns the split summary of a non-empty accumulator, and false for
// a customer whose first purchase is after the calibration end.
func (r *rules) split(id string, a *Accumulator) (SplitSummary, bool) {
	k := r.calibrationPeriods(a)
	if k == 0 {
		return SplitSummary{}, false
	}
	nHold := len(a.periods) - k
	return SplitSummary{
		Calibration:          r.summary(id, a.periods[:k], a.cal.minus(a.first), r.calDay),
		FrequencyHoldout:     nHold,
		MonetaryValueHoldout: a.holdout.mean(nHold),
		DurationHoldout:      r.units(r.endDay - r.calDay),
	}, true
}

// check reports an accumulator that r cannot summarise: empty, built under
// other options, or in a state no sequence of transactions gives (only a
// forged encoding can hold one: UnmarshalBinary checks the form, this the
// content against r). Every summary of an accumulator that passes is valid.
func (r *rules) check(id string, a *Accumulator) error {
	if len(a.periods) == 0 {
		return fmt.Errorf("%w: customer %s: the accumulator holds no purchase", ErrNoData, clip.Quote(id))
	}
	if a.fp != r.fp {
		return fmt.Errorf("%w: customer %s: accumulator built under other summary options "+
			"(observation end, calibration end, period or location differ: fingerprint %08x, want %08x)", ErrInvalidOptions, clip.Quote(id), a.fp, r.fp)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: customer %s: %s", ErrInvalidAccumulator, clip.Quote(id), fmt.Sprintf(format, args...))
	}
	n := len(a.periods)
	if a.last != a.periods[n-1] {
		return bad("last period %d is not the latest of its periods", a.last)
	}
	if int64(a.last) > r.endDay {
		return bad("a purchase period starting on day %d, after the observation end's (day %d)", a.last, r.endDay)
	}
	if a.first.sign() < 0 || a.cal.sign() < 0 || a.holdout.sign() < 0 {
		return bad("a negative spend total")
	}
	total := a.cal
	total.merge(a.holdout)
	if c := total.minus(a.first).sign(); c < 0 || (n == 1 && c != 0) {
		return bad("the spend in the first period, %s, does not fit the total %s over %d periods", clip.Decimal(a.first.value()), clip.Decimal(total.value()), n)
	}
	if !r.hasCal {
		if a.holdout.sign() != 0 {
			return bad("holdout spend %s without a calibration end", clip.Decimal(a.holdout.value()))
		}
		return nil
	}
	k := r.calibrationPeriods(a)
	switch {
	case k == 0 && a.cal.sign() != 0:
		return bad("calibration spend %s without a calibration period", clip.Decimal(a.cal.value()))
	case k > 0 && a.cal.minus(a.first).sign() < 0:
		return bad("calibration spend %s below the first period's %s", clip.Decimal(a.cal.value()), clip.Decimal(a.first.value()))
	case k == 1 && a.cal.minus(a.first).sign() != 0:
		return bad("calibration spend %s beyond the first period's %s with one calibration period", clip.Decimal(a.cal.value()), clip.Decimal(a.first.value()))
	case k == n && a.holdout.sign() != 0:
		return bad("holdout spend %s without a holdout period", clip.Decimal(a.holdout.value()))
	}
	return nil
}
