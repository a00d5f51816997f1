package clv

import (
	"strings"

	"github.com/shopspring/decimal"
)

// Explanation is the reason attached to a decision, a trigger or a planned
// action anywhere in the SDK: the rule that produced it, the inputs it read
// and the thresholds they crossed, and, for money decisions, the
// expected-value breakdown. It lives in clv, the package every other one
// imports, so lifecycle decisions, ladder triggers and pesca plans explain
// themselves the same way.
type Explanation struct {
	// Rule names the rule, e.g. "phase/at-risk" or "offer/upgrade".
	Rule string
	// Facts are the inputs read, in the order the rule read them.
	Facts []Fact
	// Terms are the expected-value breakdown, when the decision is about
	// money; their sum is the decision's expected value.
	Terms []Term
}

// Fact is one input of a rule: its name and value and, when the rule
// compared it with a threshold, the comparison and whether it held.
type Fact struct {
	Name  string
	Value string
	// Test is the comparison, e.g. ">= 60 days"; empty when none was made.
	Test string
	// Held reports whether the comparison held.
	Held bool
}

// Term is one line of an expected-value breakdown.
type Term struct {
	Name   string
	Amount decimal.Decimal
}

// String renders the explanation on one line, for logs and reports:
// "rule: name=value (test ✓), …; term +amount, …".
func (e Explanation) String() string {
	var b strings.Builder
	b.WriteString(e.Rule)
	for i, f := range e.Facts {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(f.Name + "=" + f.Value)
		if f.Test != "" {
			mark := "no"
			if f.Held {
				mark = "yes"
			}
			b.WriteString(" (" + f.Test + ": " + mark + ")")
		}
	}
	for i, t := range e.Terms {
		if i == 0 {
			b.WriteString("; ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(t.Name + " " + t.Amount.String())
	}
	return b.String()
}
