// Package pesca plans a customer's lifetime value through the five
// perspectives of the P.E.S.C.A. model of sequential value offers — Product (which next products
// give an additional or cross sale), Experience (events, early access,
// welcome sequences), Service (each contact makes the next one smarter),
// Content (what to send at each interaction) and Allies (partners' offers
// where ours fall short) — always asking "what comes next, when and where?".
//
//   - Initiatives are tagged by Perspective with an owner, cost, expected
//     value, eligibility (lifecycle phase, ladder rung, RFM segment,
//     products held), timing (days after the first, last or a given
//     product's purchase, and a window) and a channel, by default the
//     channel of the customer's first purchase.
//   - Sequences learns "what comes next" from purchase histories: for every
//     pair of products, how often B was first bought after A (support,
//     confidence, lift), the likeliest next products for what a customer
//     holds, and the most common acquisition paths.
//   - Baskets mines cross-sell rules: frequent itemsets (Apriori) and
//     association rules with support, confidence, lift, leverage and
//     conviction. Its counts merge exactly, so rules can be learned again
//     as purchases arrive.
//   - A Planner turns initiatives (and, optionally, learned sequences) into
//     a customer's Plan as of a date: time-ordered steps with when, where,
//     expected value and reasons; the perspectives left empty; share of
//     wallet; and the initiatives skipped with the rule that stopped them.
//     PlanAll plans a whole segment.
//
// Days — first purchase days in Sequences, the as-of day, anchors and the
// steps' When and Until in plans — are calendar days by the SDK's one rule,
// clv.CalendarDay, in a location the caller gives (AddCustomer's loc,
// Planner.Location; nil means UTC). The zero values of Baskets and
// Sequences are empty and ready to use. Bad input is an error wrapping
// ErrInvalidInput or ErrInvalidConfig that names the customer, initiative
// or field, echoing at most 40 characters of any value; nothing panics on
// data.
//
// Steps and skipped initiatives carry a clv.Explanation whose Rule is
// RuleInitiative or RuleLearnedSequence. Catalogues for a financial
// services firm, a school and a donut shop live in the examples.
package pesca
