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
		"corporate agreement    LTV:CAC 11.73", "online travel agency   LTV:CAC 2.64", "below 3:1",
		"a free night for 10000 points (costing the hotel $90)",
		"booking bk-2025-01-01 was sent twice and earned once: 2000 points by 2025-01-31",
		"2025-07-20: the traveller redeems a free night; 4000 points left",
		"2025-08-05: a second free night is refused: 5000 points, 10000 needed",
		"2025-03-10  earn    3000  balance  3000", "2026-03-10  expire  3000  balance     0  (expired 12 months after earning)",
		"2025-12-31: 17000 points outstanding (traveller 14000); liability at 30% breakage $107.10",
		"2026-06-30: 12000 points outstanding (traveller 12000); liability at 30% breakage $75.60"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}
