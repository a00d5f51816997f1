package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func runTool(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(args, &out)
	return out.String(), err
}

const smallLog = `cust,day,amt
a,2024-01-01,10
a,2024-01-08,5.5
b,2024-01-03,1
a,2024-01-15,4.5
`

func TestSummarize(t *testing.T) {
	in := writeFile(t, "log.csv", smallLog)
	got, err := runTool(t, "summarize", "-in", in, "-customer", "cust", "-time", "day", "-amount", "amt", "-unit", "week", "-end", "2024-01-15")
	if err != nil {
		t.Fatal(err)
	}
	want := "id,frequency,recency,T,monetary_value\na,2,2,2,5\nb,0,0,1.7142857142857142,0\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got, err = runTool(t, "summarize", "-in", in, "-customer", "cust", "-time", "day", "-end", "2024-01-15", "-calibration-end", "2024-01-08")
	if err != nil {
		t.Fatal(err)
	}
	want = "id,frequency_cal,recency_cal,T_cal,frequency_holdout,duration_holdout\na,1,7,7,1,7\nb,0,0,5,0,7\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestSummarizeErrors(t *testing.T) {
	in := writeFile(t, "log.csv", smallLog+"c,not-a-date,1\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"summarize", "-in", in, "-customer", "cust", "-time", "day", "-end", "2024-01-15"}, "row 6"},
		{[]string{"summarize", "-in", in, "-customer", "nope", "-time", "day", "-end", "2024-01-15"}, `missing column "nope"`},
		{[]string{"summarize", "-in", in, "-customer", "cust", "-time", "day"}, "-end"},
		{[]string{"summarize", "-in", in, "-customer", "cust", "-time", "day", "-end", "2024-01-15", "-unit", "year"}, "unit"},
		{[]string{"frobnicate"}, "unknown command"},
	} {
		_, err := runTool(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}
