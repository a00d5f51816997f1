package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/clvkit/clvkit/clv"
)

// Every DoFn, combiner, emitter, iterator and coder is registered here:
// a runner starts workers from the registered names (Prism fails without
// them), and registration replaces reflection by generated callers.
func init() {
	beam.RegisterCoder(reflect.TypeOf(clv.Accumulator{}), encodeAccumulator, decodeAccumulator)
	beam.RegisterCoder(reflect.TypeOf(point{}), encodePoint, decodePoint)
	beam.RegisterCoder(reflect.TypeOf(fitData{}), encodeFitData, decodeFitData)
	beam.RegisterCoder(reflect.TypeOf(customerState{}), encodeCustomerState, decodeCustomerState)
	beam.RegisterCoder(reflect.TypeOf(scoreRow{}), encodeScoreRow, decodeScoreRow)

	register.DoFn3x1[context.Context, fileio.ReadableFile, func(string, clv.Accumulator), error](&readFileFn{})
	register.Emitter2[string, clv.Accumulator]()
	register.Combiner1[clv.Accumulator](&mergeFn{})
	register.DoFn3x1[string, clv.Accumulator, func(point), error](&pointFn{})
	register.Emitter1[point]()
	register.Combiner2[fitData, point](&compressFn{})
	register.DoFn5x1[context.Context, []byte, func(*fitData) bool, func(string), func(string), error](&fitFn{})
	register.Iter1[fitData]()
	register.Emitter1[string]()
	register.DoFn2x2[string, clv.Accumulator, int, customerState](&shardFn{})
	register.DoFn4x1[string, clv.Accumulator, string, func(int, scoreRow), error](&scoreFn{})
	register.Emitter2[int, scoreRow]()
	register.DoFn4x1[context.Context, int, func(*customerState) bool, string, error](&writeSummariesFn{})
	register.Iter1[customerState]()
	register.DoFn4x1[context.Context, int, func(*scoreRow) bool, string, error](&writeScoresFn{})
	register.Iter1[scoreRow]()
	register.DoFn2x1[context.Context, string, error](&writeTextFn{})
}

// config is what the workers need: the command line, in strings and plain
// values because Beam ships a DoFn to its workers as the JSON of its
// exported fields. Every worker derives its clv options from the same
// config, which is how accumulators built on different machines are built
// under the same options (see clv.Accumulator) and merge.
type config struct {
	Input, Output                      string
	Customer, Time, Amount, TimeLayout string
	Unit, Period, TZ                   string
	End, CalibrationEnd                string // YYYY-MM-DD
	SkipNegative                       bool
	Horizon                            float64 // in Unit
	Shards                             int     // files summaries and scores are written in, by a hash of the ID
}

// options returns the summary and CSV options c describes, or the error of
// the flag at fault.
func (c config) options() (clv.SummaryOptions, clv.CSVOptions, error) {
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		return clv.SummaryOptions{}, clv.CSVOptions{}, fmt.Errorf("-tz: %w", err)
	}
	opts := clv.SummaryOptions{Location: loc}
	if opts.Unit, err = clv.ParseUnit(c.Unit); err != nil {
		return clv.SummaryOptions{}, clv.CSVOptions{}, fmt.Errorf("-unit: %w", err)
	}
	if opts.Period, err = clv.ParsePeriod(c.Period); err != nil {
		return clv.SummaryOptions{}, clv.CSVOptions{}, fmt.Errorf("-period: %w", err)
	}
	if opts.End, err = time.ParseInLocation(time.DateOnly, c.End, loc); err != nil {
		return clv.SummaryOptions{}, clv.CSVOptions{}, fmt.Errorf("-end: %w", err)
	}
	if c.CalibrationEnd != "" {
		if opts.CalibrationEnd, err = time.ParseInLocation(time.DateOnly, c.CalibrationEnd, loc); err != nil {
			return clv.SummaryOptions{}, clv.CSVOptions{}, fmt.Errorf("-calibration-end: %w", err)
		}
	}
	if _, err := clv.NewSummaryRules(opts); err != nil {
		return clv.SummaryOptions{}, clv.CSVOptions{}, err
	}
	if c.Shards < 1 || c.Shards > 99_999 {
		return clv.SummaryOptions{}, clv.CSVOptions{}, fmt.Errorf("-shards %d: want a number of files in [1, 99999]", c.Shards)
	}
	if !(c.Horizon >= 0 && c.Horizon <= clv.MaxHorizon) {
		return clv.SummaryOptions{}, clv.CSVOptions{}, fmt.Errorf("-horizon %v: want a number in [0, %g]", c.Horizon, clv.MaxHorizon)
	}
	return opts, clv.CSVOptions{
		Customer: c.Customer, Time: c.Time, Amount: c.Amount, TimeLayout: c.TimeLayout, Location: loc, SkipNegative: c.SkipNegative,
	}, nil
}

