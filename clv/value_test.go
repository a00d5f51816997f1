package clv

import (
	"errors"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func TestLifetimeValue(t *testing.T) {
	// A Pareto/NBD customer at the model's mean: checked against the sum
	// written out by hand.
	m := ParetoNBD{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67, Unit: UnitWeek}
	s := Summary{ID: "a", Frequency: 2, Recency: 30.43, T: 38.86, MonetaryValue: decimal.NewFromInt(20), Unit: UnitWeek}
	opts := ValueOptions{Steps: 12, StepLength: 4.345, DiscountRate: 0.01, Margin: 0.3}
	vs, err := LifetimeValue(m, FixedSpend{Amount: decimal.RequireFromString("25.50")}, []Summary{s}, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for i := 1; i <= 12; i++ {
		d := m.ExpectedPurchases(s, float64(i)*4.345) - m.ExpectedPurchases(s, float64(i-1)*4.345)
		want += 0.3 * 25.5 * d / math.Pow(1.01, float64(i))
	}
	if got := vs[0].Value.InexactFloat64(); math.Abs(got-want) > 0.005 || vs[0].Value.Exponent() < -2 {
		t.Errorf("value %s, want %.4f to the cent", vs[0].Value, want)
	}
	for _, bad := range []ValueOptions{{StepLength: 1}, {Steps: 1}, {Steps: 1, StepLength: 1, DiscountRate: -0.1}, {Steps: 1, StepLength: 1, Margin: 1.5}} {
		if _, err := LifetimeValue(m, FixedSpend{}, []Summary{s}, bad); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if _, err := LifetimeValue(m, FixedSpend{}, []Summary{{ID: "x", Frequency: 1, Recency: 9, T: 3}}, opts); !errors.Is(err, ErrInvalidSummary) {
		t.Errorf("invalid summary: %v", err)
	}
}

func TestRoundMoney(t *testing.T) {
	cent := decimal.New(1, -2)
	for _, c := range []struct {
		v    float64
		unit decimal.Decimal
		want string
	}{
		{1.005, cent, "1"}, // 1.005 is 1.00499999… in binary
		{0.125, cent, "0.12"},
		{0.375, cent, "0.38"},
		{-0.125, cent, "-0.12"},
		{2.5, decimal.NewFromInt(1), "2"},
		{3.5, decimal.NewFromInt(1), "4"},
		{12.34, decimal.RequireFromString("0.05"), "12.35"},
		{2.675, cent, "2.68"}, // its shortest form, 2.675, is a tie
		{1e-9, cent, "0"},
		{123456.785, cent, "123456.78"},
	} {
		got, err := roundMoney(c.v, c.unit)
		if err != nil || got.String() != c.want {
			t.Errorf("roundMoney(%v, %s) = %s, %v; want %s", c.v, c.unit, got, err, c.want)
		}
	}
	if _, err := roundMoney(math.NaN(), cent); err == nil {
		t.Error("NaN accepted")
	}
}

// TestPropRoundPow10 checks the integer rounding path against the decimal
// one.
func TestPropRoundPow10(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := rapid.Float64Range(-1e12, 1e12).Draw(t, "v")
		if rapid.Bool().Draw(t, "ties") {
			v = float64(rapid.Int64Range(-1e9, 1e9).Draw(t, "n")) / 1000 // many exact ties at 2 places
		}
		places := int32(rapid.IntRange(0, 6).Draw(t, "places"))
		got, ok := roundPow10(v, places)
		want := roundUnit(v, decimal.New(1, -places))
		if ok && !got.Equal(want) {
			t.Fatalf("roundPow10(%v, %d) = %s, decimal path %s", v, places, got, want)
		}
	})
}

// opaque hides a model's unexported methods, so LifetimeValue takes its
// generic path.
type opaque struct{ TransactionModel }

func TestPropLifetimeValueFastPathAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genModel(t)
		var ss []Summary
		for range rapid.IntRange(1, 20).Draw(t, "n") {
			s := genSummary(t)
			s.T = float64(int(s.T)) // shared ages, so (x, T) repeat
			s.Recency = math.Min(s.Recency, s.T)
			if s.Frequency == 0 {
				s.Recency = 0
			}
			ss = append(ss, s)
		}
		o := ValueOptions{Steps: 6, StepLength: 4.345, DiscountRate: 0.01}
		spend := FixedSpend{Amount: decimal.NewFromInt(25)}
		fast, err := LifetimeValue(m, spend, ss, o)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := LifetimeValue(opaque{m}, spend, ss, o)
		if err != nil {
			t.Fatal(err)
		}
		for i := range fast {
			if d := fast[i].Value.Sub(slow[i].Value).Abs(); d.GreaterThan(decimal.New(1, -2)) {
				t.Fatalf("customer %d: fast %s, generic %s", i, fast[i].Value, slow[i].Value)
			}
		}
	})
}

func TestPropLifetimeValue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genModel(t)
		s := genSummary(t)
		spend := FixedSpend{Amount: decimal.New(rapid.Int64Range(0, 100000).Draw(t, "cents"), -2)}
		steps := rapid.IntRange(1, 24).Draw(t, "steps")
		o := ValueOptions{Steps: steps, StepLength: rapid.Float64Range(0.1, 10).Draw(t, "L"),
			DiscountRate: rapid.Float64Range(0, 0.5).Draw(t, "d"), Continuous: rapid.Bool().Draw(t, "cont")}
		value := func(o ValueOptions) decimal.Decimal {
			vs, err := LifetimeValue(m, spend, []Summary{s}, o)
			if err != nil {
				t.Fatal(err)
			}
			return vs[0].Value
		}
		v := value(o)
		longer := o
		longer.Steps++
		dearer := o
		dearer.DiscountRate += 0.05
		if value(longer).LessThan(v) {
			t.Fatalf("more steps lowered the value: %s < %s", value(longer), v)
		}
		if value(dearer).GreaterThan(v) {
			t.Fatalf("a higher discount rate raised the value: %s > %s", value(dearer), v)
		}
		if v.Sign() < 0 {
			t.Fatalf("negative value %s", v)
		}
		zero, err := LifetimeValue(m, FixedSpend{}, []Summary{s}, o)
		if err != nil || !zero[0].Value.IsZero() {
			t.Fatalf("zero spend gave %v, %v", zero, err)
		}
	})
}

func TestRankAndPortfolio(t *testing.T) {
	vs := []CustomerValue{{ID: "b", Value: decimal.NewFromInt(5)}, {ID: "a", Value: decimal.NewFromInt(5)}, {ID: "c", Value: decimal.RequireFromString("7.25")}}
	r := RankByValue(vs)
	if r[0].ID != "c" || r[1].ID != "a" || r[2].ID != "b" || vs[0].ID != "b" {
		t.Errorf("rank %v (input %v)", r, vs)
	}
	p := SummarizeValues(vs)
	if p.Customers != 3 || p.Total.String() != "17.25" || p.Mean.String() != "5.75" {
		t.Errorf("portfolio %+v", p)
	}
}
