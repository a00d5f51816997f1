package clv

import (
	"bytes"
	"encoding/csv"
	"io"
	"iter"
	"strconv"

	"github.com/shopspring/decimal"
)

// WriteSummariesCSV writes summaries as CSV to w: the header
// id,frequency,recency,T — with monetary_value after T when monetary is
// true — then one row per summary in the order of ss (Summarizer.Summaries
// sorts them by ID). This is the table clvtool summarize prints and clvtool
// fit, predict and value read, to the byte: recency and T (in the
// summaries' unit) with the fewest digits that read back as the same
// float64, monetary values in plain decimal notation with trailing zeros
// trimmed, fields quoted as encoding/csv quotes them, lines ending in \n.
// It returns the first error writing to w.
func WriteSummariesCSV(w io.Writer, ss iter.Seq[Summary], monetary bool) error {
	cw := csv.NewWriter(w)
	header := []string{"id", "frequency", "recency", "T"}
	if monetary {
		header = append(header, "monetary_value")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	var row []string
	for s := range ss {
		row = append(row[:0], s.ID, strconv.Itoa(s.Frequency), ftoa(s.Recency), ftoa(s.T))
		if monetary {
			row = append(row, decimalString(s.MonetaryValue))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteSplitSummariesCSV writes split summaries as CSV to w, as
// WriteSummariesCSV writes summaries: the header
// id,frequency_cal,recency_cal,T_cal,[monetary_value_cal,]frequency_holdout,[monetary_value_holdout,]duration_holdout
// (the bracketed columns when monetary is true), then one row per summary
// in the order of ss. It is what clvtool summarize prints with a
// calibration end.
func WriteSplitSummariesCSV(w io.Writer, ss iter.Seq[SplitSummary], monetary bool) error {
	cw := csv.NewWriter(w)
	header := []string{"id", "frequency_cal", "recency_cal", "T_cal"}
	if monetary {
		header = append(header, "monetary_value_cal")
	}
	header = append(header, "frequency_holdout")
	if monetary {
		header = append(header, "monetary_value_holdout")
	}
	header = append(header, "duration_holdout")
	if err := cw.Write(header); err != nil {
		return err
	}
	var row []string
	for s := range ss {
		c := s.Calibration
		row = append(row[:0], c.ID, strconv.Itoa(c.Frequency), ftoa(c.Recency), ftoa(c.T))
		if monetary {
			row = append(row, decimalString(c.MonetaryValue))
		}
		row = append(row, strconv.Itoa(s.FrequencyHoldout))
		if monetary {
			row = append(row, decimalString(s.MonetaryValueHoldout))
		}
		row = append(row, ftoa(s.DurationHoldout))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ftoa formats v with the fewest digits that read back as exactly v.
func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// decimalString is d.String() — the means of money summaries print, with
// trailing zeros trimmed — written from an int64 coefficient when it has
// one, which a mean of MonetaryScale places nearly always has, instead of
// through math/big.
func decimalString(d decimal.Decimal) string {
	scale := -int(d.Exponent())
	if scale < 0 || scale > 18 || d.NumDigits() > 18 {
		return d.String()
	}
	c := d.CoefficientInt64()
	var buf [48]byte
	b := buf[:0]
	if c < 0 {
		b, c = append(b, '-'), -c
	}
	var digits [20]byte
	ds := strconv.AppendInt(digits[:0], c, 10)
	zeros := scale - len(ds) // after the point, before the digits
	if zeros < 0 {
		b = append(b, ds[:-zeros]...)
		ds, zeros = ds[-zeros:], 0
	} else {
		b = append(b, '0')
	}
	if frac := bytes.TrimRight(ds, "0"); len(frac) > 0 {
		b = append(b, '.')
		for range zeros {
			b = append(b, '0')
		}
		b = append(b, frac...)
	}
	return string(b)
}
