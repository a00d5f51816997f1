package clv

import (
	"testing"

	"github.com/shopspring/decimal"
)

// TestExplanationString checks the format Explanation.String documents.
func TestExplanationString(t *testing.T) {
	e := Explanation{Rule: "offer/retention", Facts: []Fact{
		{Name: "churn risk", Value: "0.6000", Op: OpAtLeast, Limit: "0.3", Held: true},
		{Name: "holds card", Value: "false", Op: OpEqual, Limit: "true"},
		{Name: "uplift", Value: "0.6"},
	}, Terms: []Term{{Name: "saved", Amount: decimal.NewFromInt(120)}, {Name: "cost", Amount: decimal.NewFromInt(-1)}}}
	want := "offer/retention: churn risk=0.6000 (>= 0.3: yes), holds card=false (= true: no), uplift=0.6; saved 120, cost -1"
	if got := e.String(); got != want {
		t.Errorf("String() = %q\nwant        %q", got, want)
	}
	if got := (Fact{Name: "x", Value: "1"}).Test(); got != "" {
		t.Errorf("Test() of a fact with no comparison = %q", got)
	}
}
