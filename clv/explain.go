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
	// Rule names the rule, e.g. lifecycle.RulePhaseAtRisk ("phase/at-risk").
	Rule Rule
	// Facts are the inputs read, in the order the rule read them.
	Facts []Fact
	// Terms are the expected-value breakdown, when the decision is about
	// money; their sum is the decision's expected value.
	Terms []Term
}

// Rule identifies the rule behind an explanation, as "area/name" in lower
// case: "phase/at-risk", "offer/upgrade", "trigger/small-baskets". Each
// package declares its rules as constants beside the code that applies them
// (lifecycle.RulePhaseAtRisk, ladder.RuleGrace, pesca.RuleInitiative, …), so
// callers can match on them. A rule never embeds data — a customer, an
// offer, a segment or an initiative: those are in the result the
// explanation comes with.
type Rule string

// Op is the comparison a rule put a fact's value to.
type Op string

// Comparisons. A fact reads "Value Op Limit": "45 >= 60", "active in
// active|new".
const (
	OpEqual    Op = "="
	OpNotEqual Op = "!="
	OpLess     Op = "<"
	OpAtMost   Op = "<="
	OpGreater  Op = ">"
	OpAtLeast  Op = ">="
	// OpIn: the value is one of Limit's "|"-separated values, or, when Limit
	// is "lo..hi", a number in that inclusive range.
	OpIn Op = "in"
)

// Fact is one input of a rule: its name and value and, when the rule
// compared it with a limit, the comparison and whether it held.
//
// Facts have one format throughout the SDK. Name says what was read, with
// its unit ("days since last purchase", "purchases in 60 days"); Value and
// Limit are bare values in that unit ("45", "60"), dates as YYYY-MM-DD,
// money and numbers as decimals, yes-or-no facts as "true" or "false" (the
// name a statement: "holds gold card"), and a missing value as "none".
type Fact struct {
	Name  string
	Value string
	// Op and Limit are the comparison made, Value Op Limit; both are empty
	// when none was made.
	Op    Op
	Limit string
	// Held reports whether the comparison held.
	Held bool
}

// Test returns the comparison as text, e.g. ">= 60"; empty when none was
// made.
func (f Fact) Test() string {
	if f.Op == "" {
		return ""
	}
	return string(f.Op) + " " + f.Limit
}

// Term is one line of an expected-value breakdown.
type Term struct {
	Name   string
	Amount decimal.Decimal
}

// String renders the explanation on one line, for logs and reports:
// "rule: name=value (op limit: yes|no), …; term amount, …", e.g.
// "offer/retention: churn risk=0.6000 (>= 0.3: yes), uplift=0.6; cost -1".
func (e Explanation) String() string {
	var b strings.Builder
	b.WriteString(string(e.Rule))
	for i, f := range e.Facts {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(f.Name + "=" + f.Value)
		if f.Op != "" {
			mark := "no"
			if f.Held {
				mark = "yes"
			}
			b.WriteString(" (" + f.Test() + ": " + mark + ")")
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
