package lifecycle

import (
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// Month is a calendar month, counted from January of year 0: 12 × year +
// month − 1. Months compare and subtract as integers: m − n is the number of
// months from n to m.
type Month int64

// MonthOf returns the calendar month of t's calendar day in loc (nil means
// UTC), by the SDK's one day rule (clv.CalendarDay).
func MonthOf(t time.Time, loc *time.Location) Month { return monthOfDay(clv.CalendarDay(t, loc)) }

// monthOfDay is the month of a day number (days since 1970-01-01).
func monthOfDay(day int64) Month {
	y, m, _ := clv.DayStart(day, nil).Date()
	return Month(int64(y)*12 + int64(m) - 1)
}

// Year returns the month's year.
func (m Month) Year() int { return int(floorDiv(int64(m), 12)) }

// Month returns the month of the year.
func (m Month) Month() time.Month { return time.Month(int64(m)-floorDiv(int64(m), 12)*12) + 1 }

// String returns the month as "2006-01".
func (m Month) String() string {
	y := m.Year()
	s := strconv.Itoa(y)
	if y >= 0 && y < 1000 {
		s = fmt.Sprintf("%04d", y)
	}
	return fmt.Sprintf("%s-%02d", s, int(m.Month()))
}

// Start returns the first instant of the month in loc (nil means UTC).
func (m Month) Start(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, loc)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// MaxCohortMonths is the longest span, in months, from the earliest cohort
// to the end month that a cohort report covers: 100 years. A longer span
// (a purchase dated centuries ago) is an error rather than a report of
// millions of empty months.
const MaxCohortMonths = 1200

// CohortOptions configures a CohortBuilder. The zero value of every field
// but End means a documented default.
type CohortOptions struct {
	// End is the observation end (required): purchases on its calendar day
	// in Location count, later ones are ignored. Its month is the report's
	// last, and may be partial.
	End time.Time
	// Location is where calendar days and months are read; nil means UTC.
	Location *time.Location
	// Margin is the share of revenue that is value, in (0, 1]; zero means 1
	// (value in revenue). Value per customer and LTV:CAC use it.
	Margin float64
}

// CohortBuilder builds cohort reports by acquisition month — the
// six-methods article's "never stop measuring" — from transactions in any
// order. Its state is a small record per customer (the two earliest
// purchase days and the revenue of each month with a purchase); two
// builders with equal options merge exactly, so shards of a log can be
// counted separately and combined, as clv.Summarizer's summaries are.
//
// Create one with NewCohortBuilder: the zero value has no End, and its
// methods return an error. A CohortBuilder is not safe for concurrent use;
// give each goroutine its own and Merge them.
type CohortBuilder struct {
	opts      CohortOptions
	endDay    int64
	customers map[string]*cohortCustomer
	ignored   int
}

// cohortCustomer is one customer's mergeable state.
type cohortCustomer struct {
	first, second int64   // the two earliest distinct purchase days; second is noDay when none
	months        []Month // months with a purchase, ascending
	revenue       []decimal.Decimal
}

const noDay = math.MaxInt64

// NewCohortBuilder validates opts and returns an empty builder.
func NewCohortBuilder(opts CohortOptions) (*CohortBuilder, error) {
	switch {
	case opts.End.IsZero():
		return nil, fmt.Errorf("%w: cohorts: the observation End is required", ErrInvalidConfig)
	case !(opts.Margin >= 0 && opts.Margin <= 1):
		return nil, fmt.Errorf("%w: cohorts: Margin %v, want a share in (0, 1] (or 0 for 1)", ErrInvalidConfig, opts.Margin)
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Margin == 0 {
		opts.Margin = 1
	}
	return &CohortBuilder{opts: opts, endDay: clv.CalendarDay(opts.End, opts.Location), customers: map[string]*cohortCustomer{}}, nil
}

// Options returns the options in force, with defaults filled in.
func (b *CohortBuilder) Options() CohortOptions {
	if b == nil {
		return CohortOptions{}
	}
	return b.opts
}

func (b *CohortBuilder) ready() error {
	if b == nil || b.customers == nil {
		return fmt.Errorf("%w: cohorts: a nil or zero CohortBuilder (use NewCohortBuilder)", ErrInvalidConfig)
	}
	return nil
}

// Len returns the number of customers with a purchase by End.
func (b *CohortBuilder) Len() int {
	if b == nil {
		return 0
	}
	return len(b.customers)
}

// Ignored returns how many valid transactions came after End.
func (b *CohortBuilder) Ignored() int {
	if b == nil {
		return 0
	}
	return b.ignored
}

// Add records one transaction. An invalid transaction (clv's
// Transaction.Validate) is an error and changes nothing; one after End is
// counted by Ignored.
func (b *CohortBuilder) Add(t clv.Transaction) error {
	if err := b.ready(); err != nil {
		return err
	}
	if err := checkTransaction(t); err != nil {
		return err
	}
	day := clv.CalendarDay(t.Time, b.opts.Location)
	if day > b.endDay {
		b.ignored++
		return nil
	}
	c := b.customers[t.Customer]
	if c == nil {
		c = &cohortCustomer{first: day, second: noDay}
		b.customers[t.Customer] = c
	} else {
		c.addDay(day)
	}
	c.addRevenue(monthOfDay(day), t.Amount)
	return nil
}

// AddPurchase records a purchase's transaction; product, category and
// channel do not change a cohort.
func (b *CohortBuilder) AddPurchase(p clv.Purchase) error { return b.Add(p.Transaction) }

// AddAll records every transaction of seq, stopping at the first invalid
// one; the error says which (counting from 0) it was.
func (b *CohortBuilder) AddAll(seq iter.Seq[clv.Transaction]) error {
	if err := b.ready(); err != nil {
		return err
	}
	if seq == nil {
		return fmt.Errorf("%w: cohorts: nil transaction sequence", ErrInvalidInput)
	}
	i := 0
	for t := range seq {
		if err := b.Add(t); err != nil {
			return fmt.Errorf("transaction %d: %w", i, err)
		}
		i++
	}
	return nil
}

// addDay keeps the two earliest distinct days.
func (c *cohortCustomer) addDay(d int64) {
	switch {
	case d < c.first:
		c.first, c.second = d, c.first
	case d > c.first && d < c.second:
		c.second = d
	}
}

func (c *cohortCustomer) addRevenue(m Month, amount decimal.Decimal) {
	k, found := slices.BinarySearch(c.months, m)
	if found {
		c.revenue[k] = c.revenue[k].Add(amount)
		return
	}
	c.months = slices.Insert(c.months, k, m)
	c.revenue = slices.Insert(c.revenue, k, amount)
}

// Merge adds other's state into b, as if b had also seen every transaction
// other saw; the result is the one a single builder would give, whatever
// the sharding. The options must be equal. other is not modified.
func (b *CohortBuilder) Merge(other *CohortBuilder) error {
	if err := b.ready(); err != nil {
		return err
	}
	if err := other.ready(); err != nil {
		return fmt.Errorf("merge: other: %w", err)
	}
	o := other.opts
	if !b.opts.End.Equal(o.End) || b.opts.Location.String() != o.Location.String() || b.opts.Margin != o.Margin {
		return fmt.Errorf("%w: cohorts: cannot merge builders with different options", ErrInvalidConfig)
	}
	b.ignored += other.ignored
	for id, oc := range other.customers {
		c := b.customers[id]
		if c == nil {
			b.customers[id] = &cohortCustomer{first: oc.first, second: oc.second, months: slices.Clone(oc.months), revenue: slices.Clone(oc.revenue)}
			continue
		}
		c.addDay(oc.first)
		if oc.second != noDay {
			c.addDay(oc.second)
		}
		for k, m := range oc.months {
			c.addRevenue(m, oc.revenue[k])
		}
	}
	return nil
}

// CohortPeriod is a cohort's figures in one month since acquisition.
type CohortPeriod struct {
	// Age is the number of months since the acquisition month (0 is the
	// acquisition month itself).
	Age int
	// Active is the number of the cohort's customers who bought in the
	// month.
	Active int
	// Retention is Active ÷ the cohort's customers, in [0, 1] (1 at age 0);
	// 0 for a cohort without customers.
	Retention float64
	// RepeatRate is the share of the cohort who have bought on a second
	// calendar day by the end of the month (or by End), in [0, 1].
	RepeatRate float64
	// Revenue is the cohort's revenue in the month and CumulativeRevenue
	// its revenue from acquisition to the end of the month: exact sums,
	// money.
	Revenue, CumulativeRevenue decimal.Decimal
	// ValuePerCustomer is CumulativeRevenue × Margin ÷ the cohort's
	// customers: a quotient, kept to clv.MonetaryScale places, rounded half
	// away from zero like every mean of money in the SDK; zero for a cohort
	// without customers.
	ValuePerCustomer decimal.Decimal
	// LTVToCAC is CumulativeRevenue × Margin ÷ the cohort's acquisition
	// spend — value per customer over acquisition cost per customer — when
	// the spend is given, 0 otherwise.
	LTVToCAC float64
}

// Cohort is the customers acquired (who first bought) in one month.
type Cohort struct {
	Month Month
	// Customers is the cohort's size.
	Customers int
	// AcquisitionSpend is what acquiring the cohort cost, as given to
	// Report; HasSpend reports whether it was.
	AcquisitionSpend decimal.Decimal
	HasSpend         bool
	// Periods are the months from acquisition to End, Periods[k].Age = k.
	Periods []CohortPeriod
}

// CohortReport is a report by acquisition month.
type CohortReport struct {
	// End is the report's last month (End's month: possibly partial).
	End Month
	// Cohorts are by month, ascending: every month in which a customer
	// first bought, and every month given an acquisition spend.
	Cohorts []Cohort
}

// RetentionPoint is the retention of all cohorts pooled at one age.
type RetentionPoint struct {
	// Age is the number of months since acquisition.
	Age int
	// Cohorts and Customers count the cohorts observed at this age and
	// their customers; Active the customers who bought at this age.
	Cohorts, Customers, Active int
	// Retention is Active ÷ Customers, in [0, 1]; 0 with no customers.
	Retention float64
}

// RetentionCurve pools the cohorts: for each age, the share of the
// customers of every cohort observed that long who bought in that month
// since their acquisition. It is the retention curve a chart draws; the
// latest ages rest on the oldest cohorts only (Cohorts says how many).
func (r CohortReport) RetentionCurve() []RetentionPoint {
	var out []RetentionPoint
	for _, c := range r.Cohorts {
		for k, p := range c.Periods {
			if k == len(out) {
				out = append(out, RetentionPoint{Age: k})
			}
			if c.Customers > 0 {
				out[k].Cohorts++
				out[k].Customers += c.Customers
				out[k].Active += p.Active
			}
		}
	}
	for k := range out {
		if out[k].Customers > 0 {
			out[k].Retention = float64(out[k].Active) / float64(out[k].Customers)
		}
	}
	return out
}

// cohortAgg accumulates one cohort.
type cohortAgg struct {
	customers int
	active    []int
	repeat    []int // customers whose second purchase day falls at each age
	revenue   []decimal.Decimal
}

// Report returns the cohorts by acquisition month with their figures at
// every age up to the End month. spend, which may be nil, gives
// acquisition spend by cohort month (money > 0, months not after End's)
// for LTV:CAC; a month with spend and no customer is a cohort of 0. The
// report is the same, bit for bit, whatever the order of the transactions
// and however they were sharded and merged. A span of more than
// MaxCohortMonths from the earliest cohort to End is an error.
func (b *CohortBuilder) Report(spend map[Month]decimal.Decimal) (CohortReport, error) {
	if err := b.ready(); err != nil {
		return CohortReport{}, err
	}
	end := monthOfDay(b.endDay)
	earliest := end
	for m, s := range spend {
		switch {
		case s.Sign() <= 0:
			return CohortReport{}, fmt.Errorf("%w: cohorts: acquisition spend for %s is %s, want > 0 (leave out a month whose spend is unknown)", ErrInvalidInput, m, clip.Decimal(s))
		case m > end:
			return CohortReport{}, fmt.Errorf("%w: cohorts: acquisition spend for %s, after the end month %s", ErrInvalidInput, m, end)
		}
		earliest = min(earliest, m)
	}
	for _, c := range b.customers {
		earliest = min(earliest, monthOfDay(c.first))
	}
	if int64(end)-int64(earliest) >= MaxCohortMonths {
		return CohortReport{}, fmt.Errorf("%w: cohorts: %d months from %s to %s, more than %d", ErrInvalidInput, int64(end)-int64(earliest)+1, earliest, end, MaxCohortMonths)
	}
	aggs := map[Month]*cohortAgg{}
	get := func(m Month) *cohortAgg {
		a := aggs[m]
		if a == nil {
			n := int(end-m) + 1
			a = &cohortAgg{active: make([]int, n), repeat: make([]int, n), revenue: make([]decimal.Decimal, n)}
			aggs[m] = a
		}
		return a
	}
	for _, c := range b.customers {
		m0 := monthOfDay(c.first)
		a := get(m0)
		a.customers++
		for k, m := range c.months {
			age := int(m - m0)
			a.active[age]++
			a.revenue[age] = a.revenue[age].Add(c.revenue[k])
		}
		if c.second != noDay {
			a.repeat[int(monthOfDay(c.second)-m0)]++
		}
	}
	for m := range spend {
		get(m)
	}
	margin := decimal.NewFromFloat(b.opts.Margin)
	months := make([]Month, 0, len(aggs))
	for m := range aggs {
		months = append(months, m)
	}
	slices.Sort(months)
	r := CohortReport{End: end, Cohorts: make([]Cohort, len(months))}
	for i, m := range months {
		a := aggs[m]
		c := Cohort{Month: m, Customers: a.customers, AcquisitionSpend: decimal.Zero, Periods: make([]CohortPeriod, len(a.active))}
		if s, ok := spend[m]; ok {
			c.AcquisitionSpend, c.HasSpend = s, true
		}
		n := float64(a.customers)
		cum, repeat := decimal.Zero, 0
		for k := range a.active {
			repeat += a.repeat[k]
			cum = cum.Add(a.revenue[k])
			p := CohortPeriod{Age: k, Active: a.active[k], Revenue: a.revenue[k], CumulativeRevenue: cum, ValuePerCustomer: decimal.Zero}
			if a.customers > 0 {
				p.Retention = float64(a.active[k]) / n
				p.RepeatRate = float64(repeat) / n
				p.ValuePerCustomer = cum.Mul(margin).DivRound(decimal.NewFromInt(int64(a.customers)), clv.MonetaryScale)
			}
			if c.HasSpend {
				p.LTVToCAC = cum.Mul(margin).DivRound(c.AcquisitionSpend, 18).InexactFloat64()
			}
			c.Periods[k] = p
		}
		r.Cohorts[i] = c
	}
	return r, nil
}
