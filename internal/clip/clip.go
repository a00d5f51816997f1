// Package clip shortens user-supplied values before they are echoed in an
// error message, so that a 10 MB field does not become a 10 MB error line.
// It is the one home of that rule for every package of the module.
package clip

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Max is the number of characters of a value an error message echoes.
const Max = 40

// Value returns s unchanged when it has at most Max characters; otherwise
// its first Max characters followed by "…" and the full length in bytes, so
// the reader knows the value was cut. Invalid UTF-8 is kept as it is (Go's
// %q quotes it safely).
func Value(s string) string {
	if utf8.RuneCountInString(s) <= Max {
		return s
	}
	n, i := 0, 0
	for i < len(s) && n < Max {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:i], len(s))
}

// Float returns the shortest decimal form of v cut as Value cuts strings:
// a 300-digit likelihood is not echoed whole.
func Float(v float64) string { return Value(fmt.Sprint(v)) }

// Quote returns Value(s) in Go's double-quoted form, as %q would print it.
func Quote(s string) string { return strconv.Quote(Value(s)) }

// Decimal returns the decimal form of d cut as Value cuts strings: a
// 10,000-digit amount is not echoed whole.
func Decimal(d decimal.Decimal) string { return Value(d.String()) }
