package lifecycle

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
	"github.com/clvkit/clvkit/internal/guard"
)

func sortByID[T any](xs []T, id func(T) string) {
	slices.SortStableFunc(xs, func(a, b T) int { return strings.Compare(id(a), id(b)) })
}

// inUnit returns m measured in unit u when it is a clv transaction model in
// another unit; any other model is returned as it is. A transaction model in
// another unit that clv cannot convert (a caller's own type) is an error:
// reading days as weeks would be a silent wrong answer.
func inUnit(m AliveModel, u clv.Unit) (AliveModel, error) {
	tm, ok := m.(clv.TransactionModel)
	if !ok || tm.TimeUnit() == u {
		return m, nil
	}
	conv, err := clv.InUnit(tm, u)
	if err != nil {
		return nil, fmt.Errorf("%w: a %s model in %ss read with summaries in %ss: %w", ErrInvalidConfig, tm.Name(), tm.TimeUnit(), u, err)
	}
	return conv, nil
}

// checkModel reports a nil model, or one whose Validate method (when it has
// one) fails, naming the field.
func checkModel(field string, m AliveModel) error {
	if guard.IsNil(m) {
		return fmt.Errorf("%w: %s is nil", ErrInvalidConfig, field)
	}
	if v, ok := m.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrInvalidConfig, field, err)
		}
	}
	return nil
}

// checkSummary validates a summary, naming the customer (cut) and the
// field it came from rather than letting clv echo the whole ID.
func checkSummary(field string, s clv.Summary) error {
	anon := s
	anon.ID = ""
	if err := anon.Validate(); err != nil {
		return fmt.Errorf("%w: customer %s: %s: %w", ErrInvalidInput, clip.Quote(s.ID), field, err)
	}
	return nil
}

// checkTransaction is clv's Validate (whose messages cut IDs and amounts to 40
// characters) wrapped in ErrInvalidInput.
func checkTransaction(t clv.Transaction) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	return nil
}
