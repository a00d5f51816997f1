#!/usr/bin/python3
# High-precision reference tables for clv (read by clv/reference_test.go).
#
# HOW TO RERUN
#   apt-get install python3-mpmath          (mpmath 1.x; python3-gmpy2 only makes it faster)
#   nice -n 10 /usr/bin/python3 clv/testdata/reference/gen.py [--jobs 2]
# It rewrites bgnbd.csv, mbgnbd.csv, pnbd.csv, sbg.csv and bgbb.csv next to this
# file.  The run is deterministic: every input is drawn from random.Random(20261123)
# in the main process, in a fixed order, before any work is handed to the pool.
# Last run (mpmath 1.2.1 with the gmpy2 backend, 2 worker processes under nice,
# other work running on the machine): see GENERATION TIME at the end of this header.
#
# PRECISION AND FORMAT
#   Everything is computed with mp.dps = 50 (closed forms that can cancel are
#   evaluated with extra working digits).  Each drawn input is first rounded to a
#   float64 in Python and the computation uses mp.mpf(that float) exactly; inputs are
#   printed with repr(float), so Go parses the identical double.  `want` is printed
#   with 20 significant digits.  Where two independent formulas exist (a closed form
#   against a quadrature, or two different quadratures), both are computed and the
#   point is dropped and reported on stderr when they differ by more than 1e-25
#   relative; the named known cases abort the run instead.  Quadratures run in a
#   variable where the integrand is (nearly) log-concave (logit p for Beta
#   integrals, ln u for the Pareto/NBD ones), split where its logarithm changes
#   fast and scaled to a maximum of 1 (mp.quad's tolerance is absolute); a quadrature
#   that only checks a closed form runs at 35 digits.  A quantity whose true
#   absolute value is below 1e-290 is written with want = 0, and the Go test then
#   only requires 0 <= got <= 1e-290.  The column `check` says how a row was checked,
#   `case` says whether it is a random point or a named corner.
#
# SOURCES AND FORMULAS  (summary: x repeat purchases, recency t_x, age T; horizon t)
#   BG/NBD: Fader, Hardie & Lee 2005, "Counting your customers the easy way",
#   Marketing Science 24(2).  A "process" (r, alpha, a, b) is a customer alive at 0 who
#   buys at rate lambda ~ Gamma(r, alpha) and drops out after each purchase with
#   p ~ Beta(a, b).
#     E_new(t)   = int_0^1 Beta(p;a,b) (1 - (1+p t/alpha)^-r)/p dp
#                = (a+b-1)/(a-1) [1 - 2F1(r, a-1; a+b-1; -t/alpha)]          (eq. 7, Pfaff)
#     S(t)       = P(still alive at t) = 2F1(r, a; a+b; -t/alpha)
#                = int_0^1 Beta(p;a,b) (1+p t/alpha)^-r dp
#     pmf(n,t)   = B(a,b+n)/B(a,b) Gamma(r+n)/(Gamma(r) n!) (alpha/(alpha+t))^r (t/(alpha+t))^n
#                  + [n>0] B(a+1,b+n-1)/B(a,b) I_{t/(alpha+t)}(n, r)          (eq. 8)
#                  (I by mp.betainc, checked by a quadrature of the beta density on [0, z])
#     P(alive)   = 1/(1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))     (eq. 11)
#     conditional: the posterior process is (r+x, alpha+T, a, b+x);
#       ExpectedPurchases = P(alive) E_new_post(t); ProbabilityAliveAt = P(alive) S_post(t);
#       ProbabilityPurchases(n) = P(alive) pmf_post(n,t) + [n=0] (1 - P(alive)).
#     ln L = lnG(r+x) - lnG(r) + r ln alpha + lnB(a,b+x) - lnB(a,b) - (r+x) ln(alpha+T)
#            + ln(1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))  (Hardie note 027),
#       checked against eq. 6 (the sum of the two likelihood terms, not in logs).
#   MBG/NBD: Batislam, Denizel & Filiztekin 2007.  P(alive) = 1/(1 + a/(b+x)
#     ((alpha+T)/(alpha+t_x))^(r+x)) for every x; posterior process (r+x, alpha+T, a,
#     b+x+1); a new customer survives the drop-out chance after the first purchase with
#     probability b/(a+b) and is then the process (r, alpha, a, b+1):
#     E_new = b/(a+b) E_proc(t), pmf_new(n) = b/(a+b) pmf_proc(n) + [n=0] a/(a+b).
#     ln L = lnG(r+x) - lnG(r) + r ln alpha + lnB(a,b+x+1) - lnB(a,b) - (r+x) ln(alpha+T)
#            + ln(1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)).
#   Pareto/NBD (r, alpha, s, beta): Schmittlein, Morrison & Colombo 1987; Hardie's
#   notes 008 (likelihood) and 009 (P(alive), conditional expectation).
#     A  = s int_{t_x}^{T} (alpha+u)^-(r+x) (beta+u)^-(s+1) du    (mp.quad), checked against
#          the 2F1 closed form of note 008 branched on alpha >= beta:
#          int_tau^inf ... du = 2F1(c, s+1; c+1; (alpha-beta)/(alpha+tau)) / (c (alpha+tau)^c),
#          c = r+s+x (alpha >= beta; otherwise swap the roles, second parameter r+x);
#     L0 = (alpha+T)^-(r+x) (beta+T)^-s;  P(alive) = L0/(L0+A);
#     ln L = lnG(r+x) - lnG(r) + r ln alpha + s ln beta + ln(L0 + A);
#     ExpectedPurchases = P(alive) (r+x)(beta+T)/((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]
#     E_new(t) = r beta/(alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]     (both checked against
#          the quadrature of expected rate x survival);
#     ProbabilityAliveAt = P(alive) ((beta+T)/(beta+T+t))^s;
#     pmf_new(n,t) = (beta/(beta+t))^s Gamma(r+n)/(Gamma(r) n!) (alpha/(alpha+t))^r (t/(alpha+t))^n
#          + Gamma(r+n) alpha^r s beta^s/(Gamma(r) n!) int_0^t w^n (alpha+w)^-(r+n) (beta+w)^-(s+1) dw
#          (the integral by tanh-sinh in ln w, checked by Gauss-Legendre on the same pieces);
#     conditional pmf = P(alive) pmf_new with (r+x, alpha+T, s, beta+T) + [n=0] (1 - P(alive)).
#     DERT(delta) = P(alive) (r+x)/(alpha+T) (beta+T)^s delta^(s-1) U(s, s; delta (beta+T))
#          (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves", JMR 42, eq. 2;
#          Hardie note 026), checked against int_0^inf e^(-delta u) dE/du du.
#   sBG (alpha, beta): Fader & Hardie 2007 (J. Interactive Marketing 21(1)), Fader &
#   Hardie 2010 ("Customer-base valuation in a contractual setting", Marketing Science).
#     DEL(d)     = 2F1(1, beta; alpha+beta; 1/(1+d)) = sum_t B(alpha,beta+t)/B(alpha,beta)/(1+d)^t
#                = E[(1+d)/(d+theta)], theta ~ Beta(alpha, beta)   (the check, by quadrature)
#     DERL(d,k)  = (beta+k-1)/(alpha+beta+k-1) 2F1(1, beta+k; alpha+beta+k; 1/(1+d))
#                = E[(1-theta)(1+d)/(d+theta)], theta ~ Beta(alpha, beta+k-1)  (k payments made)
#     Survival(t) = B(alpha,beta+t)/B(alpha,beta); ChurnProbability(t) = B(alpha+1,beta+t-1)/B(alpha,beta);
#     LogLikelihood = ln ChurnProbability(t) (churned in period t) or ln Survival(t).
#   BG/BB (alpha, beta, gamma, delta): Fader, Hardie & Shang 2010, Marketing Science 29(6).
#     L (eq. 5) = B(a+x,b+n-x)/B(a,b) B(g,d+n)/B(g,d)
#                 + sum_{i=0}^{n-t_x-1} B(a+x,b+t_x-x+i)/B(a,b) B(g+1,d+t_x+i)/B(g,d);
#     P(alive at n+m) = B(a+x,b+n-x)/B(a,b) B(g,d+n+m)/B(g,d) / L   (eq. 11 is m = 1);
#     E[X(n,n+m)] (eq. 13) = B(a+x+1,b+n-x)/B(a,b) d/(g-1) G(g+d)/G(1+d)
#                 [G(1+d+n)/G(g+d+n) - G(1+d+n+m)/G(g+d+n+m)] / L,
#                 checked against sum_{j=1}^m B(a+x+1,b+n-x)/B(a,b) B(g,d+n+j)/B(g,d) / L;
#     E[X(n)] new (eq. 9) = a/(a+b) d/(g-1) [1 - G(g+d)G(1+d+n)/(G(g+d+n)G(1+d))],
#                 checked against a/(a+b) sum_{j=1}^n B(g,d+j)/B(g,d);
#     P(X(n)=x) new (eq. 8) = C(n,x) B(a+x,b+n-x)/B(a,b) B(g,d+n)/B(g,d)
#                 + sum_{i=x}^{n-1} C(i,x) B(a+x,b+i-x)/B(a,b) B(g+1,d+i)/B(g,d).
#   Before the tables are written, self-tests check that every pmf above sums to 1 and
#   has the mean given by the matching expectation (1e-30), that DEL agrees with its
#   series, and, loosely, a few published figures (REFERENCES.md; they come from
#   rounded or unrounded fits).
#
# DOMAIN (log-uniform unless said)
#   r, alpha, beta in [1e-4, 1e4]; a, b in [0.05, 1000]; s in [0.05, 50];
#   x = 0 (30%) or round(log-uniform [1, 10000]); T in [1e-3, 1e5]; t_x = 0 when x = 0,
#   otherwise t_x = T (15%), tiny t_x = T 10^-U(3,12) (10%) or uniform in [0, T];
#   t in [1e-3, 1e5]; pmf counts n in {0, one of 1, 2 or 3..30, round(mean)}, n <= 10000;
#   DERT delta in [1e-4, 1].  sBG: alpha, beta in [0.05, 1000], d in [1e-6, 10],
#   renewals k and periods t in 1..1000.  BG/BB: alpha, beta, gamma, delta in
#   [0.05, 1000], n <= 1000 opportunities, 1 <= x <= t_x <= n or x = t_x = 0,
#   m <= 1000 more opportunities.
#   Corners (case column): large r (1e4) with small a+b, large a (1000), tiny alpha
#   (1e-4) with large T, alpha = beta and alpha = beta (1 + 1e-9), t_x = T, T >> alpha,
#   and the known cases (case known:..., in bg_jobs, pnbd_jobs and sbg_jobs below).
#
# GENERATION TIME: the run prints "took Ns" on stderr.  Last run: 555 s wall (16.3 min CPU)
# on 2 cores under nice with other work running, self-tests 8 s; 14,398 rows, no point
# dropped; output identical to the previous run.

