package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func runTool(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(args, &out)
	return out.String(), err
}

const smallLog = `cust,day,amt
a,2024-01-01,10
a,2024-01-08,5.5
b,2024-01-03,1
a,2024-01-15,4.5
`

func TestSummarize(t *testing.T) {
	in := writeFile(t, "log.csv", smallLog)
	got, err := runTool(t, "summarize", "-in", in, "-customer", "cust", "-time", "day", "-amount", "amt", "-unit", "week", "-end", "2024-01-15")
	if err != nil {
		t.Fatal(err)
	}
	want := "id,frequency,recency,T,monetary_value\na,2,2,2,5\nb,0,0,1.7142857142857142,0\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got, err = runTool(t, "summarize", "-in", in, "-customer", "cust", "-time", "day", "-end", "2024-01-15", "-calibration-end", "2024-01-08")
	if err != nil {
		t.Fatal(err)
	}
	want = "id,frequency_cal,recency_cal,T_cal,frequency_holdout,duration_holdout\na,1,7,7,1,7\nb,0,0,5,0,7\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestSummarizeErrors(t *testing.T) {
	in := writeFile(t, "log.csv", smallLog+"c,not-a-date,1\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"summarize", "-in", in, "-customer", "cust", "-time", "day", "-end", "2024-01-15"}, "row 6"},
		{[]string{"summarize", "-in", in, "-customer", "nope", "-time", "day", "-end", "2024-01-15"}, `missing column "nope"`},
		{[]string{"summarize", "-in", in, "-customer", "cust", "-time", "day"}, "-end"},
		{[]string{"summarize", "-in", in, "-customer", "cust", "-time", "day", "-end", "2024-01-15", "-unit", "year"}, "unit"},
		{[]string{"frobnicate"}, "unknown command"},
	} {
		_, err := runTool(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}

func TestFitPredict(t *testing.T) {
	in := "../../testdata/cdnow_customers_summary.csv"
	// The published file names its id column ID; clvtool wants id.
	b, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	data := writeFile(t, "cdnow.csv", strings.Replace(string(b), "ID,", "id,", 1))
	out, err := runTool(t, "fit", "-model", "bgnbd", "-in", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"model":"bgnbd"`, `"converged":true`, `"n":2357`, `"std_errors"`, `"log_likelihood":-9582.42`} {
		if !strings.Contains(out, want) {
			t.Errorf("fit output lacks %s:\n%s", want, out)
		}
	}
	params := writeFile(t, "fit.json", out)
	pred, err := runTool(t, "predict", "-model", "bgnbd", "-params", params, "-in", data, "-horizon", "39")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(pred), "\n")
	if len(lines) != 2358 || lines[0] != "id,p_alive,expected_purchases" || !strings.HasPrefix(lines[1], "1,0.7266") {
		t.Errorf("predict: %d lines, head %q", len(lines), lines[:2])
	}
	if _, err := runTool(t, "predict", "-model", "pnbd", "-params", params, "-in", data, "-horizon", "39"); err == nil {
		t.Error("predict accepted a model name that does not match the parameters")
	}
}

func TestFitPredictErrors(t *testing.T) {
	params := writeFile(t, "p.json", `{"model":"bgnbd","params":{"r":0.24,"alpha":4.4,"a":0.79,"b":2.4}}`)
	for _, tc := range []struct {
		name, csv string
		want      string
	}{
		{"recency > T", "id,frequency,recency,T\n1,2,30,38\n2,1,40,38\n", "row 3"},
		{"negative", "id,frequency,recency,T\n1,-2,30,38\n", `row 2, column "frequency"`},
		{"fractional frequency", "id,frequency,recency,T\n1,2.5,30,38\n", "not a whole number"},
		{"missing column", "id,frequency,T\n1,2,38\n", `missing column "recency"`},
		{"not a number", "id,frequency,recency,T\n1,2,abc,38\n", `row 2, column "recency"`},
	} {
		in := writeFile(t, "in.csv", tc.csv)
		for _, args := range [][]string{
			{"fit", "-model", "bgnbd", "-in", in},
			{"predict", "-params", params, "-in", in, "-horizon", "10"},
		} {
			_, err := runTool(t, args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s %s: got %v, want an error containing %q", tc.name, args[0], err, tc.want)
			}
		}
	}
	in := writeFile(t, "ok.csv", "frequency,recency,T,weight\n0,0,10,3\n2,5,10,1\n")
	if _, err := runTool(t, "fit", "-model", "nope", "-in", in); err == nil {
		t.Error("unknown model accepted")
	}
	if _, err := runTool(t, "predict", "-params", params, "-in", in); err == nil {
		t.Error("missing horizon accepted")
	}
}

func FuzzReadSummaries(f *testing.F) {
	f.Add("id,frequency,recency,T,weight\n1,2,3,4,1\n")
	f.Add("frequency,recency,T\n0,0,0\n1,1e3,1e4\n")
	f.Add("id,frequency,recency,T,monetary_value\na,1,1,2,3.5\n")
	f.Fuzz(func(t *testing.T, in string) {
		for _, money := range []bool{false, true} {
			rows, err := readSummaries(strings.NewReader(in), money, nil)
			if err != nil {
				if !strings.Contains(err.Error(), "row") && !strings.Contains(err.Error(), "no data") {
					t.Fatalf("error without a row: %v", err)
				}
				continue
			}
			for _, r := range rows {
				if err := r.s.Validate(); err != nil {
					t.Fatalf("accepted an invalid summary: %v", err)
				}
			}
		}
	})
}

func TestFitOtherModels(t *testing.T) {
	bb := writeFile(t, "bb.csv", "frequency,recency,n_periods,weight\n0,0,6,3464\n1,1,6,1091\n6,6,6,1203\n3,5,6,300\n")
	out, err := runTool(t, "fit", "-model", "bgbb", "-in", bb)
	if err != nil || !strings.Contains(out, `"model":"bgbb"`) || !strings.Contains(out, `"delta"`) {
		t.Fatalf("fit bgbb: %v\n%s", err, out)
	}
	params := writeFile(t, "bb.json", out)
	pred, err := runTool(t, "predict", "-model", "bgbb", "-params", params, "-in", bb, "-horizon", "5")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(pred), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[1], "0,") || !strings.HasPrefix(lines[4], "3,") {
		t.Errorf("predict bgbb:\n%s", pred)
	}
	if _, err := runTool(t, "predict", "-params", params, "-in", bb, "-horizon", "2.5"); err == nil {
		t.Error("fractional bgbb horizon accepted")
	}

	sbg := writeFile(t, "sbg.csv", "period,alive\n0,1000\n1,631\n2,468\n3,382\n4,326\n5,289\n6,262\n7,241\n")
	if out, err := runTool(t, "fit", "-model", "sbg", "-in", sbg); err != nil || !strings.Contains(out, `"alpha":0.70`) {
		t.Errorf("fit sbg: %v\n%s", err, out)
	}
	bad := writeFile(t, "sbg.csv", "period,alive\n0,1000\n1,631\n3,468\n")
	if _, err := runTool(t, "fit", "-model", "sbg", "-in", bad); err == nil || !strings.Contains(err.Error(), "row 4") {
		t.Errorf("gap in periods: %v", err)
	}
}

func TestValue(t *testing.T) {
	b, err := os.ReadFile("../../testdata/cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "ID,x,t_x,T,zbar", "id,frequency,recency,T,monetary_value", 1)
	data := writeFile(t, "cdnow.csv", text)
	fit := func(model string) string {
		out, err := runTool(t, "fit", "-model", model, "-in", data)
		if err != nil {
			t.Fatal(err)
		}
		return writeFile(t, model+".json", out)
	}
	bg, gg := fit("bgnbd"), fit("gg")
	if !strings.Contains(mustRead(t, gg), `"excluded":1411`) {
		t.Errorf("gg fit does not report the 1411 customers without repeat purchases: %s", mustRead(t, gg))
	}
	out, err := runTool(t, "value", "-model", "bgnbd", "-params", bg, "-spend", gg, "-in", data, "-steps", "12", "-step-length", "4.345", "-discount", "0.01")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2358 || lines[0] != "id,expected_spend,clv" {
		t.Fatalf("value: %d lines, head %q", len(lines), lines[:2])
	}
	// Customer 1: spend 24.66 to the cent (zbar 22.35 as printed in the file).
	if !strings.HasPrefix(lines[1], "1,24.66,") {
		t.Errorf("customer 1: %q", lines[1])
	}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		if len(f) != 3 || !strings.Contains(f[2], ".") || len(f[2][strings.Index(f[2], ".")+1:]) != 2 {
			t.Fatalf("money not printed to the cent: %q", l)
		}
	}
	if _, err := runTool(t, "value", "-params", bg, "-spend", bg, "-in", data, "-steps", "12", "-step-length", "4.345"); err == nil {
		t.Error("a BG/NBD file accepted as the spend model")
	}
	if _, err := runTool(t, "value", "-params", bg, "-spend", gg, "-in", data, "-steps", "0", "-step-length", "4.345"); err == nil {
		t.Error("zero steps accepted")
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestChunkBuffer: what goes into a chunkBuffer, in writes of any size,
// comes out whole and in order.
func TestChunkBuffer(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var b chunkBuffer
		var want []byte
		for _, n := range rapid.SliceOfN(rapid.IntRange(0, 3<<20), 0, 6).Draw(t, "writes") {
			p := make([]byte, n)
			for i := range p {
				p[i] = byte(len(want) + i)
			}
			if k, err := b.Write(p); k != n || err != nil {
				t.Fatalf("Write of %d bytes: %d, %v", n, k, err)
			}
			want = append(want, p...)
		}
		var got bytes.Buffer
		if n, err := b.WriteTo(&got); n != int64(len(want)) || err != nil || !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("WriteTo: %d bytes, %v; equal: %v", n, err, bytes.Equal(got.Bytes(), want))
		}
	})
}
