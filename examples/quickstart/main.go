// Command quickstart runs the whole clvkit pipeline on built-in data (or on
// your own transaction log) and prints a report:
//
//	summarise → fit BG/NBD and Gamma-Gamma → check them on a holdout period →
//	customer lifetime value → lifecycle phases and RFM segments → ladder rungs
//	and migration → next best actions and a P.E.S.C.A. plan → cohorts by
//	acquisition month, with a retention chart
//
// It writes its charts as SVG files to the -out folder.
//
// Usage:
//
//	go run ./examples/quickstart [-out DIR] [-customers N] [-seed S]
//	go run ./examples/quickstart -in log.csv [-customer COL] [-time COL] [-amount COL] [-product COL] [-channel COL]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ladder"
	"github.com/clvkit/clvkit/lifecycle"
	"github.com/clvkit/clvkit/pesca"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "quickstart:", err)
		}
		os.Exit(1)
	}
}

type config struct {
	out       string
	customers int
	seed      uint64
	in        string
	cols      [5]string // customer, time, amount, product, channel
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.out, "out", "quickstart-out", "folder for the SVG charts")
	fs.IntVar(&c.customers, "customers", 3000, "customers in the built-in data")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the built-in data")
	fs.StringVar(&c.in, "in", "", "your own transaction log (CSV with a header) instead of the built-in data")
	fs.StringVar(&c.cols[0], "customer", "customer", "customer ID column of -in")
	fs.StringVar(&c.cols[1], "time", "date", "purchase date column of -in (YYYY-MM-DD or RFC 3339)")
	fs.StringVar(&c.cols[2], "amount", "amount", "amount column of -in")
	fs.StringVar(&c.cols[3], "product", "", "product column of -in (optional)")
	fs.StringVar(&c.cols[4], "channel", "", "channel column of -in (optional)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.customers < 50 {
		return fmt.Errorf("-customers %d: want at least 50", c.customers)
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	return report(w, c)
}

func section(w io.Writer, title string) {
	fmt.Fprintf(w, "\n== %s ==\n", title)
}

