package clv

import (
	"context"
	"encoding/csv"
	"os"
	"strconv"
	"testing"
)

// cdnow reads the published CDNOW summary (Fader, Hardie & Lee 2005): 2357
// customers of the 1997-Q1 cohort, weeks, 39-week calibration period.
func cdnow(t testing.TB) []Summary {
	t.Helper()
	f, err := os.Open("../testdata/cdnow_customers_summary.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []Summary
	for _, r := range rows[1:] {
		x, _ := strconv.Atoi(r[1])
		tx, _ := strconv.ParseFloat(r[2], 64)
		T, _ := strconv.ParseFloat(r[3], 64)
		out = append(out, Summary{ID: r[0], Frequency: x, Recency: tx, T: T, Unit: UnitWeek})
	}
	return out
}

func TestFitCDNOW(t *testing.T) {
	data := Compress(cdnow(t))
	ctx := context.Background()
	bg, rep, err := FitBGNBD(ctx, data, FitOptions{})
	t.Logf("BG/NBD %+v %+v %v", bg, rep, err)
	mbg, rep2, err := FitMBGNBD(ctx, data, FitOptions{})
	t.Logf("MBG/NBD %+v %+v %v", mbg, rep2, err)
	pn, rep3, err := FitParetoNBD(ctx, data, FitOptions{})
	t.Logf("Pareto/NBD %+v %+v %v", pn, rep3, err)
}
