package clv

import (
	"math"

	"pgregory.net/rapid"
)

// tb is what near needs of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
}

func near(t tb, what string, got, want, rel float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > rel*math.Max(math.Abs(want), 1e-300) {
		t.Errorf("%s = %.15g, want %.15g (rel tol %g)", what, got, want, rel)
	}
}

func sum(x int, tx, T float64) Summary { return Summary{Frequency: x, Recency: tx, T: T} }

// models returns a generator of valid models of the three kinds, over a
// wide range of parameters.
func genModel(t *rapid.T) TransactionModel {
	p := func(name string) float64 { return math.Exp(rapid.Float64Range(-3, 3).Draw(t, name)) }
	switch rapid.IntRange(0, 2).Draw(t, "kind") {
	case 0:
		return BGNBD{R: p("r"), Alpha: p("alpha"), A: p("a"), B: p("b")}
	case 1:
		return MBGNBD{R: p("r"), Alpha: p("alpha"), A: p("a"), B: p("b")}
	default:
		return ParetoNBD{R: p("r"), Alpha: p("alpha"), S: p("s"), Beta: p("beta")}
	}
}

func genSummary(t *rapid.T) Summary {
	T := rapid.Float64Range(0, 200).Draw(t, "T")
	x := rapid.IntRange(0, 60).Draw(t, "x")
	tx := 0.0
	if x > 0 {
		tx = rapid.Float64Range(0, T).Draw(t, "tx")
	}
	return Summary{Frequency: x, Recency: tx, T: T}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
