package clv

import (
	"math"
	"math/bits"

	"github.com/shopspring/decimal"
)

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
