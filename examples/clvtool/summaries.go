package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
	"github.com/shopspring/decimal"
)

// table is a CSV input with named columns, read by clv's header rules
// (clv.CSVHeader).
type table struct {
	header clv.CSVHeader
	rows   [][]string
	lines  []int
}

// readTable reads a CSV with a header row; required columns must be present.
func readTable(r io.Reader, required ...string) (*table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	h, err := clv.ReadCSVHeader(cr, required...)
	if err != nil {
		return nil, err
	}
	t := &table{header: h}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("row %d: %w", pe.Line, pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	return t, nil
}

func (t *table) has(col string) bool { _, ok := t.header.Index(col); return ok }

// str returns the trimmed value of col in row i, or an error naming it.
func (t *table) str(i int, col string) (string, error) {
	return t.header.Field(t.rows[i], t.lines[i], col)
}

// number returns col in row i, refusing values longer than
// clv.MaxNumberLength.
func (t *table) number(i int, col string) (string, error) {
	s, err := t.str(i, col)
	if err == nil && len(s) > clv.MaxNumberLength {
		err = fmt.Errorf("row %d, column %q: value %q has %d characters, more than a number may (%d)", t.lines[i], col, clip.Value(s), len(s), clv.MaxNumberLength)
	}
	return s, err
}

// float returns col in row i as a finite non-negative number.
func (t *table) float(i int, col string) (float64, error) {
	s, err := t.number(i, col)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, fmt.Errorf("row %d, column %q: value %q is not a finite non-negative number", t.lines[i], col, clip.Value(s))
	}
	return v, nil
}

// uniqueIDs reports the first id that appears on two rows, naming both.
type uniqueIDs map[string]int

func (u uniqueIDs) check(id string, line int) error {
	if prev, dup := u[id]; dup {
		return fmt.Errorf("row %d: customer %q already appears on row %d (each customer must appear once)", line, clip.Value(id), prev)
	}
	u[id] = line
	return nil
}

// count returns col in row i as a non-negative integer (written as 3 or 3.0).
func (t *table) count(i int, col string) (int, error) {
	v, err := t.float(i, col)
	if err != nil {
		return 0, err
	}
	if v != math.Trunc(v) || v > math.MaxInt32 {
		s, _ := t.str(i, col)
		return 0, fmt.Errorf("row %d, column %q: value %q is not a whole number", t.lines[i], col, clip.Value(s))
	}
	return int(v), nil
}

// summaryRow is one customer read from a summary CSV.
type summaryRow struct {
	s      clv.Summary
	weight float64
}

// readSummaries reads id,frequency,recency,T with optional weight and
// monetary_value columns. Without an id column the id is the row index
// (from 0). Every summary is validated; errors name the row.
func readSummaries(r io.Reader, withMoney bool) ([]summaryRow, error) {
	req := []string{"frequency", "recency", "T"}
	if withMoney {
		req = append(req, "monetary_value")
	}
	t, err := readTable(r, req...)
	if err != nil {
		return nil, err
	}
	if len(t.rows) == 0 {
		return nil, errors.New("no data rows")
	}
	out := make([]summaryRow, len(t.rows))
	seen := uniqueIDs{}
	for i := range t.rows {
		s := clv.Summary{ID: strconv.Itoa(i)}
		if t.has("id") {
			if s.ID, err = t.str(i, "id"); err != nil {
				return nil, err
			}
			if err := seen.check(s.ID, t.lines[i]); err != nil {
				return nil, err
			}
		}
		if s.Frequency, err = t.count(i, "frequency"); err != nil {
			return nil, err
		}
		if s.Recency, err = t.float(i, "recency"); err != nil {
			return nil, err
		}
		if s.T, err = t.float(i, "T"); err != nil {
			return nil, err
		}
		w := 1.0
		if t.has("weight") {
			if w, err = t.float(i, "weight"); err != nil {
				return nil, err
			}
		}
		if withMoney {
			m, err := t.number(i, "monetary_value")
			if err != nil {
				return nil, err
			}
			if s.MonetaryValue, err = decimal.NewFromString(m); err != nil {
				return nil, fmt.Errorf("row %d, column %q: value %q is not a decimal number", t.lines[i], "monetary_value", clip.Value(m))
			}
		}
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("row %d: %w", t.lines[i], err)
		}
		out[i] = summaryRow{s: s, weight: w}
	}
	return out, nil
}

