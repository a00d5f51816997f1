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

func TestFitPredict(t *testing.T) {
	in := "../../testdata/cdnow_customers_summary.csv"
	// The published file names its id column ID; clvtool wants id.
	b, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	data := writeFile(t, "cdnow.csv", strings.Replace(string(b), "ID,", "id,", 1))
	out, err := runTool(t, "fit", "-model", "bgnbd", "-in", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"model":"bgnbd"`, `"converged":true`, `"n":2357`, `"std_errors"`, `"log_likelihood":-9582.42`} {
		if !strings.Contains(out, want) {
			t.Errorf("fit output lacks %s:\n%s", want, out)
		}
	}
	params := writeFile(t, "fit.json", out)
	pred, err := runTool(t, "predict", "-model", "bgnbd", "-params", params, "-in", data, "-horizon", "39")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(pred), "\n")
	if len(lines) != 2358 || lines[0] != "id,p_alive,expected_purchases" || !strings.HasPrefix(lines[1], "1,0.7266") {
		t.Errorf("predict: %d lines, head %q", len(lines), lines[:2])
	}
	if _, err := runTool(t, "predict", "-model", "pnbd", "-params", params, "-in", data, "-horizon", "39"); err == nil {
		t.Error("predict accepted a model name that does not match the parameters")
	}
}

func TestFitPredictErrors(t *testing.T) {
	params := writeFile(t, "p.json", `{"model":"bgnbd","params":{"r":0.24,"alpha":4.4,"a":0.79,"b":2.4}}`)
	for _, tc := range []struct {
		name, csv string
		want      string
	}{
		{"recency > T", "id,frequency,recency,T\n1,2,30,38\n2,1,40,38\n", "row 3"},
		{"negative", "id,frequency,recency,T\n1,-2,30,38\n", `row 2, column "frequency"`},
		{"fractional frequency", "id,frequency,recency,T\n1,2.5,30,38\n", "not a whole number"},
		{"missing column", "id,frequency,T\n1,2,38\n", `missing column "recency"`},
		{"not a number", "id,frequency,recency,T\n1,2,abc,38\n", `row 2, column "recency"`},
	} {
		in := writeFile(t, "in.csv", tc.csv)
		for _, args := range [][]string{
			{"fit", "-model", "bgnbd", "-in", in},
			{"predict", "-params", params, "-in", in, "-horizon", "10"},
		} {
			_, err := runTool(t, args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s %s: got %v, want an error containing %q", tc.name, args[0], err, tc.want)
			}
		}
	}
	in := writeFile(t, "ok.csv", "frequency,recency,T,weight\n0,0,10,3\n2,5,10,1\n")
	if _, err := runTool(t, "fit", "-model", "nope", "-in", in); err == nil {
		t.Error("unknown model accepted")
	}
	if _, err := runTool(t, "predict", "-params", params, "-in", in); err == nil {
		t.Error("missing horizon accepted")
	}
}

func FuzzReadSummaries(f *testing.F) {
	f.Add("id,frequency,recency,T,weight\n1,2,3,4,1\n")
	f.Add("frequency,recency,T\n0,0,0\n1,1e3,1e4\n")
	f.Add("id,frequency,recency,T,monetary_value\na,1,1,2,3.5\n")
	f.Fuzz(func(t *testing.T, in string) {
		for _, money := range []bool{false, true} {
			rows, err := readSummaries(strings.NewReader(in), money)
			if err != nil {
				if !strings.Contains(err.Error(), "row") && !strings.Contains(err.Error(), "no data") {
					t.Fatalf("error without a row: %v", err)
				}
				continue
			}
			for _, r := range rows {
				if err := r.s.Validate(); err != nil {
					t.Fatalf("accepted an invalid summary: %v", err)
				}
			}
		}
	})
}
