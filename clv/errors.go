package clv

import (
	"errors"
	"fmt"

	"github.com/clvkit/clvkit/internal/clip"
)

// Sentinel errors. Every error the package returns for bad input wraps one of
// these, so callers can classify failures with errors.Is while the message
// still says what was wrong and where.
var (
	// ErrInvalidTransaction reports a transaction that cannot be summarised:
	// an empty customer ID, a zero time or a negative amount.
	ErrInvalidTransaction = errors.New("clv: invalid transaction")
	// ErrInvalidSummary reports a summary whose fields are inconsistent,
	// such as a recency larger than the customer's age.
	ErrInvalidSummary = errors.New("clv: invalid summary")
	// ErrInvalidOptions reports options that are missing or contradictory.
	ErrInvalidOptions = errors.New("clv: invalid options")
	// ErrInvalidCSV reports a CSV input that cannot be read: a missing
	// column, a value that does not parse, a malformed record.
	ErrInvalidCSV = errors.New("clv: invalid CSV")
	// ErrInvalidParams reports model parameters outside their domain.
	ErrInvalidParams = errors.New("clv: invalid parameters")
	// ErrInvalidAccumulator reports an Accumulator that cannot be used: a
	// binary encoding that is malformed, truncated or of an unknown version,
	// or a state that no sequence of transactions produces (a spend total
	// inconsistent with the purchase periods, a purchase after the
	// observation end).
	ErrInvalidAccumulator = errors.New("clv: invalid accumulator")
	// ErrNoData reports an empty data set where at least one row is needed.
	ErrNoData = errors.New("clv: no data")
	// ErrInaccurate reports a quantity that cannot be computed to the
	// accuracy the package documents for it (see the README's accuracy
	// table): the message names the model, its parameters and the customer.
	// Pure model methods return NaN in that case; Predict, LifetimeValue and
	// every function that returns an error report it with this sentinel.
	ErrInaccurate = errors.New("clv: value cannot be computed to the documented accuracy")
	// ErrBoundary reports a fit whose estimate runs to the edge of the
	// parameter space, or whose data cannot identify the model (all
	// customers of age 0, nobody buying twice, a flat likelihood): its
	// parameters are not estimates to act on. It comes with ErrNotConverged
	// in a *ConvergenceError whose Reason says what about the data causes it.
	ErrBoundary = errors.New("clv: fit at the boundary of the parameter space")
)

// ParseError describes a value in a CSV input that could not be used. Row is
// the 1-based line number in the file (the header is row 1), Column the
// header name, Value the offending text (whole; Error cuts it to 40
// characters). It unwraps to ErrInvalidCSV and to
// the underlying cause.
type ParseError struct {
	Row    int
	Column string
	Value  string
	Err    error
}

// Error implements error.
func (e *ParseError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %v", e.Row, e.Err)
	}
	return fmt.Sprintf("row %d, column %q: value %q: %v", e.Row, e.Column, clip.Value(e.Value), e.Err)
}

// Unwrap returns ErrInvalidCSV and the cause, for errors.Is and errors.As.
func (e *ParseError) Unwrap() []error { return []error{ErrInvalidCSV, e.Err} }

// inaccurate returns the ErrInaccurate error for a quantity of model m that
// could not be computed for one customer: it names the model, every
// parameter, the customer (ID cut to 40 characters) and the quantity.
func inaccurate(m Model, s Summary, what string) error {
	return fmt.Errorf("%w: %s %s, customer %q (x %d, t_x %v, T %v): %s",
		ErrInaccurate, m.Name(), paramText(m), clip.Value(s.ID), s.Frequency, s.Recency, s.T, what)
}

// paramText writes a model's parameters in their documented order, e.g.
// "{r 0.2426, alpha 4.4135, a 0.7929, b 2.4258}".
func paramText(m Model) string {
	d, err := Describe(m.Name())
	if err != nil {
		return fmt.Sprint(m.Params())
	}
	p := m.Params()
	v := make([]float64, len(d.Params))
	for i, n := range d.Params {
		v[i] = p[n]
	}
	return d.text(v)
}
