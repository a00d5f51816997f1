package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/examples/internal/svgplot"
)

// charts writes the quickstart's six charts and returns their paths.
func charts(dir string, bg, bgCal clv.BGNBD, whole []clv.Summary, ho clv.HoldoutReport, s *clv.Summarizer,
	byCustomer map[string][]clv.Purchase, ids []string, end time.Time, rungNames []string, flow [][]float64) ([]string, error) {
	var files []string
	add := func(name string, draw func(io.Writer) error) error {
		p, err := writeSVG(dir, name, draw)
		if err == nil {
			files = append(files, p)
		}
		return err
	}
	// Frequency/recency grids for a customer of the longest tenure.
	T := 0.0
	maxF := 0
	for _, x := range whole {
		T = math.Max(T, x.T)
		maxF = max(maxF, x.Frequency)
	}
	maxF = min(maxF, 20)
	const bins = 12
	var cols, rows []string
	for j := range bins {
		cols = append(cols, strconv.Itoa(int(math.Round(T*float64(j)/(bins-1)))))
	}
	expected := make([][]float64, maxF+1)
	alive := make([][]float64, maxF+1)
	for f := 0; f <= maxF; f++ {
		rows = append(rows, strconv.Itoa(f))
		expected[f] = make([]float64, bins)
		alive[f] = make([]float64, bins)
		for j := range bins {
			r := T * float64(j) / (bins - 1)
			if f == 0 {
				r = 0
			}
			c := clv.Summary{Frequency: f, Recency: r, T: T}
			expected[f][j] = bg.ExpectedPurchases(c, 26)
			alive[f][j] = bg.ProbabilityAlive(c)
		}
	}
	title := fmt.Sprintf("Expected purchases in the next 26 weeks (customer age %.0f weeks)", T)
	if err := add("expected_purchases_by_frequency_recency.svg", func(w io.Writer) error {
		return svgplot.Heatmap(w, title, "recency: weeks from first to last purchase", "frequency: repeat purchases", cols, rows, expected, "%.1f")
	}); err != nil {
		return nil, err
	}
	title = fmt.Sprintf("Probability a customer is alive (customer age %.0f weeks)", T)
	if err := add("p_alive_by_frequency_recency.svg", func(w io.Writer) error {
		return svgplot.Heatmap(w, title, "recency: weeks from first to last purchase", "frequency: repeat purchases", cols, rows, alive, "%.2f")
	}); err != nil {
		return nil, err
	}
	// Holdout by calibration frequency.
	var cats []string
	var act, pred []float64
	for _, fc := range ho.ByFrequency {
		name := strconv.Itoa(fc.Frequency)
		if fc.AndAbove {
			name += "+"
		}
		cats = append(cats, name)
		act = append(act, fc.MeanActual)
		pred = append(pred, fc.MeanPredicted)
	}
	if err := add("holdout_by_calibration_frequency.svg", func(w io.Writer) error {
		return svgplot.Bars(w, "Holdout purchases: actual vs BG/NBD prediction", "repeat purchases in the calibration period",
			"mean purchases in the 26-week holdout", cats, []svgplot.Series{{Name: "actual", Y: act}, {Name: "predicted", Y: pred}})
	}); err != nil {
		return nil, err
	}
	// Tracking: cumulative repeat purchases.
	pts, err := s.Tracking(bgCal, 1)
	if err != nil {
		return nil, err
	}
	var x, ya, ye []float64
	for _, p := range pts {
		x = append(x, p.Time)
		ya = append(ya, p.Actual)
		ye = append(ye, p.Expected)
	}
	if err := add("cumulative_repeat_transactions.svg", func(w io.Writer) error {
		return svgplot.Lines(w, "Cumulative repeat purchases: actual vs BG/NBD (fit on calibration)", "weeks since the first purchase in the log",
			"repeat purchases", []svgplot.Series{{Name: "actual", X: x, Y: ya}, {Name: "expected", X: x, Y: ye, Dashed: true}})
	}); err != nil {
		return nil, err
	}
	// One customer's P(alive) over time: the one with the most purchase days.
	who := ids[0]
	for _, id := range ids {
		if len(byCustomer[id]) > len(byCustomer[who]) {
			who = id
		}
	}
	ps := slices.Clone(byCustomer[who])
	slices.SortFunc(ps, func(a, b clv.Purchase) int { return a.Time.Compare(b.Time) })
	var tx, ty, bx, by []float64
	first := ps[0].Time
	for d := first; !d.After(end); d = d.AddDate(0, 0, 7) {
		sm, err := clv.Summarize(func(yield func(clv.Transaction) bool) {
			for _, p := range ps {
				if !yield(p.Transaction) {
					return
				}
			}
		}, clv.SummaryOptions{End: d, Unit: clv.UnitWeek})
		if err != nil {
			return nil, err
		}
		tx = append(tx, d.Sub(first).Hours()/24/7)
		ty = append(ty, bg.ProbabilityAlive(sm[0]))
	}
	for _, p := range ps {
		bx = append(bx, p.Time.Sub(first).Hours()/24/7)
		by = append(by, 1.02)
	}
	if err := add("customer_p_alive_over_time.svg", func(w io.Writer) error {
		return svgplot.Lines(w, "Customer "+who+": probability alive week by week", "weeks since their first purchase", "P(alive)",
			[]svgplot.Series{{Name: "P(alive)", X: tx, Y: ty}, {Name: "purchase day", X: bx, Y: by, Markers: true}})
	}); err != nil {
		return nil, err
	}
	// Ladder flow over the last quarter.
	if err := add("ladder_tier_flow.svg", func(w io.Writer) error {
		return svgplot.Flow(w, "Ladder: where customers moved last quarter", "previous quarter", "this quarter", rungNames, flow)
	}); err != nil {
		return nil, err
	}
	return files, nil
}
