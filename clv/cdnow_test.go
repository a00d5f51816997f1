package clv

import (
	"context"
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

// TestCDNOWPublished checks the fits and predictions against the published
// CDNOW figures (REFERENCES.md).
func TestCDNOWPublished(t *testing.T) {
	data := Compress(cdnow(t))
	ctx := context.Background()
	bg, rep, err := FitBGNBD(ctx, data, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "BG/NBD r", bg.R, 0.242593, 1e-4)
	near(t, "BG/NBD alpha", bg.Alpha, 4.413532, 1e-4)
	near(t, "BG/NBD a", bg.A, 0.792886, 1e-4)
	near(t, "BG/NBD b", bg.B, 2.425752, 1e-4)
	near(t, "BG/NBD LL", rep.LogLikelihood, -9582.4256, 1e-6)
	if !rep.Converged || rep.N != 2357 || len(rep.StdErrors) != 4 {
		t.Errorf("report %+v", rep)
	}
	c1 := sum(2, 30.43, 38.86)
	near(t, "E customer 1", bg.ExpectedPurchases(c1, 39), 1.226, 1e-3)
	near(t, "P(alive) customer 1", bg.ProbabilityAlive(c1), 0.7266, 1e-3)
	for i, want := range []float64{0.0532, 0.4318, 1.1950, 1.8580} {
		tt := []float64{1, 10, 39, 78}[i]
		near(t, "E[X(t)] new", bg.ExpectedPurchasesNew(tt), want, 2e-3)
	}
	// R BTYD's documented values, at its rounded parameters.
	btyd := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	near(t, "P(X(39)=0)", btyd.ProbabilityPurchasesNew(0, 39), 0.5737864, 1e-6)
	near(t, "P(X(2)=10)", btyd.ProbabilityPurchasesNew(10, 2), 1.07869e-07, 1e-5)
	for i, want := range []float64{0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638} {
		near(t, "P(X(30)=n)", btyd.ProbabilityPurchasesNew(11+i, 30), want, 1e-6)
	}

	mbg, rep, err := FitMBGNBD(ctx, data, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "MBG/NBD r", mbg.R, 0.524838, 1e-4)
	near(t, "MBG/NBD b", mbg.B, 1.614000, 1e-4)
	near(t, "MBG/NBD LL", rep.LogLikelihood, -9582.1327, 1e-6)

	pn, rep, err := FitParetoNBD(ctx, data, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "Pareto/NBD r", pn.R, 0.553276, 1e-3)
	near(t, "Pareto/NBD alpha", pn.Alpha, 10.577612, 1e-3)
	near(t, "Pareto/NBD s", pn.S, 0.606213, 3e-3)
	near(t, "Pareto/NBD beta", pn.Beta, 11.667907, 1e-2)
	near(t, "Pareto/NBD LL", rep.LogLikelihood, -9594.9739, 1e-6)
	near(t, "Pareto/NBD SE(beta)", rep.StdErrors["beta"], 6.2, 0.05)
	// R BTYD walkthrough customer.
	c := sum(26, 30.86, 31)
	near(t, "Pareto/NBD E[52]", pn.ExpectedPurchases(c, 52), 25.46, 2e-3)
	near(t, "Pareto/NBD P(alive)", pn.ProbabilityAlive(c), 0.9979, 1e-3)
}
