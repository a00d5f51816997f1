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
//   - Decide ranks cross-sell, upgrade, downgrade, retention, win-back,
//     referral, raise-frequency, extend-tenure and data-sharing offers by
//     expected value = uplift × value gained − cost, never recommending a
//     downgrade without a measured effect on churn, nor data sharing
//     without the customer's recorded consent (Customer.DataSharingConsent);
//     development offers count their margin only up to the customer's
//     potential-value gap (Customer.PotentialValue, from the ladder
//     package). An offer may be made through several Channels with their
//     own contact costs and acceptance: the decision takes the one of
//     highest expected value, or the channel of the first purchase when the
//     data say nothing else (Channel). A ContactPolicy then applies caps,
//     cooldowns and quiet periods as of a given time.
//   - PlanARD weighs Acquisition, Retention and Development against one
//     budget: acquisition Campaigns (CAC, expected customers, their LTV)
//     and the decisions above compete for it, the plan takes the set with
//     the highest total expected return — exactly, by enumeration or
//     dynamic programming over the budget, up to documented sizes
//     (ARDMethod), and beyond by a greedy fill whose linear-relaxation
//     bound is reported — and splits it by Lever, every action with its
//     reasons.
//   - CohortBuilder measures, never stopping: by acquisition Month, active
//     customers, retention, repeat rate, revenue, value per customer and,
//     given acquisition spend, LTV:CAC at every month since acquisition,
//     with a pooled RetentionCurve. Builders merge exactly, so shards of a
//     log can be counted anywhere and combined.
//
// Every phase, segment, decision and planned action carries a
// clv.Explanation: the rule (one of the package's Rule constants, such as
// RulePhaseAtRisk, RuleOfferUpgrade or RuleARDRetention), the inputs, the
// thresholds crossed and the expected-value breakdown. Money is
// decimal.Decimal, rounded by clv's one policy (clv.Money); nothing reads
// the system clock.
//
// Days are calendar days by the SDK's one rule, clv.CalendarDay, read in a
// location the caller gives (Histories' loc, History.Location,
// ContactPolicy.Location, CohortOptions.Location; nil means UTC), so a
// purchase falls on the same day here as in clv's summaries, ladder and
// pesca. Bad input — nil models, builders or sequences, repeated customer,
// offer, channel or campaign IDs, negative money, NaN or out-of-range
// probabilities and shares, amounts too large for the planner — is an error
// wrapping ErrInvalidInput or ErrInvalidConfig that names the customer,
// offer, campaign or field, echoing at most 40 characters of any value;
// nothing panics on data.
package lifecycle
