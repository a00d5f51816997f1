// Package ladder implements the customer ladder, which helps customers
// climb from low use and commitment to the best customers' rung: value
// tiers (rungs) customers climb or fall from, the Markov-chain model of how they
// move (Pfeifer & Carraway 2000, "Modeling customer relationships as Markov
// chains", Journal of Interactive Marketing 14(2)), each customer's
// potential value, migration goals with deadlines, trigger-based messages,
// and incentives and rewards for the customers who climb, paid in loyalty
// points. The source is Gomez, "Haz que tus clientes suban por la escalera"
// (2015): analyse at least two years of data, set migration goals, define
// communications and incentives per category, and reward the customers who
// change their behaviour.
//
//   - A Ladder orders Rungs by qualification rules on spend and purchases in
//     a window, predicted value and products held; Place assigns a customer
//     as of a date, keeping them on their rung through a grace period before
//     a demotion.
//   - Ladder.Paths places every customer of a purchase log at each
//     snapshot date. Estimate counts moves between rungs in those paths
//     into a Chain (rungs plus an absorbing lost state: NoRung in paths,
//     the last state in a Chain), with optional Laplace smoothing and a
//     Wilson confidence interval for every probability; given the snapshot
//     dates it reports the History it used — the span and the customers in
//     each period — and EstimateOptions.MinYears makes less than the
//     article's two years an error (ErrShortHistory). Rates gives up, stay,
//     down and loss rates per rung, and Precursors tallies which triggers
//     preceded each move.
//   - Ladder.PotentialValues evaluates each customer's current and potential
//     value, as the cross-sell article asks ("evaluar su valor actual y
//     potencial", Peal one to one, "Rentabilización de clientes"):
//     potential is the value the customer would have if they bought like
//     the customers one rung above — the larger of their current value and
//     the median (or another quantile) of the values on the rung above —
//     and the gap is potential − current. The top rung has no rung above
//     (potential = current), and a rung above with fewer than MinCustomers
//     customers gives no estimate, reported per customer and per rung;
//     Potentials.ByGap lists the largest gaps first for development plans.
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
//     PlanReturn. RewardMoves grants the rewards of the moves observed.
//   - Ledger is a loyalty points ledger, the six-methods article's
//     programme of "puntos que pueden canjear por descuentos": earn, redeem
//     and adjust events per customer (int64 points, idempotent by event
//     ID), lots spent oldest first, expiry ExpiryMonths after earning and
//     optionally after InactivityMonths without activity (derived Expire
//     entries), redemptions refused beyond the balance as of their time
//     (ErrInsufficientPoints), and the programme's Liability in money after
//     breakage. Balances are the same whatever order the events were
//     posted in. GrantEvents turns reward grants into earn events with IDs
//     derived from the grants, so ladder rewards post to the ledger once.
//
// Placements, actions, goal progress, grants, potentials, liabilities and
// plan returns carry a clv.Explanation whose Rule is one of the package's
// Rule constants (RuleGrace, RuleSmallBaskets, RulePotential,
// RuleLiability, RulePlanReturn, …).
//
// Money is decimal.Decimal; probabilities are float64; every "as of"
// question takes the time as an argument. Days — placement windows and
// grace, trigger windows, days since a contract expired, recontact goals,
// points expiry, snapshot dates — are calendar days by the SDK's one rule,
// clv.CalendarDay, in a location the caller gives (Place's loc,
// Situation.Location, RecontactGoal.Location, LedgerOptions.Location,
// EstimateOptions.Location; nil means UTC). Points are int64 counts; the
// liability is rounded once by the SDK's money rule (clv.RoundMoney).
//
// Bad input — nil or zero ladders, nil triggers or path sequences, repeated
// customers, trigger names, plans or rewards, negative money, NaN or
// out-of-range probabilities, points that overflow int64, times outside
// years 1 to 9999 in the ledger — is an error wrapping ErrInvalidInput or
// ErrInvalidConfig that names the customer or field, echoing at most 40
// characters of any value; nothing panics on data.
package ladder
