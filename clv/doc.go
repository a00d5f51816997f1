// Package clv is the statistical core of clvkit: transaction logs, the
// per-customer summaries that buy-till-you-die models use, the models
// themselves (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB, sBG, Gamma-Gamma) and
// customer lifetime value in money.
//
// # Summaries
//
// A Transaction is one purchase (customer, time, amount). A Summarizer turns
// transactions, in any order, into one Summary per customer in the
// conventions of Python lifetimes (Fader, Hardie & Lee 2005):
//
//   - purchases are grouped per calendar period (a day by default) in a
//     given time zone; all purchases in one period count once and their
//     amounts add up;
//   - Frequency is the number of repeat purchase periods, Recency the time
//     from the first to the last purchase period, T the time from the first
//     purchase period to the observation end, all in a Unit (day, week of 7
//     days, or month of 30.4375 days);
//   - MonetaryValue is the mean spend per repeat period, the first period
//     excluded, zero without repeats.
//
// The observation end is inclusive; later transactions are ignored and
// counted. With a calibration end, Split returns calibration summaries and
// the holdout outcomes that follow, for customers who had bought by the
// calibration end.
//
// A Summarizer keeps one small record per customer: its distinct purchase
// periods and exact spend totals, never the transactions. Two summarizers
// with equal options Merge exactly, so shards of a log can be summarised in
// separate goroutines or processes and combined. Output is sorted by ID.
//
// The per-customer state is an Accumulator: the Summarizer keeps one per
// customer, and SummaryRules (the validated options) add a transaction to
// one, merge two and turn one into a Summary or SplitSummary. An
// Accumulator has a compact, versioned binary encoding (MarshalBinary,
// UnmarshalBinary) and a fingerprint of the options it was built under, so
// that a distributed engine (Apache Beam, Spark, a database, a queue) can
// carry it between machines and merge it exactly in any order; see
// examples/beam. WriteSummariesCSV and WriteSplitSummariesCSV print
// summaries as the table clvtool summarize writes. CSVRecords reads any
// other table with the same conventions as fast; its NextBlock hands out
// runs of simple lines that worker goroutines split and parse.
//
// Compress folds summaries into weighted Patterns (identical frequency,
// recency and age), on which model fitting runs; their number grows far more
// slowly than the number of customers. A PatternCounter does the same for
// summaries that stream in (a file read row by row), holding only the
// distinct patterns.
//
// BG/NBD and MBG/NBD fits run Newton's method on the exact Hessian of the
// likelihood, Pareto/NBD and the others BFGS on analytic gradients; fits of
// 100,000 distinct patterns or more start from a fit to a systematic sample
// of them.
//
// # Money
//
// Amounts are decimal.Decimal and are summed exactly. A mean spend is the
// one division, rounded half away from zero to MonetaryScale (12) decimal
// places.
//
// # Accuracy
//
// Every quantity a model returns is right to 1e−10 relative over the domain
// documented in the README (r, α, β in [1e−4, 1e4], a, b in [0.05, 1000],
// s in [0.05, 50], x ≤ 10,000, T, t ≤ 1e5 and the like), checked against
// 50-digit reference tables, or it is refused: pure methods return NaN, and
// every function that returns an error reports ErrInaccurate naming the
// model, its parameters and the customer. Fast series are used only where
// their own error bound certifies them; elsewhere the value comes from a
// positive integral computed by tanh-sinh quadrature. Fits that end at the
// edge of the parameter space, or whose data cannot identify the model,
// report ErrBoundary rather than converging.
//
// # Covariates
//
// Time-invariant characteristics of customers — acquisition channel, size of
// the first purchase, region — enter BG/NBD and Pareto/NBD as in R's
// CLVTools: a customer with covariates z has their own parameters,
// α·e^{−γ₁·z} for the purchase process and β·e^{−γ₂·z} (Pareto/NBD) or
// a·e^{γ₂·z}, b·e^{γ₃·z} (BG/NBD) for dropout. FitBGNBDCovariates and
// FitParetoNBDCovariates estimate the coefficients jointly with the base
// parameters by maximum likelihood with analytic gradients, with standard
// errors for every coefficient and an optional L2 penalty
// (FitOptions.CovariatePenalty); BGNBDCovariates.For and
// ParetoNBDCovariates.For return a customer's own model, and
// PredictCovariates and LifetimeValueCovariates score customers with their
// covariates. A model without covariates is exactly the plain model.
//
// # Uncertainty
//
// Every fit reports the asymptotic covariance of its estimates
// (FitReport.Covariance). PredictIntervals and LifetimeValueIntervals draw
// parameters from that normal distribution — positive parameters on the
// log scale — with a caller's seed, and report the central interval of each
// customer's P(alive), expected purchases or lifetime value, and of the
// portfolio's totals (computed per draw, not added from the customers'
// bounds). A simulation test checks that nominal 90% intervals of a
// portfolio's expected purchases cover the truth 85% to 95% of the time.
//
// # Errors
//
// Bad input returns an error wrapping one of the Err sentinels
// (ErrInvalidTransaction, ErrInvalidSummary, ErrInvalidCSV, ...); CSV
// problems are a *ParseError naming the row, column and value. Nothing in
// the package panics on data, logs or prints.
package clv