func report(w *bufio.Writer, c config) error {
	ctx := context.Background()
	var log []clv.Purchase
	var err error
	source := fmt.Sprintf("built-in data: %d customers of a shop (seed %d), 2024-2025", c.customers, c.seed)
	if c.in != "" {
		if log, err = readLog(c); err != nil {
			return err
		}
		source = c.in
	} else {
		log = synthetic(c.customers, c.seed)
	}
	if len(log) == 0 {
		return errors.New("the transaction log is empty")
	}
	end := log[0].Time
	for _, p := range log {
		if p.Time.After(end) {
			end = p.Time
		}
	}
	end = time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
	calEnd := end.AddDate(0, 0, -182)
	fmt.Fprintf(w, "clvkit quickstart — %s\n", source)
	fmt.Fprintf(w, "%d transactions up to %s; calibration ends %s, holdout is the last 26 weeks\n",
		len(log), end.Format(time.DateOnly), calEnd.Format(time.DateOnly))
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}

	// 1. Summaries, calibration and holdout.
	section(w, "1. Summaries (weeks, daily periods, lifetimes conventions)")
	s, err := clv.NewSummarizer(clv.SummaryOptions{End: end, CalibrationEnd: calEnd, Unit: clv.UnitWeek})
	if err != nil {
		return err
	}
	for _, p := range log {
		if err := s.Add(p.Transaction); err != nil {
			return err
		}
	}
	whole := s.Summaries()
	split, err := s.Split()
	if err != nil {
		return err
	}
	cal := make([]clv.Summary, len(split))
	for i, sp := range split {
		cal[i] = sp.Calibration
	}
	repeat := 0
	for _, x := range whole {
		if x.Frequency > 0 {
			repeat++
		}
	}
	fmt.Fprintf(w, "%d customers, %d with repeat purchases; %d were customers by the calibration end\n", len(whole), repeat, len(cal))

	// 2. Models on the calibration period, checked on the holdout.
	section(w, "2. BG/NBD and Gamma-Gamma fitted on the calibration period")
	bgCal, rep, err := clv.FitBGNBD(ctx, clv.Compress(cal), clv.FitOptions{Unit: clv.UnitWeek})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "BG/NBD r=%.4f alpha=%.4f a=%.4f b=%.4f  (LL %.2f, converged %v, %d iterations)\n",
		bgCal.R, bgCal.Alpha, bgCal.A, bgCal.B, rep.LogLikelihood, rep.Converged, rep.Iterations)
	ho, err := clv.EvaluateHoldout(bgCal, split, clv.HoldoutOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "holdout: predicted %.0f repeat purchases, actual %.0f; MAE %.3f, RMSE %.3f, correlation %.3f\n",
		ho.TotalPredicted, ho.TotalActual, ho.MAE, ho.RMSE, ho.Correlation)
	fmt.Fprintln(w, "calibration frequency  customers  mean actual  mean predicted")
	for _, fc := range ho.ByFrequency {
		plus := " "
		if fc.AndAbove {
			plus = "+"
		}
		fmt.Fprintf(w, "  %2d%s %20d %12.3f %15.3f\n", fc.Frequency, plus, fc.Customers, fc.MeanActual, fc.MeanPredicted)
	}

	// 3. The customer base: every customer's value, phase, segment, offers
	// and plan in one call, each column from the package that owns it.
	section(w, "3. Customer lifetime value, next 12 months (4.345-week months, 1% a month, 30% margin)")
	catalogue, planner, err := playbook(log)
	if err != nil {
		return err
	}
	base, err := clvkit.Build(ctx, slices.Values(log), clvkit.Options{
		End: end, Unit: clv.UnitWeek,
		Value:   clv.ValueOptions{Steps: 12, StepLength: 4.345 * 7, DiscountRate: 0.01, Margin: 0.3}, // days
		Offers:  catalogue,
		Planner: planner,
	})
	if err != nil {
		return err
	}
	bg := base.Purchase.(clv.BGNBD)
	// Gamma-Gamma leaves out one-time buyers and repeat buyers whose
	// purchases were all free, and says how many; on a small log it can be
	// unidentified, and the base then values customers at the mean repeat
	// spend (base.Notes says why).
	if gg, ok := base.Spend.(clv.GammaGamma); ok {
		fmt.Fprintf(w, "Gamma-Gamma p=%.3f q=%.3f gamma=%.3f (on %.0f repeat buyers; %d left out: %v)\n",
			gg.P, gg.Q, gg.Gamma, base.SpendFit.N, base.SpendFit.Excluded, base.SpendFit.ExcludedBy)
	}
	for _, n := range base.Notes {
		fmt.Fprintln(w, n)
	}
	values := make([]clv.CustomerValue, len(base.Customers))
	for i, c := range base.Customers {
		values[i] = clv.CustomerValue{ID: c.ID, SpendPerPurchase: c.ExpectedSpend, ExpectedPurchases: c.ValuedPurchases, Value: c.Value}
	}
	pf := clv.SummarizeValues(values)
	fmt.Fprintf(w, "portfolio: %s over %d customers (mean %s)\n", pf.Total, pf.Customers, pf.Mean.Round(2))
	few, share, err := lifecycle.ValuableFew(values, 0.8)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "the valuable few: %d customers (%.1f%%) hold %.0f%% of predicted value\n", len(few), 100*float64(len(few))/float64(len(values)), 100*share)
	fmt.Fprintln(w, "top five:")
	for _, v := range clv.RankByValue(values)[:5] {
		c, _ := base.Customer(v.ID)
		x := c.Summary
		fmt.Fprintf(w, "  %s  x=%d t_x=%.1f T=%.1f  P(alive)=%.3f  spend %s × %.2f purchases → %s\n",
			v.ID, x.Frequency, x.Recency, x.T, c.ProbabilityAlive, v.SpendPerPurchase, v.ExpectedPurchases, v.Value)
	}

	// 4. Lifecycle phases and RFM segments.
	section(w, "4. Lifecycle phases and RFM segments as of "+end.Format(time.DateOnly))
	counts := map[lifecycle.Phase]int{}
	segCount := map[string]int{}
	for _, c := range base.Customers {
		counts[c.Phase]++
		segCount[c.Segment]++
	}
	for _, p := range lifecycle.Phases() {
		if counts[p] > 0 {
			fmt.Fprintf(w, "  %-12s %5d\n", p, counts[p])
		}
	}
	for _, sg := range lifecycle.DefaultSegments() {
		fmt.Fprintf(w, "  %-20s %5d\n", sg.Name, segCount[sg.Name])
	}

	// 5. Ladder rungs and migration.
	section(w, "5. Ladder: rungs by 12-month spend, quarterly migration")
	l, err := ladder.NewLadder([]ladder.Rung{
		{Name: "bronze"},
		{Name: "silver", MinSpend: decimal.NewFromInt(300), MinPurchases: 2},
		{Name: "gold", MinSpend: decimal.NewFromInt(900), MinPurchases: 5},
	}, ladder.LadderOptions{WindowDays: 365, GraceDays: 90})
	if err != nil {
		return err
	}
	byCustomer := map[string][]clv.Purchase{}
	for _, p := range log {
		byCustomer[p.Customer] = append(byCustomer[p.Customer], p)
	}
	var quarters []time.Time
	for q := time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC); !q.After(end); q = q.AddDate(0, 3, 0) {
		quarters = append(quarters, q)
	}
	if c.in != "" || len(quarters) < 2 {
		quarters = []time.Time{end.AddDate(0, -9, 0), end.AddDate(0, -6, 0), end.AddDate(0, -3, 0), end}
	}
	rungNames := []string{"bronze", "silver", "gold", "lost"}
	// Every customer's rung at each quarter end; a year without a purchase
	// counts as lost. A path starts where the customer first stands on a rung.
	ids, paths, err := l.Paths(slices.Values(log), quarters, ladder.PathOptions{LostAfterDays: 365})
	if err != nil {
		return err
	}
	trimmed := make([][]int, len(paths))
	for i, p := range paths {
		for len(p) > 0 && p[0] == ladder.NoRung {
			p = p[1:]
		}
		trimmed[i] = p
	}
	est, err := ladder.Estimate(slices.Values(trimmed), 3, ladder.EstimateOptions{Smoothing: 0.5})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "quarterly transition probabilities (rows: from, columns: to bronze/silver/gold/lost):")
	for i, row := range est.Chain.P[:3] {
		fmt.Fprintf(w, "  %-7s %.3f %.3f %.3f %.3f\n", rungNames[i], row[0], row[1], row[2], row[3])
	}
	// Value per rung: margin per quarter by rung, contact cost 2.
	est.Chain.R = []decimal.Decimal{decimal.NewFromInt(8), decimal.NewFromInt(40), decimal.NewFromInt(120), decimal.Zero}
	rv, err := est.Chain.Value(0.03)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "discounted value per rung (3%% a quarter): bronze %.2f, silver %.2f, gold %.2f\n", rv[0], rv[1], rv[2])
	flow := make([][]float64, 4)
	for i := range flow {
		flow[i] = make([]float64, 4)
	}
	for i := range ids {
		// The last two quarters; a customer who first bought in the last
		// one was nowhere before it.
		p := append([]int{ladder.NoRung}, paths[i]...)
		a, b := p[len(p)-2], p[len(p)-1]
		if a == ladder.NoRung && b == ladder.NoRung {
			continue
		}
		if a == ladder.NoRung {
			a = 3
		}
		if b == ladder.NoRung {
			b = 3
		}
		flow[a][b]++
	}

	// 6. Next best actions and a P.E.S.C.A. plan.
	section(w, "6. Next best actions and P.E.S.C.A. plans")
	shown := 0
	for _, v := range clv.RankByValue(values) {
		if shown == 3 {
			break
		}
		c, _ := base.Customer(v.ID)
		if len(c.Offers) == 0 && shown > 0 {
			continue
		}
		shown++
		fmt.Fprintf(w, "%s (%s, %s, churn risk %.2f, value %s):\n", c.ID, c.Phase, c.Segment, 1-c.ProbabilityAlive, c.Value)
		for _, d := range c.Offers {
			fmt.Fprintf(w, "  offer %-16s EV %s  (%s)\n", d.Offer.ID, d.ExpectedValue.Round(2), d.Reason)
		}
		for _, st := range c.Plan.Steps {
			fmt.Fprintf(w, "  plan  %s %-10s %-22s via %s\n", st.When.Format(time.DateOnly), st.Initiative.Perspective, st.Initiative.Name, st.Channel)
		}
		fmt.Fprintf(w, "  nothing planned for: %v\n", c.Plan.Missing)
	}

	// 7. Never stop measuring: cohorts by acquisition month.
	section(w, "7. Cohorts by acquisition month")
	spend := decimal.Zero
	if c.in == "" {
		spend = decimal.NewFromInt(int64(4 * c.customers / 3)) // about 16 a customer acquired
	}
	if err := cohorts(w, log, end, spend); err != nil {
		return err
	}

	// 8. Charts.
	section(w, "8. Charts")
	files, err := charts(c.out, bg, bgCal, whole, ho, s, byCustomer, ids, end, rungNames, flow)
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintln(w, "  wrote", f)
	}
	return nil
}

