package guard

import (
	"math"
	"testing"
)

type model struct{}

func (*model) Name() string { return "m" }

func TestIsNil(t *testing.T) {
	var p *model
	var named interface{ Name() string } = p
	for _, c := range []struct {
		v    any
		want bool
	}{
		{nil, true}, {p, true}, {named, true}, {map[string]int(nil), true}, {[]int(nil), true},
		{&model{}, false}, {3, false}, {"", false}, {[]int{}, false},
	} {
		if got := IsNil(c.v); got != c.want {
			t.Errorf("IsNil(%#v) = %v, want %v", c.v, got, c.want)
		}
	}
}

func TestFinite(t *testing.T) {
	for v, want := range map[float64]bool{0: true, -1e308: true, math.Inf(1): false, math.Inf(-1): false} {
		if Finite(v) != want {
			t.Errorf("Finite(%v) = %v", v, !want)
		}
	}
	if Finite(math.NaN()) {
		t.Error("Finite(NaN) = true")
	}
}
