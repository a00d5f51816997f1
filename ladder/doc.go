// Package ladder implements the customer ladder, which helps customers
// climb from low use and commitment to the best customers' rung: value
// tiers (rungs) customers climb or fall from, the Markov-chain model of how they
// move (Pfeifer & Carraway 2000, "Modeling customer relationships as Markov
// chains", Journal of Interactive Marketing 14(2)), migration goals with
// deadlines, trigger-based messages, and incentives and rewards for the
// customers who climb.
//
//   - A Ladder orders Rungs by qualification rules on spend and purchases in
//     a window, predicted value and products held; Place assigns a customer
//     as of a date, keeping them on their rung through a grace period before
//     a demotion.
//   - Estimate counts moves between rungs in periodic snapshots into a
//     Chain (rungs plus an absorbing lost state: NoRung in paths, the last
//     state in a Chain), with optional Laplace smoothing and a Wilson
//     confidence interval for every probability;
//     Rates gives up, stay, down and loss rates per rung, and Precursors
//     tallies which triggers preceded each move.
//   - Chain.Project, LongRun and PeriodsBeforeLoss (the fundamental matrix)
//     describe where customers go; Value computes each rung's expected
//     discounted value V = (I − P/(1+d))⁻¹R and ValueOver its finite-horizon
//     form; ImprovePolicy stops marketing where V < 0 and recomputes until no
//     marketed rung is negative.
//   - ShareGoal and RecontactGoal are measurable migration goals with a
//     deadline; their Progress says how far along they are and whether they
//     are on track.
//   - Triggers (SmallBaskets, LargePurchase, ExpiredInactive) turn a
//     customer's purchases into actions with reasons; Fire runs many of them
//     deterministically.
//   - Plans and Rewards price a migration programme; PricePlans weighs the
//     value of the projected moves against incentive and reward costs in a
//     PlanReturn.
//
// Placements, actions, goal progress, grants and plan returns carry a
// clv.Explanation whose Rule is one of the package's Rule constants
// (RuleGrace, RuleSmallBaskets, RulePlanReturn, …).
//
// Money is decimal.Decimal; probabilities are float64; every "as of"
// question takes the time as an argument. Days — placement windows and
// grace, trigger windows, days since a contract expired, recontact goals —
// are calendar days by the SDK's one rule, clv.CalendarDay, in a location
// the caller gives (Place's loc, Situation.Location, RecontactGoal.Location;
// nil means UTC).
//
// Bad input — nil or zero ladders, nil triggers or path sequences, repeated
// customers, trigger names, plans or rewards, negative money, NaN or
// out-of-range probabilities — is an error wrapping ErrInvalidInput or
// ErrInvalidConfig that names the customer or field, echoing at most 40
// characters of any value; nothing panics on data.
package ladder
