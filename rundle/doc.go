// Package rundle compares bundles with recurring bundles ("rundles").
//
// A bundle is an obvious combination at an acceptable saving; a rundle is
// a subscription that keeps adding products, services, content and
// experiences so that the value a member perceives far exceeds the price
// and nobody thinks of cancelling (Amazon Prime). This package gives the
// numbers a business needs to design one:
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
// # What "exact" means
//
// The optimisers never price below cost unless asked (no sale loses
// money), and say what they guarantee:
//
//   - OptimizeSeparate and OptimizePure are exact over all prices for any
//     number of components: each tries every reservation price (or bundle
//     valuation) at or above cost, O(n log n) for n buyers.
//   - OptimizeMixed is exact for one to three components over prices on a
//     grid (multiples of OptimizeOptions.Tick, default a cent): no pricing
//     on that grid earns more. Demand is piecewise constant in the prices,
//     so an optimum sits where raising any price by a tick changes some
//     buyer's choice; search.go proves which prices that leaves. For two
//     components they are reservation prices, bundle prices r₁ + min(r₂, p₂)
//     and min(r₁, p₁) + r₂, and a tick below a bundle valuation minus a
//     reservation price: at most about 8n³ pricings scored (72 ms for 100
//     buyers, a minute for 1000). For three, an optimal price can be
//     half a sum of reservation prices, so the search tries every tick
//     price of one component: about 4·G·n⁴ for G such prices. Past
//     OptimizeOptions.MaxEvaluations (default 10⁹), or with four or more
//     components, it returns an error wrapping ErrNotExact, or with
//     Approximate a local optimum by coordinate ascent.
//
// Lifetime sums are not truncated: once the benefits settle, the infinite
// rest of a member's discounted margins is an sBG's ₂F₁ closed form, or is
// added period by period until a bound on what is left falls below 1e−7.
//
// Money is decimal.Decimal, rounded once to the cent (half to even, by
// clv.Money) where a computation in float64 produces it; probabilities and rates are
// float64. Invalid input (negative money, NaN or infinite rates, shares out
// of range, duplicate IDs or benefit names, mismatched lengths) is an error
// that names the field; nothing in the package panics on data.
package rundle
