package main

import (
	"strings"
	"testing"
)

func TestHotel(t *testing.T) {
	var b strings.Builder
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"$7200 a year, $36000 over five years", "paid at start:", "$10560", "margin multiple r/(1+i-r) = 2.67",
		"corporate agreement    LTV:CAC 11.73", "online travel agency   LTV:CAC 2.64", "below 3:1"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}
