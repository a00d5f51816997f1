package clv

import (
	"testing"
)

func TestBGNBDReference(t *testing.T) {
	m := BGNBD{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	// Hardie's note 027 reference values.
	near(t, "LL x=0", m.LogLikelihood(sum(0, 0, 40)), -0.599473818199593, 1e-12)
	near(t, "LL x=200", m.LogLikelihood(sum(200, 38, 40)), 100.795693092706, 1e-12)
	near(t, "LL x=10000", m.LogLikelihood(sum(10000, 9999, 10000)), -10015.2928130538, 1e-12)

	p := BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258}
	for _, c := range []struct {
		m        BGNBD
		x        int
		tx, T, t float64
		want     float64
	}{
		{p, 2, 30.43, 38.86, 39, 1.2259111998992229465},
		{p, 500, 38, 40, 10, 6.4092581118445607674e-6},
		{p, 5000, 39.9, 40, 52, 312.65535546752554651},
		{BGNBD{R: 0.2426, Alpha: 4.4135, A: 1.0000001, B: 2.4258}, 3, 20, 40, 39, 0.87603580363746426562},
		{BGNBD{R: 0.25, Alpha: 4, A: 0.5, B: 2.5}, 0, 0, 40, 100, 0.48078020809124368997},
	} {
		near(t, "BG/NBD E[X(t)|x]", c.m.ExpectedPurchases(sum(c.x, c.tx, c.T), c.t), c.want, 1e-10)
	}
	// a = 1 exactly: the Pfaff form has no singularity there.
	at1 := BGNBD{R: 0.2426, Alpha: 4.4135, A: 1, B: 2.4258}.ExpectedPurchases(sum(3, 20, 40), 39)
	near(t, "E at a=1 (limit)", at1, 0.87603580363746426562, 1e-6)
}
