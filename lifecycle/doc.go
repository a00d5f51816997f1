// Package lifecycle places customers in their life with the business and
// decides what to offer them next, with the reasons.
//
// A customer lifecycle programme tracks each customer, places them in a
// segment and a phase, evaluates current and potential value, assigns a
// churn probability and has the right offer ready for each phase (cross
// sell, upgrade, downgrade); customer centricity adds the economics: focus
// on the valuable few, and keep LTV at least three times the cost of
// acquisition. This package turns those into typed, deterministic
// functions:
//
//   - Histories builds each customer's purchase history as of a date;
//     PhaseRules.Assign places them in exactly one Phase (Prospect,
//     Newcomer, Active, AtRisk, Lapsed, Churned, Reactivated) by recency and
//     tenure thresholds and, optionally, P(alive) from any AliveModel (every
//     clv transaction model is one); Changes lists who moved between two
//     dates.
//   - ScoreRFM gives quantile recency, frequency and monetary scores with an
//     order-independent tie rule; a SegmentMap (DefaultSegments: Champions …
//     Lost) is checked at construction to cover every cell exactly once.
//   - ValuableFew, Concentration and AssignTiers rank predicted value (from
//     clv.LifetimeValue); ChurnProbability and SubscriptionChurn give churn
//     risk; LTVToCAC, SubscriptionLTV, RetentionValue (three cash-timing
//     conventions), MarginMultiple and UndiscountedValue do the economics.
//   - Decide ranks cross-sell, upgrade, downgrade, retention, win-back and
//     referral offers by expected value = uplift × value gained − cost,
//     never recommending a downgrade without a measured effect on churn; a
//     ContactPolicy then applies caps, cooldowns and quiet periods as of a
//     given time.
//
// Every phase, segment and decision carries a clv.Explanation: the rule
// (one of the package's Rule constants, such as RulePhaseAtRisk or
// RuleOfferUpgrade), the inputs, the thresholds crossed and the
// expected-value breakdown. Money is decimal.Decimal, rounded by clv's one
// policy (clv.Money); nothing reads the system clock.
//
// Days are calendar days by the SDK's one rule, clv.CalendarDay, read in a
// location the caller gives (Histories' loc, History.Location,
// ContactPolicy.Location; nil means UTC), so a purchase falls on the same
// day here as in clv's summaries, ladder and pesca. Bad input — nil models
// or sequences, repeated customer or offer IDs, negative money, NaN or
// out-of-range probabilities and shares — is an error wrapping
// ErrInvalidInput or ErrInvalidConfig that names the customer, offer or
// field, echoing at most 40 characters of any value; nothing panics on
// data.
package lifecycle
