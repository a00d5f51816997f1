package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/clvkit/clvkit"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/examples/internal/playbook"
	"github.com/clvkit/clvkit/ladder"
)

// horizonDays is the horizon of expected_purchases: 52 weeks.
const horizonDays = 52 * 7

// snapshot is one model version and the customer view it gives, built once
// and never changed: handlers load it with one atomic read, so a request
// sees one version from start to end, whatever refits run meanwhile.
type snapshot struct {
	rec   ModelRecord
	base  *clvkit.Base
	rungs []ladder.Rung
	// byValue indexes base.Customers, most valuable first (ties by ID).
	byValue []int
}

// buildSnapshot builds the customer view of rec's models on purchases
// (those up to rec.ThroughID), as of rec.AsOf in loc.
func buildSnapshot(ctx context.Context, rec ModelRecord, purchases []clv.Purchase, loc *time.Location) (*snapshot, error) {
	pm, _, err := clv.UnmarshalModel(rec.Purchase)
	if err != nil {
		return nil, fmt.Errorf("model version %d purchase model: %w", rec.Version, err)
	}
	tm, ok := pm.(clv.TransactionModel)
	if !ok {
		return nil, fmt.Errorf("model version %d: %s is not a purchase model", rec.Version, pm.Name())
	}
	sm, _, err := clv.UnmarshalModel(rec.Spend)
	if err != nil {
		return nil, fmt.Errorf("model version %d spend model: %w", rec.Version, err)
	}
	spend, ok := sm.(clv.SpendModel)
	if !ok {
		return nil, fmt.Errorf("model version %d: %s is not a spend model", rec.Version, sm.Name())
	}
	end, err := time.ParseInLocation(time.DateOnly, rec.AsOf, loc)
	if err != nil {
		return nil, fmt.Errorf("model version %d as_of: %w", rec.Version, err)
	}
	opts, err := playbook.Options(end, loc, rec.Unit)
	if err != nil {
		return nil, err
	}
	opts.Purchase, opts.Spend, opts.Horizon = tm, spend, horizonDays
	opts.Planner = nil // the service does not serve plans: do not compute them
	base, err := clvkit.Build(ctx, slices.Values(purchases), opts)
	if err != nil {
		return nil, fmt.Errorf("model version %d: %w", rec.Version, err)
	}
	byValue := make([]int, len(base.Customers))
	for i := range byValue {
		byValue[i] = i
	}
	slices.SortStableFunc(byValue, func(i, j int) int { return base.Customers[j].Value.Cmp(base.Customers[i].Value) })
	return &snapshot{rec: rec, base: base, rungs: opts.Ladder.Rungs(), byValue: byValue}, nil
}

// modelView is the JSON of a model version: clvtool's model JSON (with the
// fit report and unit) under "purchase" and "spend".
type modelView struct {
	Version      int64           `json:"version"`
	AsOf         string          `json:"as_of"`
	Unit         string          `json:"unit"`
	Customers    int             `json:"customers"`
	Transactions int64           `json:"transactions"`
	FittedAt     time.Time       `json:"fitted_at"`
	Purchase     json.RawMessage `json:"purchase"`
	Spend        json.RawMessage `json:"spend"`
}

func (s *snapshot) modelView() modelView {
	r := s.rec
	return modelView{Version: r.Version, AsOf: r.AsOf, Unit: r.Unit.String(), Customers: r.Customers,
		Transactions: r.Transactions, FittedAt: r.FittedAt, Purchase: r.Purchase, Spend: r.Spend}
}

// customerView is GET /v1/customers/{id}. Recency and T are in the model's
// unit; expected_purchases is over the next 52 weeks; expected_spend (per
// purchase) and clv (the next 12 months, 1% a month discount) are money to
// the cent, as decimal strings.
type customerView struct {
	ID                string      `json:"id"`
	ModelVersion      int64       `json:"model_version"`
	AsOf              string      `json:"as_of"`
	Unit              string      `json:"unit"`
	Frequency         int         `json:"frequency"`
	Recency           float64     `json:"recency"`
	T                 float64     `json:"T"`
	PAlive            float64     `json:"p_alive"`
	ExpectedPurchases float64     `json:"expected_purchases"`
	ExpectedSpend     string      `json:"expected_spend"`
	CLV               string      `json:"clv"`
	Phase             string      `json:"phase"`
	PhaseReason       reasonView  `json:"phase_reason"`
	Segment           string      `json:"segment"`
	Rung              string      `json:"rung"`
	Offers            []offerView `json:"offers"`
}

type offerView struct {
	ID            string     `json:"id"`
	Kind          string     `json:"kind"`
	Product       string     `json:"product,omitempty"`
	ExpectedValue string     `json:"expected_value"`
	Reason        reasonView `json:"reason"`
}

// reasonView is a clv.Explanation: the rule, the facts it read and, for
// money decisions, the expected-value terms; text is its one-line form.
type reasonView struct {
	Rule  string     `json:"rule"`
	Text  string     `json:"text"`
	Facts []factView `json:"facts"`
	Terms []termView `json:"terms,omitempty"`
}

type factView struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Op    string `json:"op,omitempty"`
	Limit string `json:"limit,omitempty"`
	Held  bool   `json:"held"`
}

type termView struct {
	Name   string `json:"name"`
	Amount string `json:"amount"`
}

func newReasonView(e clv.Explanation) reasonView {
	v := reasonView{Rule: string(e.Rule), Text: e.String(), Facts: []factView{}}
	for _, f := range e.Facts {
		v.Facts = append(v.Facts, factView{Name: f.Name, Value: f.Value, Op: string(f.Op), Limit: f.Limit, Held: f.Held})
	}
	for _, t := range e.Terms {
		v.Terms = append(v.Terms, termView{Name: t.Name, Amount: t.Amount.String()})
	}
	return v
}

func (s *snapshot) customerView(c clvkit.Customer) customerView {
	rung := ""
	if c.Rung >= 0 && c.Rung < len(s.rungs) {
		rung = s.rungs[c.Rung].Name
	}
	v := customerView{
		ID: c.ID, ModelVersion: s.rec.Version, AsOf: s.rec.AsOf, Unit: s.rec.Unit.String(),
		Frequency: c.Summary.Frequency, Recency: c.Summary.Recency, T: c.Summary.T,
		PAlive: c.ProbabilityAlive, ExpectedPurchases: c.ExpectedPurchases,
		ExpectedSpend: c.ExpectedSpend.StringFixed(2), CLV: c.Value.StringFixed(2),
		Phase: c.Phase.String(), PhaseReason: newReasonView(c.PhaseReason), Segment: c.Segment, Rung: rung,
		Offers: []offerView{},
	}
	for _, d := range c.Offers {
		v.Offers = append(v.Offers, offerView{ID: d.Offer.ID, Kind: d.Offer.Kind.String(), Product: d.Offer.Product,
			ExpectedValue: d.ExpectedValue.StringFixed(2), Reason: newReasonView(d.Reason)})
	}
	return v
}

// top returns the n most valuable customers (ties by ID).
func (s *snapshot) top(n int) []customerView {
	n = min(n, len(s.byValue))
	out := make([]customerView, n)
	for i, j := range s.byValue[:n] {
		out[i] = s.customerView(s.base.Customers[j])
	}
	return out
}
