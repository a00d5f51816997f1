package main

import (
	"strings"
	"testing"
)

func TestPlans(t *testing.T) {
	var b strings.Builder
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"financial services — maria", "home insurance", "school — the Lopez family", "prepay the year",
		"donut shop — tom", "share of wallet: 1.8%", "skipped partner travel benefits", "share of wallet: 24.0%"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Every business's catalogue covers the five perspectives.
	for _, c := range catalogues() {
		seen := map[string]bool{}
		for _, in := range c.Initiatives {
			seen[in.Perspective.String()] = true
		}
		if len(seen) != 5 {
			t.Errorf("%s covers %d perspectives", c.Name, len(seen))
		}
	}
}
