package clv

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
)

func readCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

func atof(t testing.TB, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// cdnow reads the published CDNOW summary (Fader, Hardie & Lee 2005): 2357
// customers of the 1997-Q1 cohort, weeks, 39-week calibration period, with
// the mean repeat spend zbar as MonetaryValue.
func cdnow(t testing.TB) []Summary {
	t.Helper()
	var out []Summary
	for _, r := range readCSV(t, "../testdata/cdnow_customers_summary_with_transactions.csv") {
		out = append(out, Summary{ID: r[0], Frequency: int(atof(t, r[1])), Recency: atof(t, r[2]), T: atof(t, r[3]),
			MonetaryValue: decimal.RequireFromString(r[4]), Unit: UnitWeek})
	}
	return out
}

// donations reads the BG/BB donations data (Fader, Hardie & Shang 2010):
// 11 104 donors, 6 opportunities, 22 patterns.
func donations(t testing.TB) []BGBBPattern {
	t.Helper()
	var out []BGBBPattern
	for _, r := range readCSV(t, "../testdata/donations.csv") {
		out = append(out, BGBBPattern{Frequency: int(atof(t, r[0])), Recency: int(atof(t, r[1])), Periods: int(atof(t, r[2])), Weight: atof(t, r[3])})
	}
	return out
}
