package main

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"
)

func TestCustomersOnCDNOW(t *testing.T) {
	var out, errOut bytes.Buffer
	in := filepath.Join("..", "..", "testdata", "cdnow_sample.csv")
	if err := run([]string{"-in", in, "-end", "1997-09-30"}, &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := "id,frequency,recency,T,p_alive,expected_purchases,expected_spend,clv,phase,segment,rung,next_offer,next_step"
	if got := strings.Join(rows[0], ","); got != want {
		t.Errorf("header %s", got)
	}
	if len(rows) != 2358 {
		t.Errorf("%d rows, want 2357 customers and a header", len(rows))
	}
	for _, want := range []string{`"model":"bgnbd"`, `"unit":"week"`, `"model":"gg"`, "2357 customers"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %s:\n%s", want, errOut.String())
		}
	}
	// 0001 bought three times in the first quarter and not since.
	for _, r := range rows[1:] {
		if r[0] == "0001" && (r[1] != "2" || r[8] == "" || r[10] == "") {
			t.Errorf("customer 0001: %v", r)
		}
	}
	if err := run([]string{"-in", in}, &out, &errOut); err == nil {
		t.Error("missing -end accepted")
	}
}
