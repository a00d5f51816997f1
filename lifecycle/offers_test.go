package lifecycle

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
)

func decp(s string) *decimal.Decimal { d := dec(s); return &d }

// TestNewKindRules checks the expected-value rule of each new kind on
// figures worked by hand.
func TestNewKindRules(t *testing.T) {
	base := Customer{ID: "c", Phase: Active, Value: dec("1000"), ChurnRisk: 0.2, DataSharingConsent: true}
	for _, c := range []struct {
		name string
		o    Offer
		c    func(Customer) Customer
		ev   string // "" when rejected
		last string // the last fact of a rejection
	}{
		// 0.2 × 90 − 4 = 14.
		{"raise frequency", Offer{ID: "o", Kind: RaiseFrequency, MarginChange: dec("90"), Cost: dec("4"), AcceptWith: 0.25, AcceptWithout: 0.05}, nil, "14", ""},
		// The gap 1030 − 1000 = 30 caps the margin: 0.2 × 30 − 4 = 2.
		{"raise frequency capped", Offer{ID: "o", Kind: RaiseFrequency, MarginChange: dec("90"), Cost: dec("4"), AcceptWith: 0.25, AcceptWithout: 0.05},
			func(c Customer) Customer { c.PotentialValue = decp("1030"); return c }, "2", ""},
		// A potential below the value leaves no headroom: 0.2 × 0 − 4.
		{"upgrade, no headroom", Offer{ID: "o", Kind: Upgrade, MarginChange: dec("90"), Cost: dec("4"), AcceptWith: 0.25, AcceptWithout: 0.05},
			func(c Customer) Customer { c.PotentialValue = decp("900"); return c }, "", "expected value"},
		// A gap larger than the margin changes nothing.
		{"cross-sell under the gap", Offer{ID: "o", Kind: CrossSell, MarginChange: dec("90"), Cost: dec("4"), AcceptWith: 0.25, AcceptWithout: 0.05},
			func(c Customer) Customer { c.PotentialValue = decp("5000"); return c }, "14", ""},
		// Retention is not a development offer: the potential is ignored.
		{"retention ignores the gap", Offer{ID: "o", Kind: Retention, MarginChange: dec("-10"), Cost: dec("1"), AcceptWith: 0.5, AcceptWithout: 0.1, ChurnReduction: ptr(0.1)},
			func(c Customer) Customer { c.PotentialValue = decp("0"); return c }, "35", ""},
		// Extend tenure: 0.2 × 150 − 10 = 20, no churn term even with a
		// known ChurnReduction.
		{"extend tenure", Offer{ID: "o", Kind: ExtendTenure, MarginChange: dec("150"), Cost: dec("10"), AcceptWith: 0.4, AcceptWithout: 0.2, ChurnReduction: ptr(0.5)}, nil, "20", ""},
		{"extend tenure needs a buyer", Offer{ID: "o", Kind: ExtendTenure, MarginChange: dec("150"), AcceptWith: 0.4},
			func(c Customer) Customer { c.Phase = Prospect; return c }, "", "phase"},
		// Data sharing: 0.5 × (12 + (−0.01) × 1000) − 0 = 1.
		{"data sharing", Offer{ID: "o", Kind: DataSharing, Partner: true, MarginChange: dec("12"), AcceptWith: 0.5, ChurnReduction: ptr(-0.01)}, nil, "1", ""},
		{"data sharing without consent", Offer{ID: "o", Kind: DataSharing, Partner: true, MarginChange: dec("12"), AcceptWith: 0.5},
			func(c Customer) Customer { c.DataSharingConsent = false; return c }, "", "consents to sharing data with partners"},
	} {
		cu := base
		if c.c != nil {
			cu = c.c(base)
		}
		chosen, rejected, err := Decide(cu, []Offer{c.o}, decimal.Zero)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.ev != "" {
			if len(chosen) != 1 || !chosen[0].ExpectedValue.Equal(dec(c.ev)) {
				t.Errorf("%s: chosen %v, want EV %s", c.name, chosen, c.ev)
				continue
			}
			sum := decimal.Zero
			for _, term := range chosen[0].Reason.Terms {
				sum = sum.Add(term.Amount)
			}
			if !sum.Equal(chosen[0].ExpectedValue) || chosen[0].Reason.Rule != kindRules[c.o.Kind] {
				t.Errorf("%s: terms add to %s for EV %s, rule %s", c.name, sum, chosen[0].ExpectedValue, chosen[0].Reason.Rule)
			}
			continue
		}
		if len(rejected) != 1 {
			t.Errorf("%s: not rejected: %v", c.name, chosen)
			continue
		}
		if f := rejected[0].Reason.Facts[len(rejected[0].Reason.Facts)-1]; f.Name != c.last || f.Held {
			t.Errorf("%s: rejected by %+v, want %q", c.name, f, c.last)
		}
	}
}

