package main

import (
	"strings"
	"testing"
)

func TestOffers(t *testing.T) {
	var b strings.Builder
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"gold-card            EV    7.00", "basic-plan           EV ", "not basic-plan-untested (effect on churn known = false",
		"refer-a-friend", "send ", "hold ", "contacts in the last"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
