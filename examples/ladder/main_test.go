package main

import (
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
		"Reward for dan: 500 points"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}