// TestConsentComesFirst: a data-sharing offer's audit trail names the
// missing consent even when other conditions fail too.
func TestConsentComesFirst(t *testing.T) {
	o := Offer{ID: "partner-miles", Kind: DataSharing, Partner: true, MarginChange: dec("5"), AcceptWith: 0.5,
		Phases: []Phase{Churned}, Segments: []string{"Champions"}, MinChurnRisk: 0.9}
	_, rejected, err := Decide(Customer{ID: "c", Phase: Active, ChurnRisk: 0.1}, []Offer{o}, decimal.Zero)
	if err != nil {
		t.Fatal(err)
	}
	if got := rejected[0].Reason.String(); got != "offer/data-sharing: consents to sharing data with partners=false (= true: no)" {
		t.Errorf("reason %q", got)
	}
}

func TestOfferKindNames(t *testing.T) {
	for k, want := range map[OfferKind]string{RaiseFrequency: "raise-frequency", ExtendTenure: "extend-tenure", DataSharing: "data-sharing", OfferKind(9): "OfferKind(9)"} {
		if k.String() != want {
			t.Errorf("%d: %q, want %q", k, k, want)
		}
	}
	// The values are part of the API: never renumbered.
	if CrossSell != 0 || Referral != 5 || RaiseFrequency != 6 || ExtendTenure != 7 || DataSharing != 8 {
		t.Error("offer kinds renumbered")
	}
	for k := range OfferKind(len(kindNames)) {
		if k.Lever() > Develop {
			t.Errorf("%v has no lever", k)
		}
	}
	if OfferKind(200).Lever().String() != "Lever(255)" || Referral.Lever() != Acquire || ExtendTenure.Lever() != Retain || DataSharing.Lever() != Develop {
		t.Error("levers")
	}
}

func TestOfferChannelValidation(t *testing.T) {
	d := decimal.NewFromInt
	for _, c := range []struct {
		name string
		o    Offer
		want string
	}{
		{"data sharing without Partner", Offer{ID: "ds", Kind: DataSharing}, "Partner"},
		{"empty channel name", Offer{ID: "o", Channels: []Channel{{Cost: d(1)}}}, "channel 0: empty Name"},
		{"repeated channel", Offer{ID: "o", Channels: []Channel{{Name: "web"}, {Name: "web"}}}, `channel "web" appears twice`},
		{"negative contact cost", Offer{ID: "o", Channels: []Channel{{Name: "web", Cost: d(-1)}}}, `channel "web": negative Cost -1`},
		{"NaN acceptance", Offer{ID: "o", Channels: []Channel{{Name: "web", AcceptWith: ptr(math.NaN())}}}, `channel "web": AcceptWith NaN`},
		{"long channel name", Offer{ID: "o", Channels: []Channel{{Name: longID, AcceptWith: ptr(2)}}}, strings.Repeat("x", 40) + "…"},
	} {
		_, _, err := Decide(Customer{ID: "c"}, []Offer{c.o}, decimal.Zero)
		if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), strings.Repeat("x", 41)) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
}

