package clv

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/internal/clip"
)

// Description is what identifies a model: the short name used in JSON and
// by clvtool, a title for people, and its parameters in their one order —
// the order of FitOptions.Start, ConvergenceError.Params and a model's
// standard errors. Every model of the package has exactly one, written
// beside the model's type; fitting, JSON persistence (MarshalModel,
// UnmarshalModel, NewModel) and clvtool all read it, so adding a model
// touches its own file plus one line of the registry.
type Description struct {
	// Name is the short name: "bgnbd", "mbgnbd", "pnbd", "bgbb", "sbg" or
	// "gg".
	Name string
	// Title is the name people use: "BG/NBD", "Pareto/NBD", …
	Title string
	// Params are the parameter names in order, as in the JSON form.
	Params []string
	// build makes the model from parameters in order (keyed literals only).
	build func(p []float64) Model
}

// registry lists every model's description; a new model adds one line.
var registry = []*Description{&bgnbdModel, &mbgnbdModel, &pnbdModel, &bgbbModel, &sbgModel, &ggModel}

// Models returns the descriptions of every model, in a fixed order.
func Models() []Description {
	out := make([]Description, len(registry))
	for i, d := range registry {
		out[i] = *d
		out[i].Params = slices.Clone(d.Params)
	}
	return out
}

// Describe returns the description of the model named name, or an error
// wrapping ErrInvalidParams that lists the known names.
func Describe(name string) (Description, error) {
	for _, d := range registry {
		if d.Name == name {
			out := *d
			out.Params = slices.Clone(d.Params)
			return out, nil
		}
	}
	return Description{}, fmt.Errorf("%w: unknown model %q (want %s)", ErrInvalidParams, name, modelList())
}

// modelList returns "bgnbd, mbgnbd, pnbd, bgbb, sbg or gg".
func modelList() string {
	names := make([]string, len(registry))
	for i, d := range registry {
		names[i] = d.Name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// paramMap returns the parameters by name.
func (d *Description) paramMap(p []float64) map[string]float64 {
	out := make(map[string]float64, len(p))
	for i, n := range d.Params {
		out[n] = p[i]
	}
	return out
}

// validate reports the first parameter that is not finite and positive;
// every model's parameters are shapes, scales or rates, all positive.
func (d *Description) validate(p []float64) error {
	for i, v := range p {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: %s %s = %v, want a finite positive number", ErrInvalidParams, d.Title, d.Params[i], v)
		}
	}
	return nil
}

// text writes parameters in order: "{r 0.2426, alpha 4.4135, a 0.7929, b 2.4258}".
func (d *Description) text(p []float64) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range d.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %v", n, p[i])
	}
	b.WriteByte('}')
	return b.String()
}

// validateWithUnit validates parameters and a model's time unit.
func validateWithUnit(d *Description, p []float64, u Unit) error {
	if !u.IsValid() {
		return fmt.Errorf("%w: %s: unknown unit %v", ErrInvalidParams, d.Title, u)
	}
	return d.validate(p)
}

// rescale converts a time scale from unit from to unit to: v is a length
// of time, so it grows as the unit shrinks.
func rescale(v float64, from, to Unit) float64 {
	if from == to {
		return v
	}
	return v * from.Days() / to.Days()
}

// InUnit returns m measured in unit u (see BGNBD.In): the same model, with
// its time scales converted, for any of the package's transaction models.
func InUnit(m TransactionModel, u Unit) (TransactionModel, error) {
	if !u.IsValid() {
		return nil, fmt.Errorf("%w: unknown unit %v", ErrInvalidOptions, u)
	}
	switch mm := m.(type) {
	case BGNBD:
		return mm.In(u), nil
	case MBGNBD:
		return mm.In(u), nil
	case ParetoNBD:
		return mm.In(u), nil
	case nil:
		return nil, fmt.Errorf("%w: InUnit: nil model", ErrInvalidParams)
	}
	return nil, fmt.Errorf("%w: InUnit: cannot convert a %T", ErrInvalidParams, m)
}

// withUnit labels a model read from JSON with its unit (no conversion).
func withUnit(m Model, u Unit) (Model, error) {
	switch mm := m.(type) {
	case BGNBD:
		mm.Unit = u
		return mm, nil
	case MBGNBD:
		mm.Unit = u
		return mm, nil
	case ParetoNBD:
		mm.Unit = u
		return mm, nil
	}
	return nil, fmt.Errorf("%w: a %s model has no time unit", ErrInvalidParams, m.Name())
}

// checkUnit reports a summary in another unit than the model's.
func checkUnit(m TransactionModel, s Summary) error {
	if s.Unit != m.TimeUnit() {
		return fmt.Errorf("%w: customer %s: summary in %ss, %s model in %ss (convert the model with In or InUnit)",
			ErrInvalidSummary, clip.Quote(s.ID), s.Unit, m.Name(), m.TimeUnit())
	}
	return nil
}