// rules returns the summary rules of c.
func (c config) rules() (clv.SummaryRules, error) {
	opts, _, err := c.options()
	if err != nil {
		return clv.SummaryRules{}, err
	}
	return clv.NewSummaryRules(opts)
}

// path returns the path of an output file.
func (c config) path(name string) string { return strings.TrimSuffix(c.Output, "/") + "/" + name }

// shardPath returns the path of shard k of the table called base: base.csv
// when there is one shard, else base-0000k-of-0000n.csv.
func (c config) shardPath(base string, k int) string {
	if c.Shards <= 1 {
		return c.path(base + ".csv")
	}
	return c.path(fmt.Sprintf("%s-%05d-of-%05d.csv", base, k, c.Shards))
}

// shard returns the shard of customer id: a hash of the ID modulo Shards.
func (c config) shard(id string) int {
	if c.Shards <= 1 {
		return 0
	}
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(id); i++ {
		h = (h ^ uint32(id[i])) * 16777619
	}
	return int(h % uint32(c.Shards))
}

// summary returns the summary the models see for customer id: the
// calibration summary with a calibration end (ok false for a customer
// whose first purchase is after it), else the whole one.
func (c config) summary(r clv.SummaryRules, id string, a clv.Accumulator) (s clv.Summary, ok bool, err error) {
	if c.CalibrationEnd == "" {
		s, err = r.Summary(id, a)
		return s, err == nil, err
	}
	sp, ok, err := r.SplitSummary(id, a)
	return sp.Calibration, ok, err
}

// outputs are the pipeline's PCollections that tests assert on.
type outputs struct {
	Customers beam.PCollection // KV<string, clv.Accumulator>: one per customer
	Model     beam.PCollection // string: model.json without its final newline
	Spend     beam.PCollection // string: spend.json without its final newline; empty without -amount
	Scores    beam.PCollection // KV<int, scoreRow>: each customer's shard and scores
}

// buildPipeline adds the whole flow to s:
//
//	files ─ Reshuffle ─ readFileFn ─ KV<id, Accumulator> per file ─ CombinePerKey(mergeFn) ─ customers
//	customers ─ pointFn ─ Combine(compressFn) ─ (side input) ─ fitFn ─ model ─ model.json, spend.json
//	customers ─ shardFn ─ GroupByKey ─ writeSummariesFn (model as side input) ─ summaries.csv
//	customers ─ scoreFn (model as side input) ─ GroupByKey ─ writeScoresFn ─ scores.csv
//
// Every file is written with the model as a side input, so that nothing is
// written unless the fits succeed. Summaries and scores are written in
// cfg.Shards files by a hash of the customer ID, each sorted by ID and
// written by one worker: one file (the default) is clvtool's table, and
// more let a log have more customers than one worker can hold.
func buildPipeline(s beam.Scope, cfg config) (outputs, error) {
	if _, _, err := cfg.options(); err != nil {
		return outputs{}, err
	}
	money := cfg.Amount != ""
	read := s.Scope("ReadLogs")
	files := fileio.MatchFiles(read, cfg.Input, fileio.MatchEmptyDisallow())
	// The files come from one element, the glob: without a reshuffle the
	// runner fuses their reading into that element's bundle, and one
	// worker reads every file.
	files = beam.Reshuffle(read, files)
	perFile := beam.ParDo(read, &readFileFn{Cfg: cfg}, fileio.ReadMatches(read, files))
	customers := beam.CombinePerKey(s.Scope("MergeCustomers"), &mergeFn{}, perFile)

	fit := s.Scope("Fit")
	data := beam.Combine(fit, &compressFn{Money: money}, beam.ParDo(fit, &pointFn{Cfg: cfg}, customers))
	// The fit runs once, from an impulse, with the compressed data as a
	// side input: it runs (and says so) even when there is no data.
	model, spend := beam.ParDo2(fit, &fitFn{Cfg: cfg}, beam.Impulse(fit), beam.SideInput{Input: data})

	write := s.Scope("Write")
	beam.ParDo0(write, &writeTextFn{Path: cfg.path("model.json")}, model)
	if money {
		beam.ParDo0(write, &writeTextFn{Path: cfg.path("spend.json")}, spend)
	}
	byShard := beam.GroupByKey(write, beam.ParDo(write, &shardFn{Cfg: cfg}, customers))
	beam.ParDo0(write, &writeSummariesFn{Cfg: cfg}, byShard, beam.SideInput{Input: model})
	scores := beam.ParDo(s.Scope("Score"), &scoreFn{Cfg: cfg}, customers, beam.SideInput{Input: model})
	beam.ParDo0(write, &writeScoresFn{Cfg: cfg}, beam.GroupByKey(write, scores), beam.SideInput{Input: model})
	return outputs{Customers: customers, Model: model, Spend: spend, Scores: scores}, nil
}

