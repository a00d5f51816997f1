package main

import (
	"strings"
	"testing"
)

func TestCDNOW(t *testing.T) {
	var b strings.Builder
	if err := run([]string{"-in", "../../testdata/cdnow_sample.csv"}, &b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// The published CDNOW fits (FHL 2005) from the 2357-customer sample.
	for _, want := range []string{"2357 customers", "BG/NBD     r=0.2426 alpha=4.413", "a=0.7929", "LL -9582.43",
		"Pareto/NBD r=0.5533 alpha=10.577", "bgnbd holdout", "x=7+", "Gamma-Gamma p=6.2", "12-month value",
		"90% interval of the total from the fits' uncertainty", "first-day spend) as a covariate", "purchase effect +0.365 ± 0.062"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if err := run([]string{"-in", "nope.csv"}, &b); err == nil {
		t.Error("missing file accepted")
	}
}
