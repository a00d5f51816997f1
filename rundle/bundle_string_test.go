package rundle

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestPricingString(t *testing.T) {
	p := func(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }
	for _, c := range []struct {
		in   Pricing
		want string
	}{
		{Pricing{}, "nothing offered"},
		{Pricing{Separate: []*decimal.Decimal{p("50"), nil}}, "component 1 at 50"},
		{Pricing{Separate: []*decimal.Decimal{nil, nil}, Bundle: p("100")}, "bundle at 100"},
		{Pricing{Separate: []*decimal.Decimal{p("89.95"), p("89.95")}, Bundle: p("100")}, "component 1 at 89.95, component 2 at 89.95, bundle at 100"},
	} {
		if got := c.in.String(); got != c.want {
			t.Errorf("%#v: got %q, want %q", c.in, got, c.want)
		}
	}
}