import argparse
import math
import multiprocessing
import os
import random
import sys
import time

from mpmath import mp, mpf

mp.dps = 50
SEED = 20261123
HERE = os.path.dirname(os.path.abspath(__file__))
CHECK_RTOL = mpf('1e-25')
TINY = mpf('1e-290')
EXTRA = 25  # extra digits for closed forms that may cancel
CHECK_DPS = 35  # working digits of a quadrature that only checks a closed form to 1e-25


class Disagree(Exception):
    pass


def agree(u, v, what, rtol=CHECK_RTOL):
    """Raise Disagree unless u and v agree to rtol relative."""
    u, v = mpf(u), mpf(v)
    if u == v:
        return
    scale = max(abs(u), abs(v))
    if not (abs(u - v) <= rtol * scale):
        raise Disagree('%s: %s vs %s (rel %s)' % (what, mp.nstr(u, 30), mp.nstr(v, 30),
                                                    mp.nstr(abs(u - v) / scale, 3)))


# ---------------------------------------------------------------- numerics

def hyp2f1(a, b, c, z):
    """mp.hyp2f1 with fall-backs when its series is too slow: more terms, and the
    Pfaff forms (mpmath drops maxterms when it transforms internally)."""
    w = z / (z - 1)
    tries = (lambda: mp.hyp2f1(a, b, c, z),
             lambda: mp.hyp2f1(a, b, c, z, maxterms=10 ** 6),
             lambda: (1 - z) ** (-b) * mp.hyp2f1(c - a, b, c, w, maxterms=10 ** 6),
             lambda: (1 - z) ** (-a) * mp.hyp2f1(a, c - b, c, w, maxterms=10 ** 6))
    for f in tries:
        try:
            with mp.workdps(mp.dps + 20):
                v = f()
            return +v
        except (mp.NoConvergence, ValueError):
            continue
    raise mp.NoConvergence('hyp2f1(%s, %s, %s, %s)' % (a, b, c, z))


def _subdivide(phi, lo, hi, extra):
    """Split points for int exp(phi(y)) dy over [lo, hi] (finite bracket), found at low
    precision: bisect where phi changes by more than 20 or bends by more than 2
    between the ends and the midpoint, and merge what is 250 below the maximum."""
    with mp.workdps(20):
        lo, hi = mpf(lo), mpf(hi)
        n0 = 12
        grid = sorted(set([lo + (hi - lo) * k / n0 for k in range(n0 + 1)] +
                          [mpf(e) for e in extra if lo < e < hi]))
        vals = [phi(y) for y in grid]
        best = [max(vals)]
        out = []

        def rec(u, v, fu, fv, depth):
            m = (u + v) / 2
            fm = phi(m)
            if fm > best[0]:
                best[0] = fm
            bend = fm - (fu + fv) / 2
            top = max(fu, fv, fm)
            # far below the maximum and no sign of a peak inside: negligible
            small = top < best[0] - 250 and fm <= max(fu, fv) + 1
            smooth = abs(fu - fv) <= 20 and abs(bend) <= 2
            if depth >= 60 or small or smooth or v - u < mpf(10) ** -12 * (1 + abs(u)):
                out.append((u, v, top))
                return
            rec(u, m, fu, fm, depth + 1)
            rec(m, v, fm, fv, depth + 1)

        for i in range(len(grid) - 1):
            rec(grid[i], grid[i + 1], vals[i], vals[i + 1], 0)
        # merge negligible neighbours
        pts = [out[0][0]]
        prev_small = False
        for (u, v, top) in out:
            small = top < best[0] - 250
            if small and prev_small:
                pts[-1] = v
            else:
                pts.append(v)
            prev_small = small
        return pts, best[0]