// Counters reported at the end of a run, as clvtool summarize reports them.
var (
	ignoredRows = beam.NewCounter("clvkit", "ignored_after_end")
	skippedRows = beam.NewCounter("clvkit", "skipped_negative")
)

// reportCounters prints the counters that clvtool summarize prints.
func reportCounters(res metrics.Results, cfg config, w io.Writer) {
	for _, c := range res.AllMetrics().Counters() {
		if c.Namespace() != "clvkit" || c.Result() == 0 {
			continue
		}
		switch c.Name() {
		case "ignored_after_end":
			fmt.Fprintf(w, "beam: ignored %d transactions after -end %s\n", c.Result(), cfg.End)
		case "skipped_negative":
			fmt.Fprintf(w, "beam: skipped %d rows with a negative amount (-skip-negative)\n", c.Result())
		}
	}
}

// readFileFn reads one CSV file — header row first — with clvkit's CSV
// reader and summariser (the reader and rules clvtool summarize uses, with
// the same errors, naming the file and row) and emits every customer's
// accumulator. A file is read by one worker, so the unit of parallelism is
// the file: a log should come in many files, as exports usually do. Memory
// is the state of the file's customers.
type readFileFn struct {
	Cfg  config
	opts clv.SummaryOptions
	csv  clv.CSVOptions
}

func (f *readFileFn) Setup() (err error) {
	f.opts, f.csv, err = f.Cfg.options()
	return err
}