func patterns(rows []summaryRow) []clv.Pattern {
	ps := make([]clv.Pattern, len(rows))
	for i, r := range rows {
		ps[i] = clv.Pattern{Frequency: r.s.Frequency, Recency: r.s.Recency, T: r.s.T, Weight: r.weight}
	}
	return clv.CompressPatterns(ps)
}

// readBGBB reads frequency,recency,n_periods with optional weight and id
// columns; ids default to the row index.
func readBGBB(r io.Reader) ([]clv.BGBBPattern, []string, error) {
	t, err := readTable(r, "frequency", "recency", "n_periods")
	if err != nil {
		return nil, nil, err
	}
	if len(t.rows) == 0 {
		return nil, nil, errors.New("no data rows")
	}
	ps := make([]clv.BGBBPattern, len(t.rows))
	ids := make([]string, len(t.rows))
	seen := uniqueIDs{}
	for i := range t.rows {
		p := clv.BGBBPattern{Weight: 1}
		if p.Frequency, err = t.count(i, "frequency"); err != nil {
			return nil, nil, err
		}
		if p.Recency, err = t.count(i, "recency"); err != nil {
			return nil, nil, err
		}
		if p.Periods, err = t.count(i, "n_periods"); err != nil {
			return nil, nil, err
		}
		if t.has("weight") {
			if p.Weight, err = t.float(i, "weight"); err != nil {
				return nil, nil, err
			}
		}
		ids[i] = strconv.Itoa(i)
		if t.has("id") {
			if ids[i], err = t.str(i, "id"); err != nil {
				return nil, nil, err
			}
			if err := seen.check(ids[i], t.lines[i]); err != nil {
				return nil, nil, err
			}
		}
		if err := p.Validate(); err != nil {
			return nil, nil, fmt.Errorf("row %d: %w", t.lines[i], err)
		}
		ps[i] = p
	}
	return ps, ids, nil
}

// readCohort reads period,alive: survivors at the start of consecutive
// periods, period 0 being the cohort size.
func readCohort(r io.Reader) ([]clv.SBGObservation, error) {
	t, err := readTable(r, "period", "alive")
	if err != nil {
		return nil, err
	}
	alive := make([]float64, len(t.rows))
	for i := range t.rows {
		p, err := t.count(i, "period")
		if err != nil {
			return nil, err
		}
		if p != i {
			return nil, fmt.Errorf("row %d, column %q: period %d, want %d (consecutive periods from 0)", t.lines[i], "period", p, i)
		}
		if alive[i], err = t.float(i, "alive"); err != nil {
			return nil, err
		}
		if i > 0 && alive[i] > alive[i-1] {
			return nil, fmt.Errorf("row %d, column %q: survivors rise from %v to %v", t.lines[i], "alive", alive[i-1], alive[i])
		}
	}
	return clv.CohortObservations(alive)
}

// readSpend reads id,frequency,monetary_value (other columns ignored) for
// the Gamma-Gamma fit.
func readSpend(r io.Reader) ([]clv.SpendObservation, error) {
	t, err := readTable(r, "frequency", "monetary_value")
	if err != nil {
		return nil, err
	}
	if len(t.rows) == 0 {
		return nil, errors.New("no data rows")
	}
	obs := make([]clv.SpendObservation, len(t.rows))
	for i := range t.rows {
		o := clv.SpendObservation{Weight: 1}
		if o.Frequency, err = t.count(i, "frequency"); err != nil {
			return nil, err
		}
		if o.Mean, err = t.float(i, "monetary_value"); err != nil {
			return nil, err
		}
		if o.Frequency > 0 && o.Mean == 0 {
			return nil, fmt.Errorf("row %d, column %q: a repeat buyer with zero mean spend has no Gamma-Gamma density", t.lines[i], "monetary_value")
		}
		if o.Frequency == 0 && o.Mean != 0 {
			return nil, fmt.Errorf("row %d, column %q: monetary value %v with frequency 0 (it is the mean of repeat purchases)", t.lines[i], "monetary_value", o.Mean)
		}
		obs[i] = o
	}
	return obs, nil
}