def integrate_log(phi, lo, hi, lo_inf=False, hi_inf=False, extra=(), method='tanh-sinh',
                  dps=None):
    """int exp(phi(y)) dy over [lo, hi]; lo_inf/hi_inf extend the domain to -inf/+inf
    (lo/hi are then a starting bracket, widened until phi is 260 below its maximum:
    phi must decay at least linearly there, so the tail left out is below e^-250)."""
    lo, hi = mpf(lo), mpf(hi)
    with mp.workdps(20):
        for _ in range(40):
            ys = [lo + (hi - lo) * k / 16 for k in range(17)]
            vs = [phi(y) for y in ys]
            top = max(vs)
            grow = False
            if lo_inf and vs[0] > top - 260:
                lo -= 2 * (hi - lo) + 1
                grow = True
            if hi_inf and vs[-1] > top - 260:
                hi += 2 * (hi - lo) + 1
                grow = True
            if not grow:
                break
        else:
            raise Disagree('integrate_log: bracket does not close')
    pts, top = _subdivide(phi, lo, hi, extra)
    pts = [mpf(p) for p in pts]
    # the split points were found at low precision: keep the exact finite ends
    # (an infinite end was widened until the integrand is e^-260 below its maximum;
    # the tail beyond is left out: mp.quad's nodes towards infinity overflow gmpy)
    pts[0], pts[-1] = lo, hi
    # mp.quad's tolerance is absolute: scale the integrand to a maximum near 1
    top = mpf(top)
    with mp.workdps(dps or mp.dps):
        v = mp.quad(lambda y: mp.exp(phi(y) - top), pts, method=method) * mp.exp(top)
    return +v


def ln_pq(y):
    """ln p and ln(1-p) for p = 1/(1+e^-y), each with full relative precision."""
    if y < 0:
        l = mp.log1p(mp.exp(y))
        return y - l, -l
    l = mp.log1p(mp.exp(-y))
    return -l, -y - l


def beta_expect(lng, a, b, extra_p=(), dps=None):
    """E[g(p)], p ~ Beta(a, b), as a quadrature in the logit of p; lng(y, lp, lq)
    returns ln g with lp = ln p, lq = ln(1-p) (both accurate at the ends)."""
    lB = mp.log(mp.beta(a, b))

    def phi(y):
        lp, lq = ln_pq(y)
        return a * lp + b * lq - lB + lng(y, lp, lq)
    c = mp.log(a / b)
    extra = [mp.log(p / (1 - p)) for p in extra_p if 0 < p < 1]
    return integrate_log(phi, c - 30, c + 30, lo_inf=True, hi_inf=True, extra=extra, dps=dps)


# ---------------------------------------------------------------- BG/NBD process

def bg_expected(r, al, a, b, t):
    """E[X(t)] of a BG process alive at 0: returns (value, check)."""
    c = t / al

    def lng(y, lp, lq):
        p = mp.exp(lp)
        return mp.log(-mp.expm1(-r * mp.log1p(p * c))) - lp
    q = beta_expect(lng, a, b, extra_p=[1 / c, 1 / (r * c)], dps=CHECK_DPS)
    if a == 1:
        return q, 'quad'
    with mp.workdps(mp.dps + EXTRA):
        h = (a + b - 1) / (a - 1) * (1 - hyp2f1(r, a - 1, a + b - 1, -c))
    agree(h, q, 'bg E(t) (%s,%s,%s,%s,%s)' % (r, al, a, b, t))
    return +h, 'hyp2f1=quad'


def bg_survival(r, al, a, b, t):
    c = t / al
    h = hyp2f1(r, a, a + b, -c)

    def lng(y, lp, lq):
        return -r * mp.log1p(mp.exp(lp) * c)
    q = beta_expect(lng, a, b, extra_p=[1 / c, 1 / (r * c)], dps=CHECK_DPS)
    agree(h, q, 'bg S(t) (%s,%s,%s,%s,%s)' % (r, al, a, b, t))
    return h, 'hyp2f1=quad'


def reg_inc_beta(n, r, z, zc):
    """I_z(n, r) with zc = 1-z given separately: mp.betainc (or its 2F1 form)
    checked by a quadrature of u^(n-1) (1-u)^(r-1)/B(n, r) over [0, z] in the logit
    of u; when both closed forms fail, that quadrature checked by Gauss-Legendre."""
    lB = mp.log(mp.beta(n, r))
    yz = mp.log(z) - mp.log(zc)

    def phi(y):
        lp, lq = ln_pq(y)
        return n * lp + r * lq - lB
    try:
        v, chk = mp.betainc(n, r, 0, z, regularized=True), 'betainc=quad'
    except (ValueError, mp.NoConvergence):
        try:
            # I_z(a, b) = z^a (1-z)^b / (a B(a, b)) 2F1(a+b, 1; a+1; z)
            v, chk = z ** n * zc ** r / (n * mp.beta(n, r)) * hyp2f1(n + r, 1, n + 1, z), '2F1=quad'
        except mp.NoConvergence:
            v, chk = integrate_log(phi, yz - 40, yz, lo_inf=True), 'quad=quad'
    q = integrate_log(phi, yz - 40, yz, lo_inf=True, dps=CHECK_DPS,
                      method='gauss-legendre' if chk == 'quad=quad' else 'tanh-sinh')
    agree(v, q, 'I_z(%s,%s) z=%s' % (n, r, z))
    return v, chk


def bg_pmf(r, al, a, b, n, t):
    z = t / (al + t)
    zc = al / (al + t)
    B0 = mp.beta(a, b)
    nb = mp.gamma(r + n) / (mp.gamma(r) * mp.factorial(n)) * zc ** r * z ** n
    v = mp.beta(a, b + n) / B0 * nb
    if n == 0:
        return v, 'closed'
    I, chk = reg_inc_beta(n, r, z, zc)
    return v + mp.beta(a + 1, b + n - 1) / B0 * I, chk


def bg_pmf_unchecked(r, al, a, b, n, t):
    z = t / (al + t)
    zc = al / (al + t)
    B0 = mp.beta(a, b)
    v = mp.beta(a, b + n) / B0 * mp.gamma(r + n) / (mp.gamma(r) * mp.factorial(n)) * zc ** r * z ** n
    if n > 0:
        v += mp.beta(a + 1, b + n - 1) / B0 * mp.betainc(n, r, 0, z, regularized=True)
    return v


# ---------------------------------------------------------------- BG/NBD, MBG/NBD

def bg_odds(model, r, al, a, b, x, tx, T):
    """P(dead)/P(alive) at T."""
    if model == 'bgnbd':
        if x == 0:
            return mpf(0)
        return a / (b + x - 1) * ((al + T) / (al + tx)) ** (r + x)
    return a / (b + x) * ((al + T) / (al + tx)) ** (r + x)


