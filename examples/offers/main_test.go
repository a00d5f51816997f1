package main

import (
	"strings"
	"testing"
)

func TestOffers(t *testing.T) {
	var b strings.Builder
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		// Ranked offers with their reasons, the downgrade only with a
		// measured effect on churn.
		"basic-plan           EV ", "not basic-plan-untested (effect on churn known = false", "refer-a-friend",
		// Channels: telemarketing beats the branch on expected value; with
		// nothing measured, the channel of the first purchase.
		"gold-card            EV    5.80 via phone", "expected value via branch=4.6",
		"travel-insurance     EV    1.60 via phone", "channel chosen by=first-purchase channel, no acceptance measured by channel",
		// The new kinds, consent and the potential-value cap.
		"renewal-bonus        EV   20.00", "offer/extend-tenure", "double-points        EV    4.00",
		"uplift × margin change capped at the potential value gap 40 8", "not gold-card        (expected value = -1.4",
		"partner-travel-deals EV    5.70", "not partner-travel-deals (consents to sharing data with partners = false, wanted = true)",
		// The ARD plan: exact, within budget, split by lever.
		"ARD plan for a budget of 110", "exact true", "do   acquisition targeted-telemarketing", "skip acquisition street-team",
		"LTV:CAC = 1.49, wanted >= 3", "cost against the budget left = 10, wanted <= 5",
		"spend 105.00 of 110 for an expected return of 627.15: acquisition 95%, retention 1%, development 4%",
		// The contact policy on the plan's offers.
		"send fee-holiday to ben", "hold partner-travel-deals for cora", "contacts in the last",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
