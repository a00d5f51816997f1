// Package rundle compares bundles with recurring bundles ("rundles").
//
// Seed 000 contrasts a bundle — an obvious combination at an acceptable
// saving — with a rundle: a subscription that keeps adding products,
// services, content and experiences so that the value a member perceives
// far exceeds the price and nobody thinks of cancelling (Amazon Prime). This
// package gives the numbers a business needs to design one:
//
//   - Bundle.Figures: a bundle's saving, margin and perceived value.
//   - Market: buyers' reservation prices for components; Evaluate lets each
//     buyer pick the option with the largest surplus under an explicit tie
//     rule, and OptimizeSeparate, OptimizePure and OptimizeMixed find the
//     profit-maximising prices of selling separately, bundling purely and
//     mixed bundling (Adams & Yellen 1976, "Commodity bundling and the
//     burden of monopoly", QJE 90(3)).
//   - Rundle: a price per period, benefits that start at a tenure and may
//     cut churn, and retention from clv's shifted-beta-geometric model.
//     LifetimeValue and ResidualValue (the DEL and DERL of Fader & Hardie,
//     with margins), Timeline (perceived value against price over time),
//     AddBenefit (value to the member, cost to us, retention effect),
//     BestBenefits (the set that maximises lifetime value within a cost
//     budget) and CompareConversion (one-off buyers versus members).
//
// Money is decimal.Decimal, rounded once to the cent (half to even) where
// a computation in float64 produces it; probabilities and rates are
// float64.
package rundle
