package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// runBoth runs clvtool and returns what it wrote to stdout and stderr.
func runBoth(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = runWith(args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestBoundaryFitFailsUnlessAllowed(t *testing.T) {
	in := writeFile(t, "s.csv", "id,frequency,recency,T\n1,0,0,4\n2,1,1,4\n")
	out, _, err := runBoth(t, "fit", "-model", "bgnbd", "-in", in)
	if err == nil || out != "" || !strings.Contains(err.Error(), "at most one repeat purchase") || !strings.Contains(err.Error(), "-allow-boundary") {
		t.Errorf("boundary fit: stdout %q, error %v", out, err)
	}
	out, warn, err := runBoth(t, "fit", "-model", "bgnbd", "-in", in, "-allow-boundary")
	if err != nil || !strings.Contains(out, `"converged":false`) || !strings.Contains(out, `"boundary":`) || !strings.Contains(warn, "boundary estimate printed") {
		t.Errorf("-allow-boundary: stdout %q, stderr %q, error %v", out, warn, err)
	}
}

func TestSummarizeReportsWhatItIgnores(t *testing.T) {
	in := writeFile(t, "log.csv", smallLog+"a,2024-02-01,3\nz,2024-02-02,3\n")
	out, warn, err := runBoth(t, "summarize", "-in", in, "-customer", "cust", "-time", "day", "-end", "2024-01-15")
	if err != nil || !strings.HasPrefix(out, "id,") || !strings.Contains(warn, "ignored 2 transactions after -end 2024-01-15 (1 customers bought only after it)") {
		t.Errorf("stdout %q, stderr %q, error %v", out, warn, err)
	}
	empty := writeFile(t, "empty.csv", "cust,day,amt\n")
	if out, _, err := runBoth(t, "summarize", "-in", empty, "-customer", "cust", "-time", "day", "-end", "2024-01-15"); err == nil || out != "" || !strings.Contains(err.Error(), "no transactions") {
		t.Errorf("header-only log: stdout %q, error %v", out, err)
	}
}

func TestHugeNumbersAreRefusedQuickly(t *testing.T) {
	digits := strings.Repeat("9", 1_000_000)
	in := writeFile(t, "log.csv", "cust,day,amt\na,2024-01-01,"+digits+"\n")
	out, _, err := runBoth(t, "summarize", "-in", in, "-customer", "cust", "-time", "day", "-amount", "amt", "-end", "2024-01-15")
	if err == nil || out != "" || !strings.Contains(err.Error(), "row 2") || len(err.Error()) > 300 {
		t.Errorf("stdout %q, error %.300v", out, err)
	}
	sum := writeFile(t, "s.csv", "id,frequency,recency,T\na,1,1,"+digits+"\n")
	if _, _, err := runBoth(t, "fit", "-model", "bgnbd", "-in", sum); err == nil || len(err.Error()) > 300 {
		t.Errorf("fit: error %.300v", err)
	}
}

func TestDuplicateIDsAreRefused(t *testing.T) {
	in := writeFile(t, "s.csv", "id,frequency,recency,T\na,1,1,4\nb,0,0,4\na,2,3,4\n")
	params := writeFile(t, "m.json", `{"model":"bgnbd","params":{"r":0.24,"alpha":4.4,"a":0.79,"b":2.4}}`)
	for _, args := range [][]string{
		{"fit", "-model", "bgnbd", "-in", in},
		{"predict", "-params", params, "-in", in, "-horizon", "10"},
	} {
		out, _, err := runBoth(t, args...)
		if err == nil || out != "" || !strings.Contains(err.Error(), `row 4: customer "a" already appears on row 2`) {
			t.Errorf("%s: stdout %q, error %v", args[0], out, err)
		}
	}
}

func TestPredictNeverPrintsNaN(t *testing.T) {
	in := writeFile(t, "s.csv", "id,frequency,recency,T\na,2,3,5\n")
	for _, p := range []string{
		`{"model":"bgnbd","params":{"r":1e308,"alpha":1e308,"a":1e308,"b":1e308}}`,
		`{"model":"pnbd","params":{"r":1e308,"alpha":5e-324,"s":1e308,"beta":5e-324}}`,
	} {
		params := writeFile(t, "m.json", p)
		out, _, err := runBoth(t, "predict", "-params", params, "-in", in, "-horizon", "10")
		if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") || (err != nil && out != "") {
			t.Errorf("%s: stdout %q, error %v", p, out, err)
		}
	}
	bgbb := writeFile(t, "b.csv", "frequency,recency,n_periods\n2,3,6\n")
	params := writeFile(t, "bgbb.json", `{"model":"bgbb","params":{"alpha":1.2,"beta":0.75,"gamma":0.66,"delta":2.8}}`)
	if out, _, err := runBoth(t, "predict", "-params", params, "-in", bgbb, "-horizon", "1e18"); err == nil || out != "" {
		t.Errorf("bgbb horizon 1e18: stdout %q, error %v", out, err)
	}
}

func TestFitRecordsUnit(t *testing.T) {
	in := filepath.Join("..", "..", "testdata", "cdnow_customers_summary.csv")
	out, _, err := runBoth(t, "fit", "-model", "bgnbd", "-in", in, "-unit", "week")
	if err != nil || !strings.Contains(out, `"unit":"week"`) {
		t.Fatalf("fit -unit week: %s %v", out, err)
	}
	params := writeFile(t, "m.json", out)
	pred, _, err := runBoth(t, "predict", "-params", params, "-in", in, "-horizon", "39")
	if err != nil || !strings.HasPrefix(pred, "id,p_alive,expected_purchases\n") {
		t.Errorf("predict with a weekly model: %q %v", pred, err)
	}
	if _, _, err := runBoth(t, "fit", "-model", "bgnbd", "-in", in, "-unit", "fortnight"); err == nil {
		t.Error("unknown unit accepted")
	}
}
