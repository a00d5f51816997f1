package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/clvkit/clvkit/clv"
)

func TestMain(m *testing.M) {
	beamlog.LogLevel = "warn"
	ptest.Main(m)
}

// cdnow is the CDNOW sample log: 6,919 purchases of 2,357 customers.
const cdnow = "../../testdata/cdnow_sample.csv"

var clvtool = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "clvtool")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "clvtool")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/clvkit/clvkit/examples/clvtool").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build clvtool: %v\n%s", err, out)
	}
	return bin, nil
})

// runClvtool runs clvtool with args and returns its standard output.
func runClvtool(t *testing.T, args ...string) []byte {
	t.Helper()
	bin, err := clvtool()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("clvtool %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// splitLog writes the rows of the log at path into n files in dir, each
// with the header: row i goes to file i mod n, so that most customers'
// purchases are spread over several files. It returns the glob of the
// files.
func splitLog(t *testing.T, path, dir string, n int) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	parts := make([]strings.Builder, n)
	for i := range parts {
		parts[i].WriteString(lines[0])
	}
	for i, l := range lines[1:] {
		parts[i%n].WriteString(strings.TrimSuffix(l, "\n") + "\n")
	}
	for i := range parts {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%02d.csv", i)), []byte(parts[i].String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "part-*.csv")
}

// testConfig returns the pipeline's config for the flags.
func testConfig(t testing.TB, args ...string) config {
	t.Helper()
	cfg, err := parseFlags(flag.NewFlagSet("beam", flag.ContinueOnError), args)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestPipelineMatchesClvtool runs the pipeline on Prism over the CDNOW log
// split into five files, and checks it against clvtool on the whole file:
// summaries.csv byte for byte against clvtool summarize; model.json and
// spend.json against clvtool fit -model bgnbd and -model gg (parameters and
// log-likelihood to 1e-9, customers and patterns exactly); scores.csv
// against clvtool predict (same rows in the same order, numbers to 1e-12).
// With a calibration end, the fits and predictions are clvtool's on the
// calibration columns of the split table.
func TestPipelineMatchesClvtool(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags []string
	}{
		{"weeks with amounts", []string{"-amount", "amount", "-unit", "week", "-end", "1997-09-30"}},
		{"days, weekly periods, no amounts", []string{"-unit", "day", "-period", "week", "-end", "1998-06-30", "-horizon", "90"}},
		{"calibration and holdout", []string{"-amount", "amount", "-unit", "week", "-end", "1998-06-30", "-calibration-end", "1997-09-30"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "in")
			if err := os.Mkdir(in, 0o700); err != nil {
				t.Fatal(err)
			}
			glob := splitLog(t, cdnow, in, 5)
			out := filepath.Join(dir, "out")
			cfg := testConfig(t, append([]string{"-input", glob, "-customer", "customer_id", "-time", "date", "-output", out}, tc.flags...)...)
			if err := os.Mkdir(out, 0o700); err != nil {
				t.Fatal(err)
			}

			// clvtool on the whole file.
			toolArgs := append([]string{"summarize", "-in", cdnow, "-customer", "customer_id", "-time", "date", "-unit", cfg.Unit}, tc.flags...)
			toolArgs = dropFlag(toolArgs, "-horizon")
			wantSummaries := runClvtool(t, toolArgs...)
			fitIn := filepath.Join(dir, "fit-input.csv")
			if err := os.WriteFile(fitIn, calibrationColumns(t, wantSummaries), 0o600); err != nil {
				t.Fatal(err)
			}
			wantModel := runClvtool(t, "fit", "-model", "bgnbd", "-unit", cfg.Unit, "-in", fitIn)
			modelFile := filepath.Join(dir, "bgnbd.json")
			if err := os.WriteFile(modelFile, wantModel, 0o600); err != nil {
				t.Fatal(err)
			}
			wantScores := runClvtool(t, "predict", "-params", modelFile, "-in", fitIn, "-horizon", strconv.FormatFloat(cfg.Horizon, 'g', -1, 64))

			p, s := beam.NewPipelineWithRoot()
			o, err := buildPipeline(s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			customers := 2357
			if cfg.CalibrationEnd != "" {
				customers = bytes.Count(wantSummaries, []byte("\n")) - 1 // first purchases after the calibration end are not scored
			}
			passert.Count(s, beam.DropValue(s, o.Customers), "customers", 2357)
			passert.Count(s, beam.DropValue(s, o.Scores), "scores", customers)
			passert.Count(s, o.Model, "models", 1)
			if err := ptest.Run(p); err != nil {
				t.Fatal(err)
			}

			if got := readFile(t, filepath.Join(out, "summaries.csv")); !bytes.Equal(got, wantSummaries) {
				t.Errorf("summaries.csv differs from clvtool summarize:\n%s", firstDifference(got, wantSummaries))
			}
			compareModels(t, "model.json", readFile(t, filepath.Join(out, "model.json")), wantModel)
			if cfg.Amount != "" {
				wantSpend := runClvtool(t, "fit", "-model", "gg", "-unit", cfg.Unit, "-in", fitIn)
				compareModels(t, "spend.json", readFile(t, filepath.Join(out, "spend.json")), wantSpend)
			} else if _, err := os.Stat(filepath.Join(out, "spend.json")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("spend.json written without -amount: %v", err)
			}
			compareScores(t, readFile(t, filepath.Join(out, "scores.csv")), wantScores)
		})
	}
}

// dropFlag removes flag name and its value from args.
func dropFlag(args []string, name string) []string {
	for i := 0; i < len(args); i++ {
		if args[i] == name {
			return append(args[:i:i], args[i+2:]...)
		}
	}
	return args
}

// calibrationColumns returns a summary table as clvtool fit and predict
// read it: the table itself, or the calibration columns of a split table
// under the names they read.
func calibrationColumns(t *testing.T, table []byte) []byte {
	header, _, _ := bytes.Cut(table, []byte("\n"))
	if !bytes.Contains(header, []byte("_cal")) {
		return table
	}
	recs, err := csv.NewReader(bytes.NewReader(table)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var cols []int
	var names []string
	for i, name := range recs[0] {
		if i == 0 || strings.HasSuffix(name, "_cal") {
			cols, names = append(cols, i), append(names, strings.TrimSuffix(name, "_cal"))
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(names)
	for _, r := range recs[1:] {
		row := make([]string, len(cols))
		for j, i := range cols {
			row[j] = r[i]
		}
		_ = w.Write(row)
	}
	w.Flush()
	return b.Bytes()
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// firstDifference describes where two texts first differ, by line.
func firstDifference(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d: got %q, want %q", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

// compareModels checks a model JSON against clvtool's: the same model,
// unit and counts, parameters and log-likelihood within 1e-9 (relative).
func compareModels(t *testing.T, name string, got, want []byte) {
	t.Helper()
	gm, grep, err := clv.UnmarshalModel(got)
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, got)
	}
	wm, wrep, err := clv.UnmarshalModel(want)
	if err != nil {
		t.Fatalf("clvtool's %s: %v", name, err)
	}
	if gm.Name() != wm.Name() || grep.N != wrep.N || grep.Patterns != wrep.Patterns || grep.Excluded != wrep.Excluded || !grep.Converged {
		t.Errorf("%s: %s fit to n %v, %d patterns, %d excluded, converged %v; clvtool: %s, n %v, %d patterns, %d excluded",
			name, gm.Name(), grep.N, grep.Patterns, grep.Excluded, grep.Converged, wm.Name(), wrep.N, wrep.Patterns, wrep.Excluded)
	}
	if !near(grep.LogLikelihood, wrep.LogLikelihood, 1e-9) {
		t.Errorf("%s: log-likelihood %v, clvtool %v", name, grep.LogLikelihood, wrep.LogLikelihood)
	}
	for k, v := range wm.Params() {
		if g := gm.Params()[k]; !near(g, v, 1e-9) {
			t.Errorf("%s: %s = %v, clvtool %v", name, k, g, v)
		}
	}
	if !bytes.Equal(got, want) {
		t.Logf("%s is within tolerance but not byte-identical to clvtool's", name)
	}
}

// compareScores checks scores.csv against clvtool predict: the same IDs in
// the same order, each number within 1e-12 (relative).
func compareScores(t *testing.T, got, want []byte) {
	t.Helper()
	g, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	w, err := csv.NewReader(bytes.NewReader(want)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(g) != len(w) {
		t.Fatalf("scores.csv has %d rows, clvtool predict %d", len(g), len(w))
	}
	for i := range w {
		if i == 0 || g[i][0] != w[i][0] {
			if strings.Join(g[i], ",") != strings.Join(w[i], ",") {
				t.Fatalf("scores.csv row %d: %q, clvtool predict %q", i+1, g[i], w[i])
			}
			continue
		}
		for j := 1; j < 3; j++ {
			gv, err1 := strconv.ParseFloat(g[i][j], 64)
			wv, err2 := strconv.ParseFloat(w[i][j], 64)
			if err1 != nil || err2 != nil || !near(gv, wv, 1e-12) {
				t.Fatalf("scores.csv row %d (%s) column %d: %s, clvtool predict %s", i+1, g[i][0], j+1, g[i][j], w[i][j])
			}
		}
	}
	if !bytes.Equal(got, want) {
		t.Log("scores.csv is within tolerance but not byte-identical to clvtool predict's")
	}
}

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Max(1, math.Abs(want))
}

// TestPipelineErrors: bad input fails the pipeline with clvkit's error,
// naming the file, row and column.
func TestPipelineErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
	}{
		{"negative amount", "customer_id,date,amount\n1,1997-01-01,3\n2,1997-01-02,-1\n", `bad.csv: row 3, column "amount": value "-1": negative amount`},
		{"bad date", "customer_id,date,amount\n1,1997-13-01,3\n", `bad.csv: row 2, column "date": value "1997-13-01"`},
		{"missing column", "customer,date,amount\n1,1997-01-01,3\n", `bad.csv: row 1: missing column "customer_id"`},
		{"quoted record cut short", "customer_id,date,amount\n\"1,1997-01-01,3\n", `bad.csv: row 2`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			splitLog(t, cdnow, dir, 2)
			if err := os.WriteFile(filepath.Join(dir, "part-bad.csv"), []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg := testConfig(t, "-input", filepath.Join(dir, "part-*.csv"), "-customer", "customer_id", "-time", "date", "-amount", "amount",
				"-end", "1997-09-30", "-output", filepath.Join(dir, "out"))
			p, s := beam.NewPipelineWithRoot()
			if _, err := buildPipeline(s, cfg); err != nil {
				t.Fatal(err)
			}
			err := ptest.Run(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestPipelineNoData(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "late.csv"), []byte("customer_id,date\n1,1999-01-01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, "-input", filepath.Join(dir, "*.csv"), "-customer", "customer_id", "-time", "date", "-end", "1997-09-30", "-output", dir)
	p, s := beam.NewPipelineWithRoot()
	if _, err := buildPipeline(s, cfg); err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err == nil || !strings.Contains(err.Error(), "no transactions up to -end 1997-09-30") {
		t.Fatalf("got %v, want an error saying there are no transactions", err)
	}
}

func TestParseFlags(t *testing.T) {
	base := []string{"-input", "x/*.csv", "-customer", "c", "-time", "t", "-end", "2024-01-01", "-output", "o"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{base[2:], "-input is required"},
		{append(base, "-unit", "fortnight"), "-unit"},
		{append(base, "-calibration-end", "2024-02-01"), "calibration end 2024-02-01 is after the observation end"},
		{append(base, "-horizon", "-1"), "-horizon -1"},
		{append(base, "-tz", "Mars/Olympus"), "-tz"},
		{append(base, "extra"), `unexpected argument "extra"`},
		{append(base, "-shards", "0"), "-shards 0"},
	} {
		fs := flag.NewFlagSet("beam", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		if _, err := parseFlags(fs, tc.args); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
	for unit, want := range map[string]float64{"week": 52, "day": 364, "month": 364 / 30.4375} {
		cfg, err := parseFlags(flag.NewFlagSet("beam", flag.ContinueOnError), append(base, "-unit", unit))
		if err != nil || cfg.Horizon != want {
			t.Errorf("-unit %s: default horizon %v (%v), want %v", unit, cfg.Horizon, err, want)
		}
	}
}

// TestCoders: the coders round-trip, and refuse truncated input with an
// error rather than a panic.
func TestCoders(t *testing.T) {
	p := point{X: 3, Recency: 1.5, T: 40, MeanSpend: 12.25}
	if got, err := decodePoint(encodePoint(p)); err != nil || got != p {
		t.Errorf("point: %+v, %v", got, err)
	}
	d := fitData{
		patterns: map[patternKey]float64{{1, 2, 3}: 4, {0, 0, 7}: 2},
		spend:    map[spendKey]float64{{1, 9.5}: 1, {0, 0}: 3},
	}
	b := encodeFitData(d)
	got, err := decodeFitData(b)
	if err != nil || fmt.Sprint(got) != fmt.Sprint(d) {
		t.Errorf("fit data: %v, %v", got, err)
	}
	for i := range b {
		if _, err := decodeFitData(b[:i]); err == nil {
			t.Errorf("fit data cut to %d of %d bytes decodes", i, len(b))
		}
	}
	if _, err := decodePoint(encodePoint(p)[:5]); err == nil {
		t.Error("a truncated point decodes")
	}
	r := scoreRow{ID: "c,1", PAlive: 0.25, Expected: 3.5}
	if got, err := decodeScoreRow(encodeScoreRow(r)); err != nil || got != r {
		t.Errorf("score row: %+v, %v", got, err)
	}
	rules, _ := clv.NewSummaryRules(clv.SummaryOptions{End: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	var a clv.Accumulator
	if _, err := rules.Add(&a, clv.Transaction{Customer: "c", Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	cs, err := encodeCustomerState(customerState{ID: "c", Acc: a})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := decodeCustomerState(cs); err != nil || got.ID != "c" {
		t.Errorf("customer state: %+v, %v", got, err)
	} else if s, err := rules.Summary(got.ID, got.Acc); err != nil || s.T != 60 {
		t.Errorf("decoded customer state summarises to %+v, %v", s, err)
	}
	for i := range cs {
		if _, err := decodeCustomerState(cs[:i]); err == nil {
			t.Errorf("customer state cut to %d of %d bytes decodes", i, len(cs))
		}
	}
}

// TestPipelineShards: with -shards 3, summaries and scores come in three
// files, each sorted by ID with its header, whose rows together are those
// of the one file.
func TestPipelineShards(t *testing.T) {
	dir := t.TempDir()
	glob := splitLog(t, cdnow, dir, 3)
	run := func(shards string) string {
		out := filepath.Join(dir, "out"+shards)
		if err := os.Mkdir(out, 0o700); err != nil {
			t.Fatal(err)
		}
		cfg := testConfig(t, "-input", glob, "-customer", "customer_id", "-time", "date", "-amount", "amount", "-unit", "week",
			"-end", "1997-09-30", "-shards", shards, "-output", out)
		p, s := beam.NewPipelineWithRoot()
		if _, err := buildPipeline(s, cfg); err != nil {
			t.Fatal(err)
		}
		if err := ptest.Run(p); err != nil {
			t.Fatal(err)
		}
		return out
	}
	one, three := run("1"), run("3")
	for _, table := range []string{"summaries", "scores"} {
		whole := strings.SplitAfter(string(readFile(t, filepath.Join(one, table+".csv"))), "\n")
		var rows []string
		for k := range 3 {
			part := strings.SplitAfter(string(readFile(t, filepath.Join(three, fmt.Sprintf("%s-%05d-of-00003.csv", table, k)))), "\n")
			if part[0] != whole[0] {
				t.Errorf("%s shard %d header %q, want %q", table, k, part[0], whole[0])
			}
			part = part[1 : len(part)-1] // the header, and the empty string after the last newline
			if !slices.IsSorted(part) {
				t.Errorf("%s shard %d is not sorted", table, k)
			}
			rows = append(rows, part...)
		}
		slices.Sort(rows)
		want := slices.Clone(whole[1 : len(whole)-1])
		slices.Sort(want)
		if !slices.Equal(rows, want) {
			t.Errorf("%s: the shards' rows (%d) are not the one file's (%d)", table, len(rows), len(want))
		}
	}
}