def bg_loglik(model, r, al, a, b, x, tx, T):
    odds = bg_odds(model, r, al, a, b, x, tx, T)
    bx = b + x if model == 'bgnbd' else b + x + 1
    ll = (mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al) + mp.log(mp.beta(a, bx))
          - mp.log(mp.beta(a, b)) - (r + x) * mp.log(al + T) + mp.log1p(odds))
    # check: FHL 2005 eq. 6 / Batislam et al., the two likelihood terms summed directly
    g = mp.gamma(r + x) / mp.gamma(r) * al ** r
    if model == 'bgnbd':
        L = mp.beta(a, b + x) / mp.beta(a, b) * g / (al + T) ** (r + x)
        if x > 0:
            L += mp.beta(a + 1, b + x - 1) / mp.beta(a, b) * g / (al + tx) ** (r + x)
    else:
        L = (mp.beta(a, b + x + 1) / mp.beta(a, b) * g / (al + T) ** (r + x)
             + mp.beta(a + 1, b + x) / mp.beta(a, b) * g / (al + tx) ** (r + x))
    agree(ll, mp.log(L), '%s LL' % model)
    return ll


def bg_point(model, p):
    r, al, a, b = (mpf(p[k]) for k in ('r', 'alpha', 'a', 'b'))
    x, tx, T, t = p['x'], mpf(p['tx']), mpf(p['T']), mpf(p['t'])
    odds = bg_odds(model, r, al, a, b, x, tx, T)
    palive = 1 / (1 + odds)
    pdead = odds / (1 + odds)
    post = (r + x, al + T, a, (b + x) if model == 'bgnbd' else (b + x + 1))
    if model == 'bgnbd':
        newp, pnew = (r, al, a, b), mpf(1)
    else:
        newp, pnew = (r, al, a, b + 1), b / (a + b)
    out = []
    want = p.get('only')

    def emit(q, v, chk, n=None):
        if want is None or q in want:
            out.append((q, n, v, chk))
    emit('palive', palive, 'closed')
    emit('loglik', bg_loglik(model, r, al, a, b, x, tx, T), 'log=direct')
    if want is None or 'palive_at' in want:
        s, chk = bg_survival(*post, t)
        emit('palive_at', palive * s, chk)
    epost = enew = None
    if want is None or 'expected' in want or 'pmf' in want:
        e, chk = bg_expected(*post, t)
        epost = palive * e
        emit('expected', epost, chk)
    if want is None or 'expected_new' in want or 'pmf_new' in want:
        e, chk = bg_expected(*newp, t)
        enew = pnew * e
        emit('expected_new', enew, chk)
    for n in resolve_ns(p.get('n_new', []), enew):
        v, chk = bg_pmf(*newp, n, t)
        v = pnew * v + (1 - pnew if n == 0 else 0)
        emit('pmf_new', v, chk, n)
    for n in resolve_ns(p.get('n_cond', []), epost):
        v, chk = bg_pmf(*post, n, t)
        v = palive * v + (pdead if n == 0 else 0)
        emit('pmf', v, chk, n)
    return out


def resolve_ns(ns, mean):
    got = []
    for n in ns:
        if n == 'mean':
            n = int(min(10000, max(0, round(float(mean)))))
        if n not in got:
            got.append(n)
    return got


# ---------------------------------------------------------------- Pareto/NBD

def pnbd_A(r, al, s, be, x, tx, T):
    """s int_{tx}^{T} (al+u)^-(r+x) (be+u)^-(s+1) du by quadrature in ln(m+u),
    m = min(al, be), checked against note 008's 2F1 form."""
    if tx == T:
        return mpf(0), 'closed'
    m = min(al, be)
    da, db = al - m, be - m

    def phi(v):
        ev = mp.exp(v)
        return v - (r + x) * mp.log(da + ev) - (s + 1) * mp.log(db + ev)
    q = s * integrate_log(phi, mp.log(m + tx), mp.log(m + T))
    c = r + s + x

    def closed(dps):
        with mp.workdps(dps):
            def F(tau):
                if al >= be:
                    return hyp2f1(c, s + 1, c + 1, (al - be) / (al + tau)) / (c * (al + tau) ** c)
                return hyp2f1(c, r + x, c + 1, (be - al) / (be + tau)) / (c * (be + tau) ** c)
            f1, f2 = F(tx), F(T)
            return s * (f1 - f2), f1
    dps = mp.dps + EXTRA
    h, f1 = closed(dps)
    lost = 0 if h == 0 else int(mp.log10(abs(s * f1 / h)))
    if lost > EXTRA - 5:
        h, _ = closed(mp.dps + lost + EXTRA)
    agree(h, q, 'pnbd A (%s,%s,%s,%s) x=%s tx=%s T=%s' % (r, al, s, be, x, tx, T))
    return q, 'quad=2F1'


def pnbd_alive(r, al, s, be, x, tx, T):
    A, chk = pnbd_A(r, al, s, be, x, tx, T)
    L0 = (al + T) ** (-(r + x)) * (be + T) ** (-s)
    return L0, A, chk


def pnbd_rate_integral(B, s, t):
    """int_0^t (B/(B+u))^s du: closed form, checked by quadrature in ln(B+u)."""
    if s == 1:
        h = B * mp.log1p(t / B)
    else:
        h = B / (s - 1) * -mp.expm1(-(s - 1) * mp.log1p(t / B))

    def phi(y):
        return s * (mp.log(B) - y) + y
    q = integrate_log(phi, mp.log(B), mp.log(B + t), dps=CHECK_DPS)
    agree(h, q, 'pnbd rate integral B=%s s=%s t=%s' % (B, s, t))
    return h


def pnbd_pmf(r, al, s, be, n, t):
    """P(X(t)=n) for a new Pareto/NBD customer with (r, al, s, be)."""
    nb = mp.gamma(r + n) / (mp.gamma(r) * mp.factorial(n))
    first = (be / (be + t)) ** s * nb * (al / (al + t)) ** r * (t / (al + t)) ** n

    def phi(y):
        ew = mp.exp(y)
        return (n + 1) * y - (r + n) * mp.log(al + ew) - (s + 1) * mp.log(be + ew)
    yt = mp.log(t)
    I = integrate_log(phi, yt - 40, yt, lo_inf=True)
    # check: the same pieces with Gauss-Legendre instead of tanh-sinh
    I2 = integrate_log(phi, yt - 40, yt, lo_inf=True, method='gauss-legendre', dps=CHECK_DPS)
    agree(I, I2, 'pnbd pmf integral (%s,%s,%s,%s) n=%s t=%s' % (r, al, s, be, n, t))
    second = nb * al ** r * s * be ** s * I
    return first + second, 'quad=quad'


def pnbd_dert(r, al, s, be, x, tx, T, delta, palive):
    B = be + T
    h = palive * (r + x) / (al + T) * B ** s * delta ** (s - 1) * mp.hyperu(s, s, delta * B)

    def phi(y):
        return -delta * (mp.exp(y) - B) + s * (mp.log(B) - y) + y
    lB = mp.log(B)
    q = palive * (r + x) / (al + T) * integrate_log(
        phi, lB, lB + 10, hi_inf=True, extra=[mp.log(B + 1 / delta)], dps=CHECK_DPS)
    agree(h, q, 'pnbd DERT (%s,%s,%s,%s) x=%s tx=%s T=%s delta=%s' % (r, al, s, be, x, tx, T, delta))
    return h, 'hyperu=quad'


