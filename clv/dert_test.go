package clv

import (
	"errors"
	"math"
	"testing"

	"github.com/shopspring/decimal"
)

func TestHyperUss(t *testing.T) {
	// mpmath hyperu(s, s, z) at 30 digits.
	for _, c := range []struct{ s, z, want float64 }{
		{0.6062, 0.05, 1.5604454536769904682},
		{0.6062, 2.0, 0.53509939038310935838},
		{1.0, 0.1, 2.0146425447084516348},
		{2.5, 0.3, 3.0219820691228509553},
		{0.1, 0.01, 1.0616656705329385415},
		{3.0, 50.0, 7.5549650574351826538e-6},
	} {
		near(t, "U(s,s,z)", math.Exp(logHyperUss(c.s, c.z)), c.want, 1e-12)
	}
}

func TestDERT(t *testing.T) {
	m := ParetoNBD{R: 0.5533, Alpha: 10.5776, S: 0.6062, Beta: 11.6679}
	s := Summary{Frequency: 2, Recency: 30.43, T: 38.86}
	delta := math.Log(1.15) / 52 // 15% a year, weekly
	d, err := m.DERT(s, delta)
	if err != nil {
		t.Fatal(err)
	}
	// Cross-check: discounting the expected purchase curve over a long
	// horizon in small steps approaches DERT.
	const step, steps = 0.25, 52 * 400 * 4
	approx := 0.0
	prev := 0.0
	for i := 1; i <= steps; i++ {
		cur := m.ExpectedPurchases(s, float64(i)*step)
		approx += (cur - prev) * math.Exp(-delta*(float64(i)-0.5)*step)
		prev = cur
	}
	near(t, "DERT vs discounted curve", d, approx, 2e-3)
	if _, err := m.DERT(s, 0); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("zero delta: %v", err)
	}
	vs, err := LifetimeValueDERT(m, FixedSpend{Amount: decimal.NewFromInt(40)}, []Summary{s}, delta, ValueOptions{Margin: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "value", vs[0].Value.InexactFloat64(), 20*d, 1e-3)
}