// TestChannelRule walks through the channel rule's cases.
func TestChannelRule(t *testing.T) {
	d := decimal.NewFromInt
	offer := func(chs ...Channel) Offer {
		return Offer{ID: "o", Kind: CrossSell, MarginChange: d(100), Cost: d(1), AcceptWith: 0.2, Channels: chs}
	}
	for _, c := range []struct {
		name, first string
		o           Offer
		channel     string
		why         string
		cost        string
	}{
		// Nothing measured: the first-purchase channel, though dearer.
		{"no data, first purchase", "store", offer(Channel{Name: "phone", Cost: d(1)}, Channel{Name: "store", Cost: d(5)}), "store", whyFirstNoData, "6"},
		// Nothing measured and no first channel known: the cheapest.
		{"no data, no first channel", "", offer(Channel{Name: "store", Cost: d(5)}, Channel{Name: "phone", Cost: d(1)}), "phone", whyBest, "2"},
		// The first channel is not offered: the cheapest.
		{"no data, first channel not offered", "app", offer(Channel{Name: "store", Cost: d(5)}, Channel{Name: "phone", Cost: d(1)}), "phone", whyBest, "2"},
		// Measured: the highest EV, even against the first channel.
		{"measured", "store", offer(Channel{Name: "phone", Cost: d(1), AcceptWith: ptr(0.3)}, Channel{Name: "store", Cost: d(5)}), "phone", whyBest, "2"},
		// A tie: the first-purchase channel.
		{"tie, first purchase", "store", offer(Channel{Name: "phone", Cost: d(1), AcceptWith: ptr(0.2)}, Channel{Name: "store", Cost: d(1)}), "store", whyTieFirst, "2"},
		// A tie without the first channel: the first name.
		{"tie, by name", "app", offer(Channel{Name: "store", Cost: d(1), AcceptWith: ptr(0.2)}, Channel{Name: "phone", Cost: d(1)}), "phone", whyTieName, "2"},
	} {
		cu := Customer{ID: "c", Phase: Active, ChurnRisk: 0.1, FirstChannel: c.first}
		chosen, _, err := Decide(cu, []Offer{c.o}, decimal.NewFromInt(-1000))
		if err != nil || len(chosen) != 1 {
			t.Fatalf("%s: %v %v", c.name, chosen, err)
		}
		got := chosen[0]
		why := ""
		for _, f := range got.Reason.Facts {
			if f.Name == "channel chosen by" {
				why = f.Value
			}
		}
		if got.Channel != c.channel || why != c.why || !got.Cost.Equal(dec(c.cost)) {
			t.Errorf("%s: %s (%s), cost %s; want %s (%s), cost %s", c.name, got.Channel, why, got.Cost, c.channel, c.why, c.cost)
		}
	}
}

// TestPropChannels: the chosen channel is the best by expected value unless
// nothing is measured and the first-purchase channel is offered; the cost
// and terms add up; and a customer's channel never depends on the order in
// which the channels are listed.
func TestPropChannels(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCustomer(t)
		cat := genOffers(t)
		chosen, rejected, err := Decide(c, cat, decimal.NewFromInt(-1e9))
		if err != nil {
			t.Fatal(err)
		}
		shuffled := slices.Clone(cat)
		for i := range shuffled {
			shuffled[i].Channels = rapid.Permutation(shuffled[i].Channels).Draw(t, "order")
		}
		again, _, _ := Decide(c, shuffled, decimal.NewFromInt(-1e9))
		for i, d := range chosen {
			if again[i].Channel != d.Channel || !again[i].ExpectedValue.Equal(d.ExpectedValue) {
				t.Fatalf("channel order changed %s: %s vs %s", d.Offer.ID, d.Channel, again[i].Channel)
			}
			o := d.Offer
			if len(o.Channels) == 0 {
				if d.Channel != "" || !d.Cost.Equal(o.Cost) {
					t.Fatalf("no channels, yet channel %q, cost %s", d.Channel, d.Cost)
				}
				continue
			}
			measured, firstOffered := false, false
			var chosenCh Channel
			for _, ch := range o.Channels {
				measured = measured || ch.AcceptWith != nil
				firstOffered = firstOffered || ch.Name == c.FirstChannel
				if ch.Name == d.Channel {
					chosenCh = ch
				}
			}
			if chosenCh.Name == "" || !d.Cost.Equal(o.Cost.Add(chosenCh.Cost)) {
				t.Fatalf("channel %q, cost %s", d.Channel, d.Cost)
			}
			if !measured && firstOffered {
				if d.Channel != c.FirstChannel {
					t.Fatalf("nothing measured: %s, not the first-purchase channel %s", d.Channel, c.FirstChannel)
				}
				continue
			}
			for _, f := range d.Reason.Facts {
				if strings.HasPrefix(f.Name, "expected value via ") {
					if ev := dec(f.Value); ev.GreaterThan(d.ExpectedValue) {
						t.Fatalf("%s beats the chosen %s (%s)", f.Name, d.Channel, d.ExpectedValue)
					} else if ev.Equal(d.ExpectedValue) && f.Name == "expected value via "+c.FirstChannel && d.Channel != c.FirstChannel {
						t.Fatalf("a tie not given to the first-purchase channel")
					}
				}
			}
		}
		for _, d := range rejected {
			if d.Offer.Kind == DataSharing && !c.DataSharingConsent && d.Reason.Facts[0].Name != "consents to sharing data with partners" {
				t.Fatalf("a data-sharing rejection without consent does not say so: %v", d.Reason)
			}
		}
		for _, d := range chosen {
			if d.Offer.Kind == DataSharing && !c.DataSharingConsent {
				t.Fatal("data shared without consent")
			}
			if d.Offer.Kind.needsBuyer() && c.Phase == Prospect {
				t.Fatalf("%s offered to a prospect", d.Offer.Kind)
			}
		}
	})
}

