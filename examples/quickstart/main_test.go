package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuickstart(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-customers", "400", "-out", dir}, &out); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	for _, want := range []string{"1. Summaries", "converged true", "holdout: predicted", "portfolio:", "the valuable few",
		"4. Lifecycle phases", "Champions", "quarterly transition probabilities", "discounted value per rung",
		"6. Next best actions", "plan  ", "7. Cohorts by acquisition month", "acquisition spend assumed",
		"retention by months since first purchase", "  m0   " + strings.Repeat("█", 40) + " 100.0%", "8. Charts"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	checkCohorts(t, report)
	files, _ := filepath.Glob(filepath.Join(dir, "*.svg"))
	if len(files) != 6 {
		t.Fatalf("%d charts written, want 6", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Well-formed XML with a title and no NaN coordinates.
		d := xml.NewDecoder(bytes.NewReader(b))
		for {
			if _, err := d.Token(); err != nil {
				if err.Error() != "EOF" {
					t.Errorf("%s: %v", f, err)
				}
				break
			}
		}
		if bytes.Contains(b, []byte("NaN")) || bytes.Contains(b, []byte("Inf")) {
			t.Errorf("%s has non-finite coordinates", f)
		}
	}
}

func TestQuickstartOwnCSV(t *testing.T) {
	// A small log of its own: the built-in generator written out as CSV.
	var b strings.Builder
	b.WriteString("customer,date,amount,product,channel\n")
	for _, p := range synthetic(200, 9) {
		b.WriteString(p.Customer + "," + p.Time.Format("2006-01-02") + "," + p.Amount.String() + "," + p.Product + "," + p.Channel + "\n")
	}
	in := filepath.Join(t.TempDir(), "log.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"-in", in, "-product", "product", "-channel", "channel", "-out", t.TempDir()}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), in) || !strings.Contains(out.String(), "portfolio:") {
		t.Errorf("report:\n%s", out.String())
	}
	// Without a known acquisition spend the cohort table has no LTV:CAC.
	if strings.Contains(out.String(), "acquisition spend assumed") {
		t.Error("an own log with an assumed spend")
	}
	checkCohorts(t, out.String())
	bad := filepath.Join(t.TempDir(), "bad.csv")
	_ = os.WriteFile(bad, []byte("customer,date,amount\nx,2024-13-01,3\n"), 0o600)
	if err := run([]string{"-in", bad, "-out", t.TempDir()}, &out); err == nil || !strings.Contains(err.Error(), "row 2") {
		t.Errorf("bad CSV: %v", err)
	}
}

// checkCohorts reads the retention chart back: one row per month since
// acquisition, starting at 100%, percentages in [0, 100] whose bars have
// the length the percentage says.
func checkCohorts(t *testing.T, report string) {
	t.Helper()
	_, chart, ok := strings.Cut(report, "retention by months since first purchase")
	if !ok {
		t.Fatal("no retention chart")
	}
	rows := 0
	for _, line := range strings.Split(chart, "\n")[1:] {
		if !strings.HasPrefix(line, "  m") {
			break
		}
		// The percentage is printed to 0.1, the bars rounded from the
		// unprinted value: they agree to half a bar and 0.05%.
		var age int
		var pct float64
		bars := strings.Count(line, "█")
		fields := strings.Fields(strings.ReplaceAll(line, "█", " "))
		if _, err := fmt.Sscanf(fields[0]+" "+fields[1], "m%d %f%%", &age, &pct); err != nil {
			t.Fatalf("row %q: %v", line, err)
		}
		if age != rows || pct < 0 || pct > 100 || (age == 0 && pct != 100) || math.Abs(float64(bars)-pct*40/100) > 0.5+0.05*40/100 {
			t.Errorf("row %q: age %d, %v%%, %d bars", line, age, pct, bars)
		}
		rows++
	}
	if rows < 12 {
		t.Errorf("%d rows in the retention chart", rows)
	}
}
