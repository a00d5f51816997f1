package main

import (
	"github.com/clvkit/clvkit/lifecycle"
	"github.com/clvkit/clvkit/pesca"
	"github.com/shopspring/decimal"
)

func money(v int64) decimal.Decimal { return decimal.NewFromInt(v) }

// Business is a P.E.S.C.A. catalogue: the sequential offers one business
// plans after a first purchase, across the five perspectives.
type Business struct {
	Name        string
	Initiatives []pesca.Initiative
}

// The three businesses: financial services, a school and a donut shop.
// Their lists all end, as sequential value offers do,
// with loyalty, referrals and repurchase.
func catalogues() []Business {
	active := []lifecycle.Phase{lifecycle.Newcomer, lifecycle.Active, lifecycle.Reactivated}
	return []Business{
		{Name: "financial services", Initiatives: []pesca.Initiative{
			{ID: "fs-card", Perspective: pesca.Product, Name: "credit card", Product: "credit card", Requires: []string{"current account"},
				Anchor: pesca.FirstPurchase, OffsetDays: 30, ExpectedValue: money(180), Cost: money(12), Owner: "cards"},
			{ID: "fs-insurance", Perspective: pesca.Product, Name: "home insurance", Product: "home insurance", Requires: []string{"mortgage"},
				Anchor: pesca.ProductPurchase, AfterProduct: "mortgage", OffsetDays: 14, WindowDays: 60, ExpectedValue: money(240), Cost: money(20), Owner: "insurance"},
			{ID: "fs-investments", Perspective: pesca.Product, Name: "investment fund", Product: "investment fund", Phases: active,
				Anchor: pesca.LastPurchase, OffsetDays: 90, ExpectedValue: money(300), Cost: money(25), Owner: "wealth"},
			{ID: "fs-refinance", Perspective: pesca.Service, Name: "refinancing review", Requires: []string{"mortgage"},
				Anchor: pesca.ProductPurchase, AfterProduct: "mortgage", OffsetDays: 365, ExpectedValue: money(150), Cost: money(40), Owner: "advisers", Channel: "branch"},
			{ID: "fs-welcome", Perspective: pesca.Experience, Name: "welcome and app onboarding", Anchor: pesca.FirstPurchase, OffsetDays: 1, WindowDays: 30, ExpectedValue: money(10), Cost: money(1), Owner: "marketing"},
			{ID: "fs-education", Perspective: pesca.Content, Name: "financial education series", Anchor: pesca.FirstPurchase, OffsetDays: 7, ExpectedValue: money(8), Cost: money(1), Owner: "content"},
			{ID: "fs-travel", Perspective: pesca.Allies, Name: "partner travel benefits", Requires: []string{"credit card"}, Anchor: pesca.ProductPurchase, AfterProduct: "credit card", OffsetDays: 45, ExpectedValue: money(20), Owner: "partnerships"},
			{ID: "fs-loyalty", Perspective: pesca.Experience, Name: "loyalty points and referrals", Phases: active, Anchor: pesca.LastPurchase, OffsetDays: 30, ExpectedValue: money(25), Cost: money(5), Owner: "loyalty"},
		}},
		{Name: "school", Initiatives: []pesca.Initiative{
			{ID: "sc-prepay", Perspective: pesca.Product, Name: "prepay the year at a discount", Requires: []string{"enrolment"}, Anchor: pesca.ProductPurchase, AfterProduct: "enrolment", OffsetDays: 10, WindowDays: 30, ExpectedValue: money(120), Cost: money(60), Owner: "admissions"},
			{ID: "sc-extracurricular", Perspective: pesca.Product, Name: "extracurricular activities", Product: "extracurricular", Anchor: pesca.FirstPurchase, OffsetDays: 30, ExpectedValue: money(400), Cost: money(50), Owner: "activities"},
			{ID: "sc-meals", Perspective: pesca.Service, Name: "meal plan", Product: "meal plan", Anchor: pesca.FirstPurchase, OffsetDays: 5, ExpectedValue: money(300), Cost: money(30), Owner: "canteen"},
			{ID: "sc-trip", Perspective: pesca.Experience, Name: "school trip", Phases: active, Anchor: pesca.FirstPurchase, OffsetDays: 120, ExpectedValue: money(150), Cost: money(20), Owner: "teachers"},
			{ID: "sc-parents", Perspective: pesca.Content, Name: "courses for parents", Anchor: pesca.FirstPurchase, OffsetDays: 60, ExpectedValue: money(60), Cost: money(10), Owner: "community"},
			{ID: "sc-certs", Perspective: pesca.Allies, Name: "partner micro-certifications", Anchor: pesca.FirstPurchase, OffsetDays: 180, ExpectedValue: money(90), Cost: money(15), Owner: "partnerships"},
			{ID: "sc-referral", Perspective: pesca.Experience, Name: "refer a family, re-enrol next year", Anchor: pesca.ProductPurchase, AfterProduct: "enrolment", OffsetDays: 300, ExpectedValue: money(500), Cost: money(50), Owner: "admissions"},
		}},
		{Name: "donut shop", Initiatives: []pesca.Initiative{
			{ID: "ds-coffee", Perspective: pesca.Product, Name: "morning coffee pairing", Product: "coffee", Anchor: pesca.LastPurchase, OffsetDays: 0, WindowDays: 7, ExpectedValue: money(3), Owner: "counter"},
			{ID: "ds-box", Perspective: pesca.Product, Name: "dozen box for the office", Product: "dozen box", Anchor: pesca.LastPurchase, OffsetDays: 3, ExpectedValue: money(12), Cost: money(1), Owner: "corporate"},
			{ID: "ds-subscription", Perspective: pesca.Product, Name: "weekly donut subscription", Product: "subscription", Phases: active, Anchor: pesca.FirstPurchase, OffsetDays: 21, ExpectedValue: money(60), Cost: money(5), Owner: "subscriptions"},
			{ID: "ds-delivery", Perspective: pesca.Service, Name: "delivery and catering", Anchor: pesca.LastPurchase, OffsetDays: 14, ExpectedValue: money(20), Cost: money(2), Owner: "operations", Channel: "app"},
			{ID: "ds-event", Perspective: pesca.Experience, Name: "tasting event", Anchor: pesca.FirstPurchase, OffsetDays: 30, ExpectedValue: money(8), Cost: money(3), Owner: "marketing"},
			{ID: "ds-menu", Perspective: pesca.Content, Name: "menu by time of day", Anchor: pesca.LastPurchase, OffsetDays: 1, ExpectedValue: money(2), Owner: "content"},
			{ID: "ds-frozen", Perspective: pesca.Allies, Name: "frozen range at partner stores", Anchor: pesca.FirstPurchase, OffsetDays: 60, ExpectedValue: money(6), Owner: "retail partners"},
			{ID: "ds-loyalty", Perspective: pesca.Experience, Name: "stamp card: the 10th is free", Anchor: pesca.FirstPurchase, OffsetDays: 0, WindowDays: 365, ExpectedValue: money(15), Cost: money(2), Owner: "loyalty"},
		}},
	}
}
