package clv

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"strconv"

	"github.com/shopspring/decimal"
)

// The SDK's money rounding policy, in one place. Money is decimal.Decimal at
// every public boundary and is rounded once, at the end of a computation:
//
//   - An amount computed in float64 (a lifetime value, a cost, a price)
//     becomes money through its shortest decimal form (what strconv prints
//     and decimal.NewFromFloat gives, so 2.675 is 2.675, not
//     2.67499999…), rounded half to even — banker's rounding, unbiased over
//     a portfolio — to a multiple of a unit: a cent unless
//     ValueOptions.RoundTo says otherwise. Money does this.
//   - An amount computed exactly in decimal arithmetic is rounded by the
//     same rule: RoundMoney.
//   - A mean of exact amounts (Summary.MonetaryValue, Portfolio.Mean) is a
//     quotient, not an amount anyone pays: it keeps MonetaryScale decimal
//     places, rounded half away from zero (decimal.Decimal.DivRound), far
//     below any currency's smallest unit.
//
// Every package of the module rounds money through these functions.

// Money returns an amount computed in float64 as money, by the rounding
// policy above: v's shortest decimal form rounded half to even to the cent.
// ok is false when v is NaN or infinite, which no amount of money is;
// callers report that in their own terms.
func Money(v float64) (d decimal.Decimal, ok bool) {
	d, err := roundMoney(v, decimal.New(1, -2))
	return d, err == nil
}

// RoundMoney rounds an amount computed exactly in decimal arithmetic half to
// even to the cent, the rule Money applies to float64 amounts.
func RoundMoney(d decimal.Decimal) decimal.Decimal { return d.RoundBank(2) }

// roundMoney converts v to a decimal rounded half to even to a multiple of
// unit. The number rounded is v's shortest decimal representation (what
// strconv prints and decimal.NewFromFloat gives), so 2.675 rounds to 2.68.
// Powers of ten take an integer path; other units use exact decimal quotient
// and remainder (no package-wide division precision is read).
func roundMoney(v float64, unit decimal.Decimal) (decimal.Decimal, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return decimal.Decimal{}, fmt.Errorf("%w: non-finite money value %v", ErrInvalidParams, v)
	}
	if unit.Equal(decimal.New(1, unit.Exponent())) {
		if d, ok := roundPow10(v, -unit.Exponent()); ok {
			return d, nil
		}
	}
	return roundUnit(v, unit), nil
}

// roundUnit is roundMoney for any unit, in decimal arithmetic.
func roundUnit(v float64, unit decimal.Decimal) decimal.Decimal {
	q, r := decimal.NewFromFloat(v).QuoRem(unit, 0)
	switch c := r.Abs().Mul(decimal.NewFromInt(2)).Cmp(unit); {
	case c > 0, c == 0 && q.Mod(decimal.NewFromInt(2)).Sign() != 0:
		if r.Sign() < 0 {
			q = q.Sub(decimal.NewFromInt(1))
		} else {
			q = q.Add(decimal.NewFromInt(1))
		}
	}
	return q.Mul(unit)
}

// roundPow10 rounds the shortest decimal form of v half to even to places
// decimal places, in integer arithmetic. It reports false when the result
// would not fit in an int64 coefficient. It is the fast path of Money and
// LifetimeValue: on 2 million random amounts it equals
// decimal.NewFromFloat(v).RoundBank(2) every time, exponent included
// (TestRoundPow10IsRoundBank), in about half the time and with one
// allocation instead of seven (BenchmarkRoundCent).
func roundPow10(v float64, places int32) (decimal.Decimal, bool) {
	if places < 0 || places > 18 {
		return decimal.Decimal{}, false
	}
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], v, 'e', -1, 64) // [-]d[.ddd]e±xx
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	e := bytes.IndexByte(b, 'e')
	exp, err := strconv.Atoi(string(b[e+1:]))
	if err != nil {
		return decimal.Decimal{}, false
	}
	var digits []byte
	for _, c := range b[:e] {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	// v = 0.d1d2d3… × 10^(exp+1); keep the digits before position
	// exp+1+places and round on the rest.
	keep := exp + 1 + int(places)
	if keep > 18 {
		return decimal.Decimal{}, false
	}
	var q int64
	for i := 0; i < keep && i < len(digits); i++ {
		q = q*10 + int64(digits[i]-'0')
	}
	for i := len(digits); i < keep; i++ {
		q *= 10
	}
	if keep >= 0 && keep < len(digits) {
		first := digits[keep]
		rest := false
		for _, c := range digits[keep+1:] {
			if c != '0' {
				rest = true
				break
			}
		}
		if first > '5' || (first == '5' && (rest || q%2 == 1)) {
			q++
		}
	} else if keep < 0 {
		q = 0 // |v| < half a unit
	}
	if neg {
		q = -q
	}
	return decimal.New(q, -places), true
}

