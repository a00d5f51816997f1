package pesca

import (
	"fmt"

	"github.com/clvkit/clvkit/clv"
)

// checkPurchase is clv's Validate (whose messages cut IDs and amounts to 40
// characters) wrapped in ErrInvalidInput.
func checkPurchase(p clv.Purchase) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	return nil
}