func readLog(c config) ([]clv.Purchase, error) {
	f, err := os.Open(c.in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := clv.NewCSVReader(bufio.NewReader(f), clv.CSVOptions{Customer: c.cols[0], Time: c.cols[1], Amount: c.cols[2],
		Product: c.cols[3], Channel: c.cols[4]})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.in, err)
	}
	var out []clv.Purchase
	for p := range r.Purchases() {
		out = append(out, p)
	}
	if r.Err() != nil {
		return nil, fmt.Errorf("%s: %w", c.in, r.Err())
	}
	return out, nil
}

func writeSVG(dir, name string, draw func(io.Writer) error) (string, error) {
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := draw(f); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

// playbook is the shop's offer catalogue and P.E.S.C.A. initiatives; the
// planner also learns the order in which customers acquire products.
func playbook(log []clv.Purchase) ([]lifecycle.Offer, *pesca.Planner, error) {
	effect := 0.2
	catalogue := []lifecycle.Offer{
		{ID: "premium-upgrade", Kind: lifecycle.Upgrade, Product: "premium kit", Requires: []string{"starter kit"},
			MarginChange: decimal.NewFromInt(90), Cost: decimal.NewFromInt(3), AcceptWith: 0.10, AcceptWithout: 0.03,
			Phases: []lifecycle.Phase{lifecycle.Active, lifecycle.Newcomer, lifecycle.Reactivated}},
		{ID: "service-plan", Kind: lifecycle.CrossSell, Product: "service plan", MarginChange: decimal.NewFromInt(40),
			Cost: decimal.NewFromInt(2), AcceptWith: 0.08, AcceptWithout: 0.03},
		{ID: "we-miss-you", Kind: lifecycle.Retention, MarginChange: decimal.NewFromInt(-10), Cost: decimal.NewFromInt(2),
			AcceptWith: 0.5, AcceptWithout: 0.1, ChurnReduction: &effect, MinChurnRisk: 0.4},
		{ID: "win-back", Kind: lifecycle.WinBack, MarginChange: decimal.NewFromInt(25), Cost: decimal.NewFromInt(5),
			AcceptWith: 0.06, AcceptWithout: 0.01, Phases: []lifecycle.Phase{lifecycle.Lapsed, lifecycle.Churned}},
	}
	planner := &pesca.Planner{Initiatives: []pesca.Initiative{
		{ID: "welcome", Perspective: pesca.Experience, Name: "welcome series", Anchor: pesca.FirstPurchase, OffsetDays: 1, WindowDays: 21},
		{ID: "refill-reminder", Perspective: pesca.Content, Name: "refill reminder", Anchor: pesca.LastPurchase, OffsetDays: 30, ExpectedValue: decimal.NewFromInt(6)},
		{ID: "care-call", Perspective: pesca.Service, Name: "care call", Anchor: pesca.LastPurchase, OffsetDays: 60, Channel: "phone", Cost: decimal.NewFromInt(4), ExpectedValue: decimal.NewFromInt(9)},
		{ID: "partner-insurance", Perspective: pesca.Allies, Name: "partner insurance", Anchor: pesca.ProductPurchase, AfterProduct: "premium kit", OffsetDays: 14, ExpectedValue: decimal.NewFromInt(12)},
	}, Sequences: pesca.NewSequences()}
	byCustomer := map[string][]clv.Purchase{}
	for _, p := range log {
		byCustomer[p.Customer] = append(byCustomer[p.Customer], p)
	}
	for _, id := range slices.Sorted(maps.Keys(byCustomer)) {
		if err := planner.Sequences.AddCustomer(byCustomer[id], nil); err != nil {
			return nil, nil, err
		}
	}
	return catalogue, planner, nil
}