// exactSum adds decimal amounts without rounding. While the running total fits
// it is kept as c/10^scale in an int64, which costs no allocation per
// amount; the first amount that would overflow moves it to decimal arithmetic.
// Either way the result is exact.
type exactSum struct {
	c     int64
	scale int32
	slow  *decimal.Decimal
}

var pow10 = [19]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// mulPow10 returns c·10^k and whether it fits in an int64.
func mulPow10(c int64, k int32) (int64, bool) {
	if k == 0 || c == 0 {
		return c, true
	}
	if k > 18 {
		return 0, false
	}
	p := pow10[k]
	r := c * p
	if r/p != c {
		return 0, false
	}
	return r, true
}

func (s *exactSum) add(d decimal.Decimal) {
	if s.slow == nil {
		if e := d.Exponent(); e <= 0 && e >= -18 && d.NumDigits() <= 18 {
			if s.addFast(d.CoefficientInt64(), -e) {
				return
			}
		}
		v := s.value()
		s.slow = &v
	}
	v := s.slow.Add(d)
	s.slow = &v
}

// addFast adds c/10^scale and reports whether the total still fits.
func (s *exactSum) addFast(c int64, scale int32) bool {
	a, sa := s.c, s.scale
	if scale > sa {
		var ok bool
		if a, ok = mulPow10(a, scale-sa); !ok {
			return false
		}
		sa = scale
	} else if scale < sa {
		var ok bool
		if c, ok = mulPow10(c, sa-scale); !ok {
			return false
		}
	}
	r := a + c
	if (c > 0 && r < a) || (c < 0 && r > a) {
		return false
	}
	s.c, s.scale = r, sa
	return true
}

func (s *exactSum) merge(o exactSum) {
	if o.slow == nil && s.slow == nil && s.addFast(o.c, o.scale) {
		return
	}
	v := s.value().Add(o.value())
	s.slow = &v
}

// minus returns s − o.
func (s exactSum) minus(o exactSum) exactSum {
	if o.slow == nil && o.c != math.MinInt64 {
		o.c = -o.c
	} else {
		v := o.value().Neg()
		o = exactSum{slow: &v}
	}
	s.merge(o)
	return s
}

func (s exactSum) value() decimal.Decimal {
	if s.slow != nil {
		return *s.slow
	}
	return decimal.New(s.c, -s.scale)
}

// mean returns the sum divided by n, rounded half away from zero to
// MonetaryScale decimal places, or zero when n is 0. Sums held in an int64
// divide in 128-bit integer arithmetic, which is exact and far cheaper than
// a decimal division; anything larger takes the decimal route, with the
// same result.
func (s exactSum) mean(n int) decimal.Decimal {
	if n <= 0 {
		return decimal.Zero
	}
	if s.slow == nil && s.scale <= MonetaryScale && s.c != math.MinInt64 {
		neg := s.c < 0
		u := uint64(s.c)
		if neg {
			u = uint64(-s.c)
		}
		hi, lo := bits.Mul64(u, uint64(pow10[MonetaryScale-s.scale]))
		if d := uint64(n); hi < d {
			q, r := bits.Div64(hi, lo, d)
			if r >= d-r { // 2r >= d without overflow: round half away from zero
				q++
			}
			if q <= math.MaxInt64 && q != 0 {
				v := int64(q)
				if neg {
					v = -v
				}
				return decimal.New(v, -MonetaryScale)
			}
			if q == 0 {
				return decimal.Zero
			}
		}
	}
	return s.value().DivRound(decimal.NewFromInt(int64(n)), MonetaryScale)
}

// MeanRepeatSpend returns the mean spend per repeat purchase period over
// all repeat buyers among ss — Σ MonetaryValue × Frequency / Σ Frequency,
// in exact decimal arithmetic — rounded by RoundMoney; zero when nobody
// bought twice. It is the FixedSpend to value customers at when a spend
// model cannot be fitted (a Gamma-Gamma fit at the boundary).
func MeanRepeatSpend(ss []Summary) decimal.Decimal {
	var total exactSum
	periods := 0
	for _, s := range ss {
		if s.Frequency > 0 {
			total.add(s.MonetaryValue.Mul(decimal.NewFromInt(int64(s.Frequency))))
			periods += s.Frequency
		}
	}
	return RoundMoney(total.mean(periods))
}

// sign returns −1, 0 or +1 as the sum is negative, zero or positive.
func (s exactSum) sign() int {
	if s.slow != nil {
		return s.slow.Sign()
	}
	return cmp.Compare(s.c, 0)
}