def pnbd_point(p):
    r, al, s, be = (mpf(p[k]) for k in ('r', 'alpha', 's', 'beta'))
    x, tx, T, t = p['x'], mpf(p['tx']), mpf(p['T']), mpf(p['t'])
    want = p.get('only')
    out = []

    def emit(q, v, chk, n=None, delta=None):
        if want is None or q in want:
            out.append((q, n, v, chk) if delta is None else (q, n, v, chk, delta))
    L0, A, chk = pnbd_alive(r, al, s, be, x, tx, T)
    palive = L0 / (L0 + A)
    pdead = A / (L0 + A)
    emit('palive', palive, chk)
    ll = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al) + s * mp.log(be) + mp.log(L0 + A)
    emit('loglik', ll, chk)
    for d in p.get('deltas', []):
        v, c2 = pnbd_dert(r, al, s, be, x, tx, T, mpf(d), palive)
        emit('dert', v, c2, delta=d)
    if want is not None and want <= {'palive', 'loglik', 'dert'}:
        return out
    Bt = be + T
    emit('palive_at', palive * (Bt / (Bt + t)) ** s, 'closed')
    epost = palive * (r + x) / (al + T) * pnbd_rate_integral(Bt, s, t)
    emit('expected', epost, 'closed=quad')
    enew = r / al * pnbd_rate_integral(be, s, t)
    emit('expected_new', enew, 'closed=quad')
    for n in resolve_ns(p.get('n_new', []), enew):
        v, c2 = pnbd_pmf(r, al, s, be, n, t)
        emit('pmf_new', v, c2, n)
    for n in resolve_ns(p.get('n_cond', []), epost):
        v, c2 = pnbd_pmf(r + x, al + T, s, be + T, n, t)
        emit('pmf', palive * v + (pdead if n == 0 else 0), c2, n)
    return out


# ---------------------------------------------------------------- sBG

def sbg_del(al, be, d, k=None):
    """DEL (k None) or DERL after k payments."""
    z = 1 / (1 + d)
    if k is None:
        h = hyp2f1(1, be, al + be, z)
        bb = be

        def lng(y, lp, lq):
            return mp.log1p(d) - mp.log(d + mp.exp(lp))
    else:
        h = (be + k - 1) / (al + be + k - 1) * hyp2f1(1, be + k, al + be + k, z)
        bb = be + k - 1

        def lng(y, lp, lq):
            return lq + mp.log1p(d) - mp.log(d + mp.exp(lp))
    q = beta_expect(lng, al, bb, extra_p=[d], dps=CHECK_DPS)
    agree(h, q, 'sBG DEL/DERL (%s,%s) d=%s k=%s' % (al, be, d, k))
    return h, 'hyp2f1=quad'


def sbg_point(p):
    al, be = mpf(p['alpha']), mpf(p['beta'])
    out = []
    for d in p.get('ds', []):
        v, chk = sbg_del(al, be, mpf(d))
        out.append(('del', dict(d=d), v, chk))
    for d, k in p.get('derl', []):
        v, chk = sbg_del(al, be, mpf(d), k)
        out.append(('derl', dict(d=d, k=k), v, chk))
    B0 = mp.beta(al, be)
    for tt in p.get('ts', []):
        S = mp.beta(al, be + tt) / B0
        C = mp.beta(al + 1, be + tt - 1) / B0
        # check: S(t-1) - S(t) = P(T = t)
        agree(mp.beta(al, be + tt - 1) / B0 - S, C, 'sBG churn/survival')
        out.append(('survival', dict(t=tt), S, 'closed'))
        out.append(('churn', dict(t=tt), C, 'closed'))
        out.append(('loglik', dict(t=tt, churned=1), mp.log(C), 'closed'))
        out.append(('loglik', dict(t=tt, churned=0), mp.log(S), 'closed'))
    return out


# ---------------------------------------------------------------- BG/BB

def bgbb_L(al, be, ga, de, x, tx, n):
    B1, B2 = mp.beta(al, be), mp.beta(ga, de)
    L = mp.beta(al + x, be + n - x) / B1 * mp.beta(ga, de + n) / B2
    for i in range(n - tx):
        L += mp.beta(al + x, be + tx - x + i) / B1 * mp.beta(ga + 1, de + tx + i) / B2
    return L


def bgbb_survsum(ga, de, n, m):
    """sum_{j=1}^m B(g, d+n+j)/B(g, d) by eq. 13's closed form, checked by the sum."""
    B2 = mp.beta(ga, de)
    h = None
    if ga != 1:
        with mp.workdps(mp.dps + EXTRA):
            h = de / (ga - 1) * mp.gamma(ga + de) / mp.gamma(1 + de) * (
                mp.gamma(1 + de + n) / mp.gamma(ga + de + n)
                - mp.gamma(1 + de + n + m) / mp.gamma(ga + de + n + m))
    s = mpf(0)
    # sum_{j=1}^m B(g,d+n+j)/B(g,d) via the ratio recursion B(g,c+1)/B(g,c) = c/(g+c)
    term = mp.beta(ga, de + n) / B2
    for j in range(1, m + 1):
        c = de + n + j - 1
        term = term * c / (ga + c)
        s += term
    if h is not None:
        agree(h, s, 'BG/BB survival sum (%s,%s) n=%s m=%s' % (ga, de, n, m))
        return +h, 'closed=sum'
    return s, 'sum'


def bgbb_point(p):
    al, be, ga, de = (mpf(p[k]) for k in ('alpha', 'beta', 'gamma', 'delta'))
    x, tx, n = p['x'], p['tx'], p['n']
    out = []
    L = bgbb_L(al, be, ga, de, x, tx, n)
    out.append(('loglik', dict(x=x, tx=tx, n=n), mp.log(L), 'sum'))
    B1, B2 = mp.beta(al, be), mp.beta(ga, de)
    for m in p.get('ms', []):
        v = mp.beta(al + x, be + n - x) / B1 * mp.beta(ga, de + n + m) / B2 / L
        out.append(('palive', dict(x=x, tx=tx, n=n, m=m), v, 'closed'))
        if m >= 1:
            ss, chk = bgbb_survsum(ga, de, n, m)
            v = mp.beta(al + x + 1, be + n - x) / B1 * ss / L
            out.append(('expected', dict(x=x, tx=tx, n=n, m=m), v, chk))
    for nn in p.get('n_new', []):
        ss, chk = bgbb_survsum(ga, de, 0, nn)
        out.append(('expected_new', dict(n=nn), al / (al + be) * ss, chk))
    for xx, nn in p.get('pmf_new', []):
        out.append(('pmf_new', dict(x=xx, n=nn), bgbb_pmf(al, be, ga, de, xx, nn), 'sum'))
    return out


def bgbb_pmf(al, be, ga, de, x, n):
    B1, B2 = mp.beta(al, be), mp.beta(ga, de)
    v = mp.binomial(n, x) * mp.beta(al + x, be + n - x) / B1 * mp.beta(ga, de + n) / B2
    for i in range(x, n):
        v += mp.binomial(i, x) * mp.beta(al + x, be + i - x) / B1 * mp.beta(ga + 1, de + i) / B2
    return v


