package ladder

import (
	"fmt"
	"time"

	"github.com/clvkit/clvkit/clv"
)

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// checkPurchase is clv's Validate (whose messages cut IDs and amounts to 40
// characters) wrapped in ErrInvalidInput.
func checkPurchase(p clv.Purchase) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	return nil
}