func (f *readFileFn) ProcessElement(ctx context.Context, file fileio.ReadableFile, emit func(string, clv.Accumulator)) error {
	path := file.Metadata.Path
	rc, err := file.Open(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer rc.Close()
	r, err := clv.NewCSVReader(rc, f.csv)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	s, err := clv.NewSummarizer(f.opts)
	if err != nil {
		return err
	}
	if err := s.AddCSV(r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ignoredRows.Inc(ctx, int64(s.Ignored()))
	skippedRows.Inc(ctx, int64(r.Skipped()))
	// The summariser is dropped after this loop, so its accumulators can
	// be handed on without a copy.
	for id, a := range s.Accumulators() {
		emit(id, a)
	}
	return nil
}

// mergeFn merges the accumulators of one customer from every file: Beam
// may merge them in any grouping and order, partly before the shuffle,
// with the same result (clv.Accumulator.Merge is exact, commutative and
// associative).
type mergeFn struct{}

func (mergeFn) MergeAccumulators(a, b clv.Accumulator) (clv.Accumulator, error) {
	err := a.Merge(b)
	return a, err
}

// point is what the fits need of one customer: the BG/NBD pattern and the
// mean repeat spend (zero without amounts).
type point struct {
	X         int
	Recency   float64
	T         float64
	MeanSpend float64
}

// pointFn makes each customer's summary into a point.
type pointFn struct {
	Cfg   config
	rules clv.SummaryRules
}

func (f *pointFn) Setup() (err error) {
	f.rules, err = f.Cfg.rules()
	return err
}

func (f *pointFn) ProcessElement(id string, a clv.Accumulator, emit func(point)) error {
	s, ok, err := f.Cfg.summary(f.rules, id, a)
	if err != nil || !ok {
		return err
	}
	// The nearest float64 to the exact mean, as clvtool fit -model gg reads
	// it from the printed summary.
	emit(point{X: s.Frequency, Recency: s.Recency, T: s.T, MeanSpend: s.MonetaryValue.InexactFloat64()})
	return nil
}

// patternKey and spendKey are what compressFn groups customers by.
type patternKey struct {
	x     int
	tx, t float64
}

type spendKey struct {
	x    int
	mean float64
}

// fitData is the input of the fits, compressed: customers counted by
// BG/NBD pattern and, with amounts, by (frequency, mean spend). Its size
// grows with distinct patterns, far slower than customers.
type fitData struct {
	patterns map[patternKey]float64
	spend    map[spendKey]float64
}

// compressFn compresses every customer's point into one fitData, on the
// workers first and then in one place (a global combine). Weights are
// counts, which float64 adds exactly, so the result does not depend on
// how Beam groups the work.
type compressFn struct {
	Money bool
}

func (*compressFn) CreateAccumulator() fitData {
	return fitData{patterns: map[patternKey]float64{}, spend: map[spendKey]float64{}}
}

func (f *compressFn) AddInput(d fitData, p point) fitData {
	d.patterns[patternKey{p.X, p.Recency, p.T}]++
	if f.Money {
		d.spend[spendKey{p.X, p.MeanSpend}]++
	}
	return d
}

func (*compressFn) MergeAccumulators(a, b fitData) fitData {
	if len(a.patterns)+len(a.spend) < len(b.patterns)+len(b.spend) {
		a, b = b, a
	}
	for k, w := range b.patterns {
		a.patterns[k] += w
	}
	for k, w := range b.spend {
		a.spend[k] += w
	}
	return a
}

// fitFn fits BG/NBD to the patterns and, with amounts, Gamma-Gamma to the
// spends, once, and emits each model's JSON as clvtool fit prints it (the
// fit is the same: it sorts its input, so the order of the patterns does
// not matter). A fit that fails, does not converge or ends at a boundary
// estimate fails the pipeline, as clvtool fit fails.
type fitFn struct {
	Cfg config
}

func (f *fitFn) ProcessElement(ctx context.Context, _ []byte, data func(*fitData) bool, emitModel, emitSpend func(string)) error {
	var d fitData
	if !data(&d) || len(d.patterns) == 0 {
		return fmt.Errorf("%s: %w: no transactions up to -end %s", f.Cfg.Input, clv.ErrNoData, f.Cfg.End)
	}
	unit, err := clv.ParseUnit(f.Cfg.Unit)
	if err != nil {
		return err
	}
	opts := clv.FitOptions{Unit: unit}
	ps := make([]clv.Pattern, 0, len(d.patterns))
	for k, w := range d.patterns {
		ps = append(ps, clv.Pattern{Frequency: k.x, Recency: k.tx, T: k.t, Weight: w})
	}
	slices.SortFunc(ps, func(a, b clv.Pattern) int {
		return cmp.Or(cmp.Compare(a.Frequency, b.Frequency), cmp.Compare(a.Recency, b.Recency), cmp.Compare(a.T, b.T))
	})
	bg, rep, err := clv.FitBGNBD(ctx, ps, opts)
	if err != nil {
		return fmt.Errorf("fit bgnbd: %w", err)
	}
	model, err := clv.MarshalModel(bg, &rep)
	if err != nil {
		return err
	}
	if len(d.spend) > 0 {
		gg, rep, err := fitSpend(ctx, d.spend, opts)
		if err != nil {
			return fmt.Errorf("fit gg: %w", err)
		}
		spend, err := clv.MarshalModel(gg, &rep)
		if err != nil {
			return err
		}
		emitSpend(string(spend))
	}
	emitModel(string(model))
	return nil
}

// fitSpend fits Gamma-Gamma to spends counted by (frequency, mean). The
// customers the fit leaves out are counted here, so that the report says
// what clv.FitGammaGamma says given one observation per customer (it
// counts observations, not weights).
func fitSpend(ctx context.Context, spend map[spendKey]float64, opts clv.FitOptions) (clv.GammaGamma, clv.FitReport, error) {
	var obs []clv.SpendObservation
	excluded := map[string]int{}
	for k, w := range spend {
		switch {
		case k.x == 0:
			excluded[clv.ExcludedOneTimeBuyer] += int(w)
		case k.mean == 0:
			excluded[clv.ExcludedZeroSpend] += int(w)
		default:
			obs = append(obs, clv.SpendObservation{Frequency: k.x, Mean: k.mean, Weight: w})
		}
	}
	slices.SortFunc(obs, func(a, b clv.SpendObservation) int {
		return cmp.Or(cmp.Compare(a.Frequency, b.Frequency), cmp.Compare(a.Mean, b.Mean))
	})
	gg, rep, err := clv.FitGammaGamma(ctx, obs, opts)
	if err != nil {
		return gg, rep, err
	}
	for why, n := range excluded {
		if rep.ExcludedBy == nil {
			rep.ExcludedBy = map[string]int{}
		}
		rep.ExcludedBy[why] += n
		rep.Excluded += n
	}
	return gg, rep, nil
}

// scoreFn scores a customer with the fitted model, which every worker
// receives as a side input (the model JSON, decoded once per worker), as
// clvtool predict scores them: clv.Predict with the horizon in the unit.
type scoreFn struct {
	Cfg   config
	rules clv.SummaryRules
	json  string
	model clv.TransactionModel
}

func (f *scoreFn) Setup() (err error) {
	f.rules, err = f.Cfg.rules()
	return err
}

func (f *scoreFn) ProcessElement(id string, a clv.Accumulator, modelJSON string, emit func(int, scoreRow)) error {
	if f.model == nil || modelJSON != f.json {
		m, _, err := clv.UnmarshalModel([]byte(modelJSON))
		if err != nil {
			return fmt.Errorf("model: %w", err)
		}
		tm, ok := m.(clv.TransactionModel)
		if !ok {
			return fmt.Errorf("model: a %s model does not predict purchases", m.Name())
		}
		f.json, f.model = modelJSON, tm
	}
	s, ok, err := f.Cfg.summary(f.rules, id, a)
	if err != nil || !ok {
		return err
	}
	p, err := clv.Predict(f.model, []clv.Summary{s}, f.Cfg.Horizon)
	if err != nil {
		return err
	}
	emit(f.Cfg.shard(id), scoreRow{ID: id, PAlive: p[0].ProbabilityAlive, Expected: p[0].ExpectedPurchases})
	return nil
}

// scoreRow is one row of scores.csv.
type scoreRow struct {
	ID               string
	PAlive, Expected float64
}

// customerState is a customer's ID and accumulator.
type customerState struct {
	ID  string
	Acc clv.Accumulator
}

// shardFn keys each customer by the shard of the summaries they go to.
type shardFn struct {
	Cfg config
}

func (f *shardFn) ProcessElement(id string, a clv.Accumulator) (int, customerState) {
	return f.Cfg.shard(id), customerState{id, a}
}

// writeSummariesFn writes one shard of summaries.csv from its customers'
// accumulators, fed to one clv.Summarizer: the table is then what clvtool
// summarize writes for them, to the byte (the same Summaries or Split, the
// same clv.WriteSummariesCSV). Its memory grows with the shard's customers
// (about 200 bytes each).
type writeSummariesFn struct {
	Cfg config
}

func (f *writeSummariesFn) ProcessElement(ctx context.Context, shard int, customers func(*customerState) bool, _ string) error {
	opts, _, err := f.Cfg.options()
	if err != nil {
		return err
	}
	s, err := clv.NewSummarizer(opts)
	if err != nil {
		return err
	}
	var c customerState
	for customers(&c) {
		if err := s.AddAccumulator(c.ID, c.Acc); err != nil {
			return err
		}
	}
	money := f.Cfg.Amount != ""
	return writeFile(ctx, f.Cfg.shardPath("summaries", shard), func(w io.Writer) error {
		if f.Cfg.CalibrationEnd == "" {
			return clv.WriteSummariesCSV(w, slices.Values(s.Summaries()), money)
		}
		split, err := s.Split()
		if err != nil {
			return err
		}
		return clv.WriteSplitSummariesCSV(w, slices.Values(split), money)
	})
}

// writeScoresFn writes one shard of scores.csv, sorted by customer ID as
// clvtool predict writes the scores of clvtool summarize's table, with the
// numbers printed as it prints them.
type writeScoresFn struct {
	Cfg config
}

func (f *writeScoresFn) ProcessElement(ctx context.Context, shard int, scores func(*scoreRow) bool, _ string) error {
	var rows []scoreRow
	var r scoreRow
	for scores(&r) {
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b scoreRow) int { return strings.Compare(a.ID, b.ID) })
	return writeFile(ctx, f.Cfg.shardPath("scores", shard), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"id", "p_alive", "expected_purchases"})
		for _, r := range rows {
			_ = cw.Write([]string{r.ID, ftoaG(r.PAlive), ftoaG(r.Expected)})
		}
		cw.Flush()
		return cw.Error()
	})
}

