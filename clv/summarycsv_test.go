package clv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestPropDecimalString: decimalString prints what decimal.String prints.
func TestPropDecimalString(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := decimal.New(rapid.Int64().Draw(t, "c")>>rapid.IntRange(0, 63).Draw(t, "shift"), -int32(rapid.IntRange(-3, 22).Draw(t, "scale")))
		if got, want := decimalString(d), d.String(); got != want {
			t.Fatalf("decimalString(%v) = %q, want %q", d, got, want)
		}
	})
}

func TestWriteSummariesCSV(t *testing.T) {
	ss := []Summary{
		{ID: "0001", Frequency: 2, Recency: 30.428571428571427, T: 38.857142857142854, MonetaryValue: decimal.RequireFromString("20.720000000000"), Unit: UnitWeek},
		{ID: `a "quoted", id`, Frequency: 0, T: 1, MonetaryValue: decimal.Zero},
		{ID: " lead", Frequency: 1, Recency: 1e-7, T: 2e21, MonetaryValue: decimal.RequireFromString("0.000000000001")},
	}
	for _, tc := range []struct {
		monetary bool
		want     string
	}{
		{true, "id,frequency,recency,T,monetary_value\n" +
			"0001,2,30.428571428571427,38.857142857142854,20.72\n" +
			`"a ""quoted"", id",0,0,1,0` + "\n" +
			`" lead",1,0.0000001,2000000000000000000000,0.000000000001` + "\n"},
		{false, "id,frequency,recency,T\n" +
			"0001,2,30.428571428571427,38.857142857142854\n" +
			`"a ""quoted"", id",0,0,1` + "\n" +
			`" lead",1,0.0000001,2000000000000000000000` + "\n"},
	} {
		var b bytes.Buffer
		if err := WriteSummariesCSV(&b, slices.Values(ss), tc.monetary); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("monetary %v: got\n%s\nwant\n%s", tc.monetary, b.String(), tc.want)
		}
	}
	split := []SplitSummary{{Calibration: ss[0], FrequencyHoldout: 3, MonetaryValueHoldout: decimal.RequireFromString("7.5"), DurationHoldout: 39}}
	for monetary, want := range map[bool]string{
		true: "id,frequency_cal,recency_cal,T_cal,monetary_value_cal,frequency_holdout,monetary_value_holdout,duration_holdout\n" +
			"0001,2,30.428571428571427,38.857142857142854,20.72,3,7.5,39\n",
		false: "id,frequency_cal,recency_cal,T_cal,frequency_holdout,duration_holdout\n" +
			"0001,2,30.428571428571427,38.857142857142854,3,39\n",
	} {
		var b bytes.Buffer
		if err := WriteSplitSummariesCSV(&b, slices.Values(split), monetary); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("split, monetary %v: got\n%s\nwant\n%s", monetary, b.String(), want)
		}
	}
}

// TestPropWriteSummariesCSVReadsBack: every field of a written table reads
// back, through encoding/csv and the package's parsers, as the value
// written: IDs of any characters but \r (which encoding/csv reads back as
// \n in a quoted \r\n), floats exactly, money exactly.
func TestPropWriteSummariesCSVReadsBack(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ss := rapid.SliceOf(rapid.Custom(func(t *rapid.T) Summary {
			return Summary{
				ID:            "i" + strings.ReplaceAll(rapid.StringN(0, 20, -1).Draw(t, "id"), "\r", ""),
				Frequency:     rapid.IntRange(0, 1000).Draw(t, "x"),
				Recency:       rapid.Float64Range(0, 1e6).Draw(t, "tx"),
				T:             rapid.Float64Range(0, 1e6).Draw(t, "T"),
				MonetaryValue: decimal.New(rapid.Int64Min(0).Draw(t, "c"), -int32(rapid.IntRange(0, 14).Draw(t, "scale"))),
			}
		})).Draw(t, "summaries")
		var b bytes.Buffer
		if err := WriteSummariesCSV(&b, slices.Values(ss), true); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(&b)
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(ss)+1 {
			t.Fatalf("%d records for %d summaries", len(recs), len(ss))
		}
		for i, s := range ss {
			rec := recs[i+1]
			m, err := decimal.NewFromString(rec[4])
			if rec[0] != s.ID || rec[2] != ftoa(s.Recency) || rec[3] != ftoa(s.T) || err != nil || !m.Equal(s.MonetaryValue) {
				t.Fatalf("row %d: %q for %+v", i, rec, s)
			}
		}
	})
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteSummariesCSVError(t *testing.T) {
	ss := slices.Repeat([]Summary{{ID: "a"}}, 1000)
	if err := WriteSummariesCSV(failingWriter{}, slices.Values(ss), false); err == nil || err.Error() != "disk full" {
		t.Errorf("WriteSummariesCSV to a failing writer: %v", err)
	}
	if err := WriteSplitSummariesCSV(failingWriter{}, slices.Values([]SplitSummary{{}}), false); err == nil {
		t.Error("WriteSplitSummariesCSV to a failing writer: no error")
	}
}

// TestPropRowWriterIsCSV: the row writer writes any record as
// encoding/csv's Writer does, byte for byte — empty fields, leading
// spaces of any kind, quotes, CR, LF, invalid UTF-8 and `\.`.
func TestPropRowWriterIsCSV(t *testing.T) {
	field := rapid.OneOf(rapid.String(), rapid.SampledFrom([]string{"", `\.`, " a", "\u00a0b", "\u2003", "a\r\nb", `"`, "\xff", ",", "\\"})).AsAny()
	rapid.Check(t, func(t *rapid.T) {
		recs := rapid.SliceOfN(rapid.SliceOfN(field, 1, 6), 0, 8).Draw(t, "records")
		var want, got bytes.Buffer
		cw := csv.NewWriter(&want)
		rw := newRowWriter(&got, []string{"h"})
		if err := cw.Write([]string{"h"}); err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			strs := make([]string, len(rec))
			for i, f := range rec {
				strs[i] = f.(string)
				rw.id(strs[i])
			}
			if err := cw.Write(strs); err != nil {
				t.Fatal(err)
			}
			if err := rw.end(); err != nil {
				t.Fatal(err)
			}
		}
		cw.Flush()
		if err := rw.flush(); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("got\n%q\nencoding/csv writes\n%q", got.String(), want.String())
		}
	})
}
