package numparse

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// check compares Float with strconv.ParseFloat on s: when Float accepts s,
// strconv must give the same bits; plain decimals of at most 19
// significant digits must be accepted.
func check(t interface{ Fatalf(string, ...any) }, s string, mustAccept bool) {
	got, ok := Float([]byte(s))
	if !ok {
		if mustAccept {
			t.Fatalf("Float(%q) declined a plain decimal", s)
		}
		return
	}
	want, err := strconv.ParseFloat(s, 64)
	if err != nil || math.Float64bits(got) != math.Float64bits(want) {
		t.Fatalf("Float(%q) = %v (%#x), strconv gives %v (%#x), %v", s, got, math.Float64bits(got), want, math.Float64bits(want), err)
	}
}

func TestFloatKnown(t *testing.T) {
	for _, s := range []string{
		"0", "0.0", "00.000", "5.", ".5", "1", "3", "26.857142857142858", "38.857142857142854", "0.1",
		"9007199254740993", "9007199254740992.5", "18446744073709551615", "1844674407370955161.5",
		"0.3000000000000000444", "1.000000000000000111", "2.0000000000000004440892098500626",
		"123456789012345678.9", "9999999999999999999", "0.0000000000000000001", "4503599627370496.5",
		"4503599627370497.5", "0.000000000000000005", "72057594037927945", "1.7976931348623157",
	} {
		check(t, s, false)
	}
	for _, s := range []string{"", ".", "-1", "+1", "1e5", "1.2.3", " 1", "1 ", "inf", "NaN", "0x10", "1_0",
		"12345678901234567890", "0.12345678901234567890", "0.00000000000000000001"} {
		if v, ok := Float([]byte(s)); ok {
			t.Errorf("Float(%q) = %v, want it declined", s, v)
		}
	}
}

// TestPropFloatIsStrconv: random plain decimals — short and long
// mantissas, points anywhere, leading and trailing zeros — and the
// shortest and fixed-precision forms of random float64s parse as strconv
// parses them.
func TestPropFloatIsStrconv(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		switch rapid.IntRange(0, 2).Draw(t, "kind") {
		case 0:
			digits := rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), 1, 19, -1).Draw(t, "digits")
			at := rapid.IntRange(0, len(digits)).Draw(t, "point")
			lead := strings.Repeat("0", rapid.IntRange(0, 3).Draw(t, "lead"))
			s := lead + digits[:at] + "." + digits[at:]
			if at == len(digits) && rapid.Bool().Draw(t, "integer") {
				s = lead + digits
			}
			check(t, s, true) // at most 19 digits: always plain enough
		case 1:
			v := math.Float64frombits(rapid.Uint64Range(0, math.Float64bits(1e18)).Draw(t, "bits"))
			check(t, strconv.FormatFloat(v, 'f', -1, 64), false)
		default:
			v := rapid.Float64Range(0, 1e6).Draw(t, "v")
			check(t, strconv.FormatFloat(v, 'f', rapid.IntRange(0, 12).Draw(t, "prec"), 64), false)
		}
	})
}

func FuzzFloat(f *testing.F) {
	for _, s := range []string{"0", "26.857142857142858", "9007199254740993", ".5", "1e5", "12345678901234567890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check(t, s, false)
	})
}

func BenchmarkFloat(b *testing.B) {
	in := [][]byte{[]byte("26.857142857142858"), []byte("12.571428571428571"), []byte("3"), []byte("0.5")}
	b.Run("numparse", func(b *testing.B) {
		for b.Loop() {
			for _, s := range in {
				Float(s)
			}
		}
	})
	b.Run("strconv", func(b *testing.B) {
		for b.Loop() {
			for _, s := range in {
				strconv.ParseFloat(string(s), 64)
			}
		}
	})
}