func ftoaG(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// writeTextFn writes one string and a newline to Path.
type writeTextFn struct {
	Path string
}

func (f *writeTextFn) ProcessElement(ctx context.Context, text string) error {
	return writeFile(ctx, f.Path, func(w io.Writer) error {
		_, err := io.WriteString(w, text+"\n")
		return err
	})
}

// writeFile writes a file on any file system Beam knows (local, gs://…).
func writeFile(ctx context.Context, path string, write func(io.Writer) error) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	wc, err := fs.OpenWrite(ctx, path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(wc, 1<<16)
	if err := write(bw); err != nil {
		wc.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		wc.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// The coders: a customer's accumulator in clvkit's versioned binary
// encoding; points and fitData in fixed little-endian layouts.

func encodeAccumulator(a clv.Accumulator) ([]byte, error) { return a.MarshalBinary() }

func decodeAccumulator(b []byte) (clv.Accumulator, error) {
	var a clv.Accumulator
	err := a.UnmarshalBinary(b)
	return a, err
}

func encodeCustomerState(c customerState) ([]byte, error) {
	b := appendUvarint(make([]byte, 0, len(c.ID)+32), uint64(len(c.ID)))
	return c.Acc.AppendBinary(append(b, c.ID...))
}

func decodeCustomerState(b []byte) (customerState, error) {
	d := decoder{b: b}
	id := d.bytes()
	if d.err != nil {
		return customerState{}, fmt.Errorf("decoding a customer: %w", d.err)
	}
	c := customerState{ID: string(id)}
	err := c.Acc.UnmarshalBinary(d.b)
	return c, err
}

func encodeScoreRow(r scoreRow) []byte {
	b := appendUvarint(make([]byte, 0, len(r.ID)+24), uint64(len(r.ID)))
	return appendFloats(append(b, r.ID...), r.PAlive, r.Expected)
}

func decodeScoreRow(b []byte) (scoreRow, error) {
	d := decoder{b: b}
	r := scoreRow{ID: string(d.bytes())}
	r.PAlive, r.Expected = d.float(), d.float()
	return r, d.done("score")
}

func encodePoint(p point) []byte {
	b := make([]byte, 0, 32)
	b = appendUvarint(b, uint64(p.X))
	return appendFloats(b, p.Recency, p.T, p.MeanSpend)
}

func decodePoint(b []byte) (point, error) {
	d := decoder{b: b}
	p := point{X: int(d.uvarint())}
	p.Recency, p.T, p.MeanSpend = d.float(), d.float(), d.float()
	return p, d.done("point")
}

func encodeFitData(f fitData) []byte {
	b := appendUvarint(nil, uint64(len(f.patterns)))
	for k, w := range f.patterns {
		b = appendFloats(appendUvarint(b, uint64(k.x)), k.tx, k.t, w)
	}
	b = appendUvarint(b, uint64(len(f.spend)))
	for k, w := range f.spend {
		b = appendFloats(appendUvarint(b, uint64(k.x)), k.mean, w)
	}
	return b
}

func decodeFitData(b []byte) (fitData, error) {
	d := decoder{b: b}
	f := fitData{patterns: map[patternKey]float64{}, spend: map[spendKey]float64{}}
	for n := d.count(); n > 0 && d.err == nil; n-- {
		k := patternKey{x: int(d.uvarint())}
		k.tx, k.t = d.float(), d.float()
		f.patterns[k] = d.float()
	}
	for n := d.count(); n > 0 && d.err == nil; n-- {
		k := spendKey{x: int(d.uvarint())}
		k.mean = d.float()
		f.spend[k] = d.float()
	}
	return f, d.done("fit data")
}

func appendUvarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

func appendFloats(b []byte, vs ...float64) []byte {
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// decoder reads what the coders above write, keeping the first error.
type decoder struct {
	b   []byte
	err error
}

var errTruncated = errors.New("truncated")

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = cmp.Or(d.err, errTruncated)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a count of entries of at least 10 bytes each.
func (d *decoder) count() uint64 {
	n := d.uvarint()
	if n > uint64(len(d.b))/10 {
		d.err = cmp.Or(d.err, fmt.Errorf("%d entries in %d bytes", n, len(d.b)))
		return 0
	}
	return n
}

// bytes reads a length-prefixed byte string.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = cmp.Or(d.err, errTruncated)
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.err = cmp.Or(d.err, errTruncated)
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *decoder) done(what string) error {
	if d.err == nil && len(d.b) > 0 {
		d.err = fmt.Errorf("%d bytes after the end", len(d.b))
	}
	if d.err != nil {
		return fmt.Errorf("decoding %s: %w", what, d.err)
	}
	return nil
}
