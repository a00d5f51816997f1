package main

import (
	"strings"
	"testing"
)

func TestPrime(t *testing.T) {
	var b strings.Builder
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"profit 150.00", "pure bundle (bundle at 100): profit 200.00", "profit 229.90", "lifetime value of a new member",
		"Best set within 25 a year of extra cost: [pharmacy discounts]", "year 3:", "as members at 30% conversion"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}
