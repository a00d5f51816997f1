package clv

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// Every model's description round-trips through its JSON form and drives
// fitting: the parameters of a fitted model come back in the description's
// order, and NewModel rebuilds the same value.
func TestDescriptionsRoundTrip(t *testing.T) {
	ms := Models()
	if len(ms) != len(registry) {
		t.Fatalf("%d descriptions, %d registered", len(ms), len(registry))
	}
	seen := map[string]bool{}
	for _, d := range ms {
		if seen[d.Name] {
			t.Errorf("two models named %q", d.Name)
		}
		seen[d.Name] = true
		p := make([]float64, len(d.Params))
		for i := range p {
			p[i] = 0.5 + float64(i)
		}
		m := d.build(p)
		if m.Name() != d.Name {
			t.Errorf("%s builds a model named %q", d.Name, m.Name())
		}
		params := m.Params()
		for i, n := range d.Params {
			if params[n] != p[i] {
				t.Errorf("%s: parameter %s = %v, want %v (order)", d.Name, n, params[n], p[i])
			}
		}
		b, err := MarshalModel(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		back, _, err := UnmarshalModel(b)
		if err != nil || !reflect.DeepEqual(back, m) {
			t.Errorf("%s: JSON round trip %v (%v) != %v", d.Name, back, err, m)
		}
		got, err := Describe(d.Name)
		if err != nil || !slices.Equal(got.Params, d.Params) {
			t.Errorf("Describe(%q) = %v, %v", d.Name, got, err)
		}
		bad := slices.Clone(p)
		bad[len(bad)-1] = -1
		if err := d.build(bad).Validate(); err == nil {
			t.Errorf("%s: a negative %s validates", d.Name, d.Params[len(d.Params)-1])
		}
	}
	if _, err := Describe("nope"); err == nil {
		t.Error("Describe of an unknown model")
	}
}

// A fit's start, result and standard errors follow the description's order.
func TestFitFollowsDescription(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	T := make([]float64, 2000)
	for i := range T {
		T[i] = 10 + 30*rng.Float64()
	}
	truth := BGNBD{R: 0.3, Alpha: 4, A: 0.8, B: 2.4}
	data := Compress(truth.Simulate(rng, T))
	m, rep, err := FitBGNBD(context.Background(), data, FitOptions{Start: truth.vector()})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range bgnbdModel.Params {
		if _, ok := rep.StdErrors[n]; !ok {
			t.Errorf("no standard error for %s", n)
		}
	}
	if m.Name() != rep.Model {
		t.Errorf("report names %q", rep.Model)
	}
}
