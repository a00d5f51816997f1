package clv

import (
	"math"
	"testing"
)

func TestParetoNBDReference(t *testing.T) {
	for _, c := range []struct {
		m         ParetoNBD
		x         int
		tx, T     float64
		ll, alive float64
	}{
		{ParetoNBD{R: 0.5533, Alpha: 10.5776, S: 0.6062, Beta: 11.6679}, 2, 30.43, 38.86, -9.5542942020350187098, 0.86912109570405913373},
		{ParetoNBD{R: 0.5533, Alpha: 10.5776, S: 0.6062, Beta: 11.6679}, 0, 0, 38.86, -0.52122774292329049927, 0.29509925952537556938},
		{ParetoNBD{R: 0.5533, Alpha: 20.0, S: 0.6062, Beta: 2.0}, 5, 10, 39, -16.364423741505155619, 0.05595735256669371437},
		{ParetoNBD{R: 0.5533, Alpha: 2.0, S: 0.6062, Beta: 20.0}, 5, 10, 39, -13.156390134900885485, 0.015470517280186382788},
		{ParetoNBD{R: 1, Alpha: 5, S: 1, Beta: 5}, 3, 20, 30, -12.137150813634362662, 0.53314907701231787628},
		{ParetoNBD{R: 0.5533, Alpha: 10.5776, S: 0.6062, Beta: 11.6679}, 10000, 9000, 10000, -8974.6806652352378223, 0},
		{ParetoNBD{R: 0.5533, Alpha: 10.5776, S: 0.6062, Beta: 11.6679}, 4, 39, 39, -15.30527951779255512, 1},
		{ParetoNBD{R: 0.5533, Alpha: 10.5776, S: 0.6062, Beta: 11.6679}, 26, 30.86, 31, -39.130652831683305966, 0.99791798922184349069},
	} {
		s := sum(c.x, c.tx, c.T)
		near(t, "Pareto/NBD LL", c.m.LogLikelihood(s), c.ll, 1e-11)
		if got := c.m.ProbabilityAlive(s); math.Abs(got-c.alive) > 1e-12 {
			t.Errorf("P(alive) %+v x=%d = %.15g, want %.15g", c.m, c.x, got, c.alive)
		}
	}
}
