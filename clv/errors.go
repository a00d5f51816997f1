package clv

import (
	"errors"
	"fmt"
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
	// ErrNoData reports an empty data set where at least one row is needed.
	ErrNoData = errors.New("clv: no data")
)

// ParseError describes a value in a CSV input that could not be used. Row is
// the 1-based line number in the file (the header is row 1), Column the
// header name, Value the offending text. It unwraps to ErrInvalidCSV and to
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
	return fmt.Sprintf("row %d, column %q: value %q: %v", e.Row, e.Column, e.Value, e.Err)
}

// Unwrap returns ErrInvalidCSV and the cause, for errors.Is and errors.As.
func (e *ParseError) Unwrap() []error { return []error{ErrInvalidCSV, e.Err} }