# ---------------------------------------------------------------- self-tests

def selftest():
    t0 = time.time()
    tol = mpf('1e-30')
    # BG/NBD and MBG/NBD pmfs sum to 1 with mean E[X(t)]
    for (r, al, a, b, t) in [(0.25, 4.0, 0.8, 2.5, 39), (3.0, 0.5, 5.0, 0.7, 2.0), (0.6, 2.0, 0.3, 0.4, 5.0)]:
        r, al, a, b, t = map(mpf, (r, al, a, b, t))
        tot = mean = mpf(0)
        n = 0
        while True:
            v = bg_pmf_unchecked(r, al, a, b, n, t)
            tot += v
            mean += n * v
            n += 1
            if n > 20 and v * n * n < mpf('1e-45'):
                break
            if n > 3000:
                raise SystemExit('selftest: BG pmf tail too long')
        agree(tot, 1, 'selftest BG pmf sum', tol)
        agree(mean, bg_expected(r, al, a, b, t)[0], 'selftest BG pmf mean', tol)
    # Pareto/NBD pmf
    for (r, al, s, be, t) in [(0.55, 10.58, 0.61, 11.67, 0.5), (2.0, 1.0, 3.0, 0.5, 0.05)]:
        r, al, s, be, t = map(mpf, (r, al, s, be, t))
        tot = mean = mpf(0)
        n = 0
        while True:
            v, _ = pnbd_pmf(r, al, s, be, n, t)
            tot += v
            mean += n * v
            n += 1
            if n > 10 and v * n * n < mpf('1e-45'):
                break
            if n > 1000:
                raise SystemExit('selftest: Pareto pmf tail too long')
        agree(tot, 1, 'selftest Pareto pmf sum', tol)
        agree(mean, r / al * pnbd_rate_integral(be, s, t), 'selftest Pareto pmf mean', tol)
    # BG/BB pmf
    al, be, ga, de = map(mpf, (1.2035, 0.7497, 0.6567, 2.7834))
    for n in (1, 6, 11):
        tot = sum(bgbb_pmf(al, be, ga, de, x, n) for x in range(n + 1))
        mean = sum(x * bgbb_pmf(al, be, ga, de, x, n) for x in range(n + 1))
        agree(tot, 1, 'selftest BG/BB pmf sum', tol)
        agree(mean, al / (al + be) * bgbb_survsum(ga, de, 0, n)[0], 'selftest BG/BB mean', tol)
    # sBG DEL against its series at d = 0.1 and published figures
    for (al, be, pub) in [(0.704, 1.182, 3.6949), (0.668, 3.806, 5.9223)]:
        al, be, d = mpf(al), mpf(be), mpf('0.1')
        v = sbg_del(al, be, d)[0]
        ser = mp.nsum(lambda k: mp.beta(al, be + k) / mp.beta(al, be) / (1 + d) ** k, [0, mp.inf])
        agree(v, ser, 'selftest DEL series', tol)
        assert abs(v - pub) < 5e-4, (v, pub)  # published from unrounded fits
        assert abs(sbg_del(al, be, d, 1)[0] - (v - 1) * (1 + d)) < 1e-40
    # published figures, loose
    pub = [
        (bg_loglik('bgnbd', mpf(.25), mpf(4), mpf(.8), mpf(2.5), 0, mpf(0), mpf(40)), -0.59947382, 1e-8),
        (bg_loglik('bgnbd', mpf(.25), mpf(4), mpf(.8), mpf(2.5), 200, mpf(38), mpf(40)), 100.7957, 1e-4),
        (bg_expected(mpf(100), mpf(100), mpf(.79), mpf(2.4), mpf(260))[0], 19.16, 0.005),
        (bgbb_survsum(mpf(.6567), mpf(2.7834), 0, 11)[0] * mpf(1.2035) / (mpf(1.2035) + mpf(.7497)), 3.3887, 1e-4),
    ]
    for got, w, tl in pub:
        if abs(got - w) > tl:
            raise SystemExit('selftest published figure: got %s want %s' % (got, w))
    print('selftest ok (%.1fs)' % (time.time() - t0), file=sys.stderr)


# ---------------------------------------------------------------- draws

