// Package clvkit is a Go SDK for customer lifetime value (CLV) and
// customer-lifecycle decisions: for every customer, what are they worth, are
// they still alive, where are they in their life with us, and what should we
// offer them next.
//
// The SDK is a set of focused packages, and this root package composes them
// into one customer view: Build reads a purchase log once and returns a Base
// of Customers, each with their summary, P(alive), expected purchases and
// spend, lifetime value, lifecycle phase, RFM segment, offers, ladder rung
// and next P.E.S.C.A. steps, every column computed by the package that owns
// it (clv, lifecycle, ladder, pesca) and carrying its reasons. Units are
// converted, never misread; the dependency direction stays one way (this
// package imports the others, none imports it).
//
//   - clv is the statistical core: transactions, per-customer summaries
//     (frequency, recency, age, spend) in the conventions of Python
//     lifetimes, the buy-till-you-die models (BG/NBD, MBG/NBD, Pareto/NBD,
//     BG/BB, shifted-beta-geometric), Gamma-Gamma spend, discounted lifetime
//     value in money and holdout evaluation. It imports none of its
//     siblings.
//   - lifecycle places customers in lifecycle phases and RFM segments,
//     assigns churn risk and value, and decides cross-sell, upgrade,
//     downgrade, retention and win-back offers with their reasons.
//   - ladder models value tiers and the migration between them
//     (Pfeifer & Carraway's Markov chain), goals, triggers and rewards.
//   - rundle prices bundles against separate sales and values recurring
//     subscription bundles.
//   - pesca plans sequential offers across the five P.E.S.C.A. perspectives
//     (Product, Experiences, Service, Content, Allies).
//   - examples holds runnable programs: quickstart (the whole pipeline on
//     built-in data, with charts), one program per scenario (hotel,
//     ladder, prime, pesca, offers, cdnow) and clvtool, a command-line tool
//     over the library for analysts and for checking it against other
//     tools.
//
// Data flows one way: transactions → summaries → fitted models →
// per-customer predictions and value → phases, segments, rungs → decisions
// and plans. Money crosses every public boundary as decimal.Decimal from
// github.com/shopspring/decimal, rounded by one policy (clv.Money);
// probabilities and rates are float64. Every decision carries a
// clv.Explanation whose Rule is a constant of the package that made it.
//
// A short example, summarising a log as Python lifetimes would:
//
//	s, err := clv.NewSummarizer(clv.SummaryOptions{End: end, Unit: clv.UnitWeek})
//	if err != nil { ... }
//	if err := s.AddAll(transactions); err != nil { ... }
//	for _, c := range s.Summaries() {
//		fmt.Println(c.ID, c.Frequency, c.Recency, c.T, c.MonetaryValue)
//	}
package clvkit
