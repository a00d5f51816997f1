package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestLadder(t *testing.T) {
	var b strings.Builder
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"recency 1    52.3196", "recency 4    -1.8200", "recency 1    53.1494  marketed true", "recency 4     0.0000  marketed false",
		"[6.0504 4.6218 3.0147 1.3025]", "[230 210 560 0 0]", "on track true", "ana   small-baskets", "ben   large-purchase", "cora  expired-inactive",
		"Reward for dan: 500 points",
		"History behind the migration estimate: 2 years 3 months (2023-03-31 to 2025-06-30, 822 days, 10 snapshots)",
		"customers per quarter (lost): 48 (0) 83 (0)", "400 (55)",
		"silver  103 customers, median value 157.20", "gold    100 customers, median value 660.87",
		"lost     55 customers, measured against bronze",
		"c214  silver current   18.16 potential  660.87 gap  642.71",
		"260 climbs rewarded, 260 points events (260 after posting them again)",
		"outstanding on 2025-06-30: 289500 points held by 212 customers",
		"25% breakage: $2171.25", "face value 2895, breakage -723.75"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}

// The shop's figures hold together: the liability is the outstanding
// points at a cent less a quarter, and the gaps listed are the largest.
func TestShopConsistent(t *testing.T) {
	var b strings.Builder
	if err := shop(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	var points int
	var amount float64
	for _, line := range strings.Split(out, "\n") {
		if _, err := fmt.Sscanf(strings.TrimSpace(line), "outstanding on 2025-06-30: %d points", &points); err == nil {
			continue
		}
		if i := strings.Index(line, "breakage: $"); i >= 0 {
			fmt.Sscanf(line[i+len("breakage: $"):], "%f", &amount)
		}
	}
	if points == 0 || math.Abs(amount-float64(points)*0.01*0.75) > 0.005 {
		t.Errorf("liability $%v for %d points:\n%s", amount, points, out)
	}
	var gaps []float64
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, " gap "); i >= 0 && strings.HasPrefix(line, "    c") {
			var g float64
			fmt.Sscanf(strings.TrimSpace(line[i+len(" gap "):]), "%f", &g)
			gaps = append(gaps, g)
		}
	}
	if len(gaps) != 5 || !slices.IsSortedFunc(gaps, func(a, b float64) int { return cmp.Compare(b, a) }) {
		t.Errorf("the five largest gaps %v are not in order:\n%s", gaps, out)
	}
}