// TestPropPotentialCap: for a development offer the margin counted is
// min(MarginChange, max(gap, 0)); raising the potential never lowers the EV
// of an offer with a non-negative uplift, and an unknown potential is the
// uncapped EV.
func TestPropPotentialCap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCustomer(t)
		o := genOffers(t)[0]
		o.Kind = rapid.SampledFrom([]OfferKind{CrossSell, Upgrade, RaiseFrequency}).Draw(t, "kind")
		o.Phases, o.Product, o.Channels, o.Partner = nil, "", nil, false
		if c.Phase == Prospect {
			c.Phase = Active
		}
		if o.AcceptWith < o.AcceptWithout {
			o.AcceptWith, o.AcceptWithout = o.AcceptWithout, o.AcceptWith
		}
		ev := func(p *decimal.Decimal) decimal.Decimal {
			cu := c
			cu.PotentialValue = p
			chosen, _, err := Decide(cu, []Offer{o}, decimal.NewFromInt(-1e9))
			if err != nil || len(chosen) != 1 {
				t.Fatalf("%v %v", chosen, err)
			}
			return chosen[0].ExpectedValue
		}
		uplift := decimal.NewFromFloat(o.AcceptWith).Sub(decimal.NewFromFloat(o.AcceptWithout))
		p := decimal.New(rapid.Int64Range(-1e6, 2e6).Draw(t, "potential"), -2)
		headroom := decimal.Max(p.Sub(c.Value), decimal.Zero)
		want := uplift.Mul(decimal.Min(o.MarginChange, headroom)).Sub(o.Cost)
		if got := ev(&p); !got.Equal(want) {
			t.Fatalf("EV %s, want %s", got, want)
		}
		higher := p.Add(decimal.New(rapid.Int64Range(0, 1e5).Draw(t, "more"), -2))
		if ev(&higher).LessThan(ev(&p)) {
			t.Fatal("a higher potential lowered the EV")
		}
		if uncapped := uplift.Mul(o.MarginChange).Sub(o.Cost); !ev(nil).Equal(uncapped) || ev(&p).GreaterThan(uncapped) {
			t.Fatalf("unknown potential: %s, want %s", ev(nil), uncapped)
		}
	})
}

func TestDecisionShowsTheCap(t *testing.T) {
	o := Offer{ID: "premium", Kind: Upgrade, MarginChange: dec("300"), Cost: dec("25"), AcceptWith: 0.3, AcceptWithout: 0.05}
	c := Customer{ID: "cora", Phase: Active, Value: dec("1000"), PotentialValue: decp("1100"), ChurnRisk: 0.1}
	chosen, rejected, _ := Decide(c, []Offer{o}, decimal.Zero)
	if len(chosen) != 0 || len(rejected) != 1 {
		t.Fatalf("chosen %v", chosen)
	}
	r := rejected[0].Reason
	want := "offer/upgrade: potential value gap=100, uplift=0.25, expected value=0 (> 0: no); uplift × margin change capped at the potential value gap 100 25, uplift × churn value saved 0, cost -25"
	if r.String() != want || rejected[0].PotentialGap == nil || !rejected[0].PotentialGap.Equal(dec("100")) {
		t.Errorf("reason\n%s\nwant\n%s", r, want)
	}
	var _ clv.Explanation = r
}