def logu(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def draw_customer(rng):
    T = logu(rng, 1e-3, 1e5)
    if rng.random() < 0.3:
        return 0, 0.0, T
    x = min(10000, max(1, int(round(logu(rng, 1, 10000)))))
    u = rng.random()
    if u < 0.15:
        tx = T
    elif u < 0.25:
        tx = T * 10 ** rng.uniform(-12, -3)
    else:
        tx = rng.uniform(0, T)
    return x, tx, T


def draw_ns(rng):
    small = rng.choice([1, 2, rng.randint(3, 30)])
    return [0, small, 'mean']


def bg_jobs(model, rng, npoints):
    jobs = []
    for _ in range(npoints):
        x, tx, T = draw_customer(rng)
        jobs.append(('random', dict(r=logu(rng, 1e-4, 1e4), alpha=logu(rng, 1e-4, 1e4),
                                    a=logu(rng, 0.05, 1000), b=logu(rng, 0.05, 1000),
                                    x=x, tx=tx, T=T, t=logu(rng, 1e-3, 1e5),
                                    n_new=draw_ns(rng), n_cond=draw_ns(rng))))
    corners = [
        ('large-r-small-ab', (1e4, 1.0, 0.05, 0.06)),
        ('large-r-small-ab', (1e4, 1e-4, 0.3, 0.4)),
        ('large-r-small-ab', (1e4, 1e4, 0.05, 0.05)),
        ('large-a', (1.0, 1.0, 1000.0, 0.05)),
        ('large-a', (10.0, 0.1, 1000.0, 10.0)),
        ('large-a', (0.24, 4.4, 1000.0, 1000.0)),
        ('tiny-alpha', (0.24, 1e-4, 0.79, 2.4)),
        ('tiny-alpha', (1e4, 1e-4, 1000.0, 0.05)),
        ('a-near-1', (0.5, 2.0, 1.0 + 2 ** -40, 3.0)),
        ('a+b-near-1', (0.5, 2.0, 0.4, 0.6 + 2 ** -40)),
        ('cdnow', (0.2426, 4.4135, 0.7929, 2.4258)),
    ]
    custs = [(0, 0.0, 39.0), (2, 30.43, 38.86), (5, 1e5, 1e5), (100, 9e4, 1e5), (10000, 1e5, 1e5),
             (3, 1e-3, 1e-3), (1, 1e-9, 1e4), (50, 0.5, 1.0)]
    horizons = [1e-3, 39.0, 1e5]
    for case, (r, al, a, b) in corners:
        for i, (x, tx, T) in enumerate(custs):
            jobs.append(('corner:' + case, dict(r=r, alpha=al, a=a, b=b, x=x, tx=tx, T=T,
                                                t=horizons[i % 3], n_new=[0, 1, 'mean'],
                                                n_cond=[0, 2, 'mean'])))
    # T >> alpha and t_x = T at random parameters
    for _ in range(15):
        al = logu(rng, 1e-4, 1e-2)
        x = min(10000, int(round(logu(rng, 1, 10000))))
        T = logu(rng, 1e3, 1e5)
        jobs.append(('corner:T>>alpha+tx=T', dict(r=logu(rng, 1e-4, 1e4), alpha=al, a=logu(rng, 0.05, 1000),
                                                  b=logu(rng, 0.05, 1000), x=x, tx=T, T=T,
                                                  t=logu(rng, 1e-3, 1e5), n_new=[0, 1], n_cond=[0, 'mean'])))
    # known cases
    def known(name, r, al, a, b, x, tx, T, t, only=None):
        d = dict(r=r, alpha=al, a=a, b=b, x=x, tx=tx, T=T, t=t, n_new=[0, 1, 'mean'], n_cond=[0, 1, 'mean'],
                 strict=True)
        if only:
            d['only'] = set(only)
        jobs.append(('known:' + name, d))
    if model == 'bgnbd':
        known('r100', 100.0, 100.0, 0.79, 2.4, 0, 0.0, 10.0, 260.0)
        known('r289', 289.455, 0.657136, 0.347989, 0.118993, 0, 0.0, 0.1527, 260.0)
        known('a1000', 10.0, 0.1, 1000.0, 10.0, 0, 0.0, 1.0, 1.0)
        known('T0', 0.24, 1e-5, 0.79, 2.4, 0, 0.0, 0.0, 39.0)
    else:
        known('r1000', 1000.0, 0.1, 10.0, 10.0, 0, 0.0, 2.5, 2.5)
        known('a281', 0.021488, 0.126661, 281.53, 0.69344, 0, 0.0, 0.5193, 39.0)
    return jobs


def pnbd_jobs(rng, npoints):
    jobs = []
    for _ in range(npoints):
        x, tx, T = draw_customer(rng)
        jobs.append(('random', dict(r=logu(rng, 1e-4, 1e4), alpha=logu(rng, 1e-4, 1e4),
                                    s=logu(rng, 0.05, 50), beta=logu(rng, 1e-4, 1e4),
                                    x=x, tx=tx, T=T, t=logu(rng, 1e-3, 1e5),
                                    n_new=draw_ns(rng), n_cond=draw_ns(rng),
                                    deltas=[logu(rng, 1e-4, 1)])))
    corners = [
        ('alpha=beta', (0.55, 10.0, 0.6, 10.0)),
        ('alpha~beta', (0.55, 10.0, 0.6, 10.0 * (1 + 1e-9))),
        ('alpha~beta', (3.0, 1e-3 * (1 - 1e-9), 20.0, 1e-3)),
        ('large-r', (1e4, 1.0, 0.6, 10.0)),
        ('large-r', (1e4, 1e4, 50.0, 1e-4)),
        ('tiny-alpha', (0.5, 1e-4, 0.6, 10.0)),
        ('tiny-alpha', (0.5, 1e-4, 0.05, 1e4)),
        ('s-near-1', (0.5, 10.0, 1.0 + 2 ** -40, 10.0)),
        ('cdnow', (0.5533, 10.5776, 0.6062, 11.668)),
    ]
    custs = [(0, 0.0, 39.0), (26, 30.86, 31.0), (5, 1e5, 1e5), (100, 9e4, 1e5), (10000, 1e5, 1e5),
             (3, 1e-3, 1e-3), (1, 1e-9, 1e4), (50, 0.5, 1.0)]
    horizons = [1e-3, 52.0, 1e5]
    for case, (r, al, s, be) in corners:
        for i, (x, tx, T) in enumerate(custs):
            jobs.append(('corner:' + case, dict(r=r, alpha=al, s=s, beta=be, x=x, tx=tx, T=T,
                                                t=horizons[i % 3], n_new=[0, 1, 'mean'],
                                                n_cond=[0, 2, 'mean'], deltas=[[1e-4, 0.01, 1.0][i % 3]])))
    for _ in range(15):
        al = logu(rng, 1e-4, 1e-2)
        x = min(10000, int(round(logu(rng, 1, 10000))))
        T = logu(rng, 1e3, 1e5)
        jobs.append(('corner:T>>alpha+tx=T', dict(r=logu(rng, 1e-4, 1e4), alpha=al, s=logu(rng, 0.05, 50),
                                                  beta=logu(rng, 1e-4, 1e4), x=x, tx=T, T=T,
                                                  t=logu(rng, 1e-3, 1e5), n_new=[0, 1], n_cond=[0, 'mean'],
                                                  deltas=[logu(rng, 1e-4, 1)])))
    jobs.append(('known:palive0.0822', dict(r=0.0264362, alpha=0.000442711, s=5.37679, beta=7084.8,
                                            x=0, tx=0.0, T=4098.97, t=52.0, n_new=[0, 1],
                                            n_cond=[0, 1, 'mean'], deltas=[0.01], strict=True)))
    for params in [(1.0, 1.0, 300.0, 300.0), (1000.0, 1.0, 1000.0, 1.0)]:
        for (x, tx, T) in [(0, 0.0, 10.0), (2, 30.43, 38.86), (20, 39.0, 39.0), (100, 5.0, 100.0)]:
            jobs.append(('known:dert', dict(r=params[0], alpha=params[1], s=params[2], beta=params[3],
                                            x=x, tx=tx, T=T, t=1.0, deltas=[1e-4, 0.01, 0.1],
                                            only={'dert'}, strict=True)))
    return jobs


def sbg_jobs(rng, npoints):
    jobs = []
    for _ in range(npoints):
        d1 = logu(rng, 1e-6, 10)
        jobs.append(('random', dict(alpha=logu(rng, 0.05, 1000), beta=logu(rng, 0.05, 1000), ds=[d1],
                                    derl=[(d1, int(round(logu(rng, 1, 1000)))),
                                          (logu(rng, 1e-6, 10), rng.choice([1, 2, rng.randint(3, 20)]))],
                                    ts=[int(round(logu(rng, 1, 1000)))])))
    for case, (al, be) in [('published-regular', (0.704, 1.182)), ('published-high-end', (0.668, 3.806)),
                           ('small-ab', (0.05, 0.05)), ('large-ab', (1000.0, 1000.0)),
                           ('small-a-large-b', (0.05, 1000.0)), ('large-a-small-b', (1000.0, 0.05)),
                           ('derl-fh', (3.80, 15.20)), ('derl-fh', (0.067, 0.267))]:
        ds = [1e-6, 1e-3, 0.1, 10.0]
        jobs.append(('corner:' + case, dict(alpha=al, beta=be, ds=ds,
                                            derl=[(d, k) for d in ds for k in (1, 5, 1000)],
                                            ts=[1, 12, 1000])))
    jobs.append(('known:del1e-6', dict(alpha=0.668, beta=3.806, ds=[1e-6], derl=[(1e-6, 1)], strict=True)))
    return jobs


def bgbb_jobs(rng, npoints):
    jobs = []
    for _ in range(npoints):
        n = int(round(logu(rng, 1, 1000)))
        if rng.random() < 0.25:
            x = tx = 0
        else:
            tx = rng.randint(1, n)
            x = rng.randint(1, tx)
        m = int(round(logu(rng, 1, 1000)))
        nn = int(round(logu(rng, 1, 1000)))
        jobs.append(('random', dict(alpha=logu(rng, 0.05, 1000), beta=logu(rng, 0.05, 1000),
                                    gamma=logu(rng, 0.05, 1000), delta=logu(rng, 0.05, 1000),
                                    x=x, tx=tx, n=n, ms=[0, 1, m], n_new=[nn],
                                    pmf_new=[(0, nn), (rng.randint(0, nn), nn)])))
    for case, prm in [('donations', (1.2035, 0.7497, 0.6567, 2.7834)), ('gamma=1', (1.0, 1.0, 1.0, 1.0)),
                      ('small', (0.05, 0.05, 0.05, 0.05)), ('large', (1000.0, 1000.0, 1000.0, 1000.0)),
                      ('mixed', (0.05, 1000.0, 1000.0, 0.05))]:
        for (x, tx, n) in [(0, 0, 6), (3, 5, 6), (6, 6, 6), (1, 1, 1000), (500, 1000, 1000), (0, 0, 1000)]:
            jobs.append(('corner:' + case, dict(alpha=prm[0], beta=prm[1], gamma=prm[2], delta=prm[3],
                                                x=x, tx=tx, n=n, ms=[0, 1, 5, 1000], n_new=[n],
                                                pmf_new=[(0, n), (min(n, 3), n), (n, n)])))
    return jobs


# ---------------------------------------------------------------- output

COLUMNS = {
    'bgnbd': ['quantity', 'case', 'r', 'alpha', 'a', 'b', 'x', 'tx', 'T', 't', 'n', 'want', 'check'],
    'mbgnbd': ['quantity', 'case', 'r', 'alpha', 'a', 'b', 'x', 'tx', 'T', 't', 'n', 'want', 'check'],
    'pnbd': ['quantity', 'case', 'r', 'alpha', 's', 'beta', 'x', 'tx', 'T', 't', 'n', 'delta', 'want', 'check'],
    'sbg': ['quantity', 'case', 'alpha', 'beta', 'd', 'k', 't', 'churned', 'want', 'check'],
    'bgbb': ['quantity', 'case', 'alpha', 'beta', 'gamma', 'delta', 'x', 'tx', 'n', 'm', 'want', 'check'],
}

# which inputs each quantity uses (the others are left empty)
USES = {
    'bgnbd': {'palive': 'x tx T', 'loglik': 'x tx T', 'palive_at': 'x tx T t', 'expected': 'x tx T t',
              'expected_new': 't', 'pmf_new': 'n t', 'pmf': 'x tx T t n'},
    'pnbd': {'palive': 'x tx T', 'loglik': 'x tx T', 'palive_at': 'x tx T t', 'expected': 'x tx T t',
             'expected_new': 't', 'pmf_new': 'n t', 'pmf': 'x tx T t n', 'dert': 'x tx T delta'},
}
USES['mbgnbd'] = USES['bgnbd']


def fmt_in(v):
    if isinstance(v, bool):
        return '1' if v else '0'
    if isinstance(v, int):
        return str(v)
    return repr(float(v))


def fmt_want(v, quantity):
    if quantity != 'loglik' and abs(v) < TINY:
        return '0'
    if abs(v) > mpf('1e300'):
        raise Disagree('value %s too large for float64 tests' % mp.nstr(v, 5))
    return mp.nstr(v, 20)


def work(job):
    model, case, p = job
    t0 = time.time()
    try:
        if model in ('bgnbd', 'mbgnbd'):
            res = bg_point(model, p)
        elif model == 'pnbd':
            res = pnbd_point(p)
        elif model == 'sbg':
            res = sbg_point(p)
        else:
            res = bgbb_point(p)
    except (Disagree, mp.NoConvergence, ZeroDivisionError, ValueError) as e:
        return model, case, p, None, '%s: %s' % (type(e).__name__, e), time.time() - t0
    rows = []
    cols = COLUMNS[model]
    try:
        for item in res:
            q = item[0]
            row = dict.fromkeys(cols, '')
            row['quantity'], row['case'] = q, case
            if model in USES:
                for k in ('r', 'alpha', 'a', 'b', 's', 'beta'):
                    if k in row:
                        row[k] = fmt_in(p[k])
                for k in USES[model][q].split():
                    if k == 'n':
                        row['n'] = str(item[1])
                    elif k == 'delta':
                        row['delta'] = fmt_in(item[4])
                    else:
                        row[k] = fmt_in(p[k])
            else:
                for k in ('alpha', 'beta', 'gamma', 'delta'):
                    if k in row and k in p:
                        row[k] = fmt_in(p[k])
                for k, v in item[1].items():
                    row[k] = fmt_in(v)
            row['want'] = fmt_want(item[2], q)
            row['check'] = item[3]
            rows.append(','.join(row[c] for c in cols))
    except Disagree as e:
        return model, case, p, None, 'Disagree: %s' % e, time.time() - t0
    return model, case, p, rows, None, time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--points', type=int, default=250)
    ap.add_argument('--models', default='bgnbd,mbgnbd,pnbd,sbg,bgbb')
    ap.add_argument('--no-selftest', action='store_true')
    args = ap.parse_args()
    start = time.time()
    if not args.no_selftest:
        selftest()
    rng = random.Random(SEED)
    # the draws are always made for every model in this order, so a subset run
    # reproduces the same points
    all_jobs = {
        'bgnbd': bg_jobs('bgnbd', rng, args.points),
        'mbgnbd': bg_jobs('mbgnbd', rng, args.points),
        'pnbd': pnbd_jobs(rng, args.points),
        'sbg': sbg_jobs(rng, args.points),
        'bgbb': bgbb_jobs(rng, args.points),
    }
    models = args.models.split(',')
    jobs = [(m, c, p) for m in models for (c, p) in all_jobs[m]]
    # slow jobs first for better load balance is not needed: imap keeps order
    results = {m: [] for m in models}
    dropped = {m: 0 for m in models}
    seen = {m: set() for m in models}
    slow = []
    with multiprocessing.Pool(args.jobs) as pool:
        it = pool.imap(work, jobs, chunksize=1)
        for _ in jobs:
            # a worker that dies (gmpy aborts on overflow) would hang imap: time out
            model, case, p, rows, err, dt = it.next(timeout=900)
            slow.append((dt, model, case))
            if rows is None:
                dropped[model] += 1
                print('DROPPED %s %s %s\n    %s' % (model, case, p, err), file=sys.stderr)
                if p.get('strict'):
                    raise SystemExit('a known case failed its check: %s %s' % (model, case))
                continue
            for row in rows:  # quantities that do not depend on the customer repeat
                if row not in seen[model]:
                    seen[model].add(row)
                    results[model].append(row)
    for m in models:
        with open(os.path.join(HERE, m + '.csv'), 'w') as f:
            f.write(','.join(COLUMNS[m]) + '\n')
            for row in results[m]:
                f.write(row + '\n')
        print('%s: %d rows, %d points dropped' % (m, len(results[m]), dropped[m]), file=sys.stderr)
    slow.sort(reverse=True)
    print('slowest points: %s' % ', '.join('%s/%s %.1fs' % (m, c, d) for d, m, c in slow[:5]),
          file=sys.stderr)
    print('took %.0fs' % (time.time() - start), file=sys.stderr)


if __name__ == '__main__':
    main()
