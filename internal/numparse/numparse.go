// Package numparse parses the plain decimal numbers that fill CSV tables
// (frequencies, recencies, ages in weeks) several times faster than
// strconv, with exactly strconv's results: a caller tries it first and
// falls back to strconv when it declines.
package numparse

import (
	"math"
	"math/bits"
)

// maxDigits is the most significant digits a mantissa may have: 10^19 − 1
// is below 2^64.
const maxDigits = 19

// pow10 holds 10^0 … 10^19, all exact in a uint64.
var pow10 = [20]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// Float parses b when it is a plain non-negative decimal — digits with at
// most one decimal point and at least one digit, at most 19 significant
// digits, no sign, exponent or spaces — and returns the float64 nearest to
// it (ties to even), which is what strconv.ParseFloat(b, 64) returns. For
// anything else it returns false, and the caller should use strconv.
//
// The value is m/10^k or m·10^k with m < 2^64 and k ≤ 19: integer
// arithmetic on 128 bits gives the quotient or product exactly, with a
// remainder, from which the rounding to 53 bits is exact.
func Float(b []byte) (float64, bool) {
	var m uint64
	digits, sig, scale, point := 0, 0, 0, false
	for _, c := range b {
		switch d := c - '0'; {
		case d <= 9:
			// Past 19 significant digits m may wrap, but sig is then
			// over the limit and the number is declined.
			m = m*10 + uint64(d)
			if m != 0 {
				sig++
			}
			digits++
			if point {
				scale++
			}
		case c == '.' && !point:
			point = true
		default:
			return 0, false
		}
	}
	if digits == 0 || sig > maxDigits || scale > maxDigits {
		return 0, false
	}
	switch {
	case m == 0:
		return 0, true
	case scale == 0:
		return roundBits(m, false, 0), true
	case m < 1<<53 && scale <= 15:
		// Both exact in float64: one correctly rounded division.
		return float64(m) / float64(pow10[scale]), true
	}
	return quotient(m, pow10[scale]), true
}

// quotient returns m/d rounded to the nearest float64, ties to even, for
// m > 0 and 10 ≤ d ≤ 10^19.
func quotient(m, d uint64) float64 {
	// N = m·2^s has 63 + len(d) bits, so q = ⌊N/d⌋ lies in (2^62, 2^64)
	// and N's high word is below d, as Div64 needs; s ≥ 3 since
	// len(m) ≤ 64 and len(d) ≥ 4.
	s := 63 + bits.Len64(d) - bits.Len64(m)
	var hi, lo uint64
	if s >= 64 {
		hi = m << (s - 64)
	} else {
		hi, lo = m>>(64-s), m<<s
	}
	q, r := bits.Div64(hi, lo, d)
	return roundBits(q, r != 0, -s)
}

// roundBits returns (q + f)·2^e rounded to the nearest float64, ties to
// even, where 0 ≤ f < 1 and sticky reports f > 0, for q > 0. Callers pass
// either sticky false or q of more than 53 bits, and values whose binary
// exponent is within ±1000 (here, within ±70): the result is assembled from
// its bits, which is exact for normal numbers.
func roundBits(q uint64, sticky bool, e int) float64 {
	k := bits.Len64(q) - 53 // bits below the 53 kept
	var mant uint64
	if k <= 0 {
		mant = q << -k // exact
	} else {
		mant = q >> k
		rest := q & (1<<k - 1)
		half := uint64(1) << (k - 1)
		if rest > half || rest == half && (sticky || mant&1 == 1) {
			mant++
			if mant == 1<<53 {
				mant >>= 1
				k++
			}
		}
	}
	// The value is mant·2^(e+k) with mant in [2^52, 2^53).
	exp := e + k + 52
	return math.Float64frombits(uint64(exp+1023)<<52 | mant&(1<<52-1))
}
