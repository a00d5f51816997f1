#!/usr/bin/python3
"""Reference data for Pareto/NBD and BG/NBD with time-invariant covariates.

Run from the repository root:

    python3 clv/testdata/covariates/gen.py            (or /usr/bin/python3 ...)

Needs Debian's python3-numpy, python3-scipy and python3-mpmath (python3-gmpy2
makes mpmath faster): apt-get install -y python3-scipy python3-mpmath.
If `python3` is an interpreter without numpy (e.g. a pyenv shim) the script
re-executes itself with /usr/bin/python3.

It writes, next to this file:
    cdnow_covariates.csv   the data set (see README.md)
    reference.json         MLEs, standard errors, log-likelihoods at fixed points
The run is deterministic (fixed seed, fixed summation order); the input data
directory is looked up as <repo>/../shared/data, then /work/shared/data, or
given with --data DIR.  --jobs N sets the number of worker processes (2).

Models and parameterisation (as R's CLVTools, static covariates z_i):
  Pareto/NBD: alpha_i = alpha exp(-gamma_purchase . z_i),
              beta_i  = beta  exp(-gamma_dropout  . z_i);   r, s shared.
    ln L_i = ln of Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD
    Model and Related Expressions", eq. for L(r, alpha, s, beta | x, t_x, T):
      L = G(r+x) a^r b^s / G(r) * [ 1/((a+T)^(r+x) (b+T)^s) + s/(r+s+x) A0 ]
      A0 = F(t_x) - F(T),  F(tau) = 2F1(r+s+x, B; r+s+x+1; |a-b|/(m+tau)) / (m+tau)^(r+s+x)
      with m = a, B = s+1 if a >= b, and m = b, B = r+x if a < b
    evaluated at (r, alpha_i, s, beta_i).
  BG/NBD: alpha_i = alpha exp(-gamma1 . z_i), a_i = a exp(gamma2 . z_i),
          b_i = b exp(gamma3 . z_i);  r shared.
    ln L_i = lnG(r+x) - lnG(r) + r ln alpha - (r+x) ln(alpha+T) + lnB(a, b+x)
             - lnB(a, b) + ln(1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
    (Fader, Hardie & Lee 2005, eq. 6 in logs) at (r, alpha_i, a_i, b_i).
  Total log-likelihood = sum over customers (weights 1).

Each log-likelihood is implemented twice: float64 (numpy/scipy; used by the
optimiser) and mpmath at mp.dps = 30 (the reference; the ₂F₁ by mpmath.hyp2f1
on the untransformed arguments above).  See README.md for the JSON layout and
for how everything was checked.
"""

import os
import sys

try:
    import numpy as np
    import scipy
    import scipy.optimize as so
    import scipy.special as sc
    import mpmath
except ImportError:
    _sys_py = "/usr/bin/python3"
    if os.path.exists(_sys_py) and os.path.realpath(sys.executable) != os.path.realpath(_sys_py):
        os.execv(_sys_py, [_sys_py] + sys.argv)
    raise

import argparse
import csv
import json
import math
import multiprocessing
import random
import time
from collections import defaultdict

from mpmath import mp, mpf

T0 = time.time()
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DPS = 30          # reference precision (significant decimal digits)
DPS_CHECK = 40    # precision of the re-evaluation that checks the reference
SEED = 20240617   # seed of the 11 parameter points around each MLE
OUT_DIGITS = 25   # significant digits of the strings in reference.json
COVS = ["first_spend", "first_multi"]


def log(*a):
    print("[%7.1fs]" % (time.time() - T0), *a, flush=True)


# --------------------------------------------------------------------------
# Data set
# --------------------------------------------------------------------------

def find_data_dir(arg):
    for d in ([arg] if arg else []) + [os.path.join(ROOT, "..", "shared", "data"), "/work/shared/data"]:
        if d and os.path.exists(os.path.join(d, "cdnow_customers_summary.csv")):
            return os.path.normpath(d)
    sys.exit("cannot find cdnow_customers_summary.csv (use --data DIR)")


def build_dataset(ddir, out_csv):
    """Writes cdnow_covariates.csv; returns facts for the report.

    The summary file's ID k is the k-th customer of the 1/10 CDNOW sample; its
    transactions are the rows of cdnow_sample.csv with customer_id = k
    zero-padded to 4 digits (that sample is a subset of cdnow_master.csv, where
    the same customer has another 5-digit id: sample 0001 is master 00004).
    NOTE: master id 0000k is NOT summary ID k (checked below: their histories
    do not reproduce the summaries), so the covariates are built from the
    customer's own rows, found in cdnow_sample.csv, and each customer's whole
    history is checked to occur verbatim in cdnow_master.csv.
    """
    summ = list(csv.DictReader(open(os.path.join(ddir, "cdnow_customers_summary.csv"), newline="")))
    if [r["ID"] for r in summ] != [str(i) for i in range(1, len(summ) + 1)]:
        sys.exit("summary IDs are not 1..N in order")

    def load(name):
        tx = defaultdict(list)
        for r in csv.DictReader(open(os.path.join(ddir, name), newline="")):
            tx[r["customer_id"]].append((r["date"], int(r["cds"]), r["amount"]))
        return tx

    sample = load("cdnow_sample.csv")
    master = load("cdnow_master.csv")

    import datetime as dt
    end = dt.date(1997, 9, 30)   # end of the 39-week calibration period

    def summary_of(rows):
        days = sorted({dt.date.fromisoformat(d) for d, _, _ in rows})
        cal = [d for d in days if d <= end]
        return len(cal) - 1, (cal[-1] - days[0]).days / 7, (end - days[0]).days / 7

    def agrees(row, rows):
        x, tx, T = summary_of(rows)
        return (x == int(row["frequency"]) and abs(tx - float(row["recency"])) < 0.0051
                and abs(T - float(row["T"])) < 0.0051)

    # the literal mapping ID k <-> master "0000k": how many reproduce the summary?
    literal_ok = sum(1 for r in summ if str(r["ID"]).zfill(5) in master
                     and agrees(r, master[str(r["ID"]).zfill(5)]))
    master_hist = defaultdict(list)
    for k, rows in master.items():
        master_hist[tuple(sorted(rows))].append(k)

    missing = [r["ID"] for r in summ if r["ID"].zfill(4) not in sample]
    if missing:
        sys.exit("customers without transactions: %s" % missing[:20])
    bad, not_in_master, ambiguous = [], [], 0
    spend, cds = [], []
    for r in summ:
        rows = sample[r["ID"].zfill(4)]
        if not agrees(r, rows):
            bad.append(r["ID"])
        cand = master_hist.get(tuple(sorted(rows)), [])
        if not cand:
            not_in_master.append(r["ID"])
        elif len(cand) > 1:
            ambiguous += 1
        first = min(d for d, _, _ in rows)
        spend.append(math.fsum(float(a) for d, _, a in rows if d == first))
        cds.append(sum(c for d, c, _ in rows if d == first))
    if bad or not_in_master:
        sys.exit("transactions do not match the summaries: %s / not in master: %s"
                 % (bad[:20], not_in_master[:20]))
    lsp = [math.log1p(v) for v in spend]
    mean = math.fsum(lsp) / len(lsp)
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "frequency", "recency", "T"] + COVS)
        for r, l, c in zip(summ, lsp, cds):
            fs = "%.6f" % (l - mean)
            if fs == "-0.000000":
                fs = "0.000000"
            w.writerow([r["ID"], r["frequency"], r["recency"], r["T"], fs, 1 if c > 1 else 0])
    facts = dict(n=len(summ), mean_log1p_spend=mean, literal_master_mapping_ok=literal_ok,
                 sample_rows=sum(len(v) for v in sample.values()),
                 ambiguous_master_matches=ambiguous,
                 zero_spend=sum(1 for v in spend if v == 0), multi=sum(1 for c in cds if c > 1),
                 spend_min=min(spend), spend_max=max(spend))
    return facts


def read_dataset(path):
    rows = list(csv.DictReader(open(path, newline="")))
    ids = [r["id"] for r in rows]
    x = np.array([float(r["frequency"]) for r in rows])
    tx = np.array([float(r["recency"]) for r in rows])
    T = np.array([float(r["T"]) for r in rows])
    Z = np.array([[float(r[c]) for c in COVS] for r in rows])
    return ids, x, tx, T, Z


# --------------------------------------------------------------------------
# Models: parameter vectors and per-customer individual parameters
# --------------------------------------------------------------------------
# A parameter vector ("natural" scale) is [base..., gammas group by group, each
# group in COVS order].  Optimisation uses base parameters on the log scale.

MODELS = {
    "pnbd": dict(base=["r", "alpha", "s", "beta"], groups=["purchase", "dropout"],
                 acts_on=["alpha_i = alpha * exp(-gamma . z_i)", "beta_i = beta * exp(-gamma . z_i)"],
                 published=dict(r=0.5533, alpha=10.5776, s=0.6061, beta=11.6650, ll=-9595.0)),
    # the BG/NBD groups cannot be called "a" and "b": those keys hold the base parameters
    "bgnbd": dict(base=["r", "alpha", "a", "b"], groups=["purchase", "dropout_a", "dropout_b"],
                  acts_on=["alpha_i = alpha * exp(-gamma . z_i)", "a_i = a * exp(gamma . z_i)",
                           "b_i = b * exp(gamma . z_i)"],
                  published=dict(r=0.2426, alpha=4.4136, a=0.7930, b=2.4259, ll=-9582.4)),
}


def nparams(model, cov):
    return 4 + (len(MODELS[model]["groups"]) * len(COVS) if cov else 0)


def names(model, cov):
    m = MODELS[model]
    out = list(m["base"])
    if cov:
        out += ["%s.%s" % (g, c) for g in m["groups"] for c in COVS]
    return out


def to_dict(model, cov, p):
    m = MODELS[model]
    d = {k: float(v) for k, v in zip(m["base"], p[:4])}
    if cov:
        k = len(COVS)
        for j, g in enumerate(m["groups"]):
            d[g] = {c: float(p[4 + j * k + i]) for i, c in enumerate(COVS)}
    return d


# ---------------- float64 ----------------

def _log2f1_a_a1(a, b, z):
    """ln 2F1(a, b; a+1; z) for 0 <= z < 1 (arrays).

    c-a-b = 1-b.  Where b > 1 the function is unbounded as z -> 1, so the Euler
    transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z) =
    (1-z)^(1-b) 2F1(1, a+1-b; a+1; z) is used: its series has positive terms
    with ratio (a+1-b+n)/(a+1+n) z < z and it is finite at z = 1 (c-a-b of the
    transformed function is b-1 > 0).  Where b <= 1, 2F1 itself is finite at
    z = 1 (c-a-b = 1-b >= 0) and scipy evaluates it directly.  z stays in [0, 1).
    """
    a, b, z = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float), np.asarray(z, float))
    out = np.empty(a.shape)
    e = b > 1
    if e.any():
        out[e] = (1 - b[e]) * np.log1p(-z[e]) + np.log(sc.hyp2f1(1.0, a[e] + 1 - b[e], a[e] + 1, z[e]))
    ne = ~e
    if ne.any():
        out[ne] = np.log(sc.hyp2f1(a[ne], b[ne], a[ne] + 1, z[ne]))
    return out


def pnbd_ll_f64(r, al, s, be, x, tx, T):
    """Per-customer Pareto/NBD log-likelihood, float64; al, be arrays."""
    ab = al >= be
    m = np.where(ab, al, be)
    c = r + s + x
    B = np.where(ab, s + 1.0, r + x)
    d = np.abs(al - be)

    def lF(tau):
        return _log2f1_a_a1(c, B, d / (m + tau)) - c * np.log(m + tau)

    l1, l2 = lF(tx), lF(T)
    with np.errstate(divide="ignore"):
        lA = l1 + np.log(-np.expm1(np.minimum(l2 - l1, 0.0)))   # ln(F(t_x) - F(T)); -inf if t_x = T
    lA += np.log(s / c)
    lt = -(r + x) * np.log(al + T) - s * np.log(be + T)
    return (sc.gammaln(r + x) - sc.gammaln(r) + r * np.log(al) + s * np.log(be)
            + np.logaddexp(lt, lA))


def bgnbd_ll_f64(r, al, a, b, x, tx, T):
    """Per-customer BG/NBD log-likelihood, float64; al, a, b arrays."""
    pos = x > 0
    bx1 = np.where(pos, b + x - 1, 1.0)
    u = np.log(a) - np.log(bx1) + (r + x) * (np.log(al + T) - np.log(al + tx))
    last = np.where(pos, np.logaddexp(0.0, u), 0.0)
    return (sc.gammaln(r + x) - sc.gammaln(r) + r * np.log(al) - (r + x) * np.log(al + T)
            + sc.betaln(a, b + x) - sc.betaln(a, b) + last)


def indiv_f64(model, p, Z):
    """Individual parameters (float64) for all customers."""
    p = np.asarray(p, float)
    base = p[:4]
    n = Z.shape[0]
    k = len(COVS)
    g = [p[4 + j * k: 4 + (j + 1) * k] for j in range(len(MODELS[model]["groups"]))] if len(p) > 4 else None
    one = np.ones(n)
    if model == "pnbd":
        r, al, s, be = base
        if g is None:
            return r, al * one, s, be * one
        return r, al * np.exp(-(Z @ g[0])), s, be * np.exp(-(Z @ g[1]))
    r, al, a, b = base
    if g is None:
        return r, al * one, a * one, b * one
    return r, al * np.exp(-(Z @ g[0])), a * np.exp(Z @ g[1]), b * np.exp(Z @ g[2])


def ll_cust_f64(model, p, D):
    _, x, tx, T, Z = D
    q = indiv_f64(model, p, Z)
    f = pnbd_ll_f64 if model == "pnbd" else bgnbd_ll_f64
    with np.errstate(all="ignore"):
        return f(q[0], q[1], q[2], q[3], x, tx, T)


def ll_f64(model, p, D):
    if np.any(np.asarray(p[:4]) <= 0):
        return -np.inf
    v = ll_cust_f64(model, p, D)
    s = float(np.sum(v))
    return s if np.isfinite(s) else -np.inf


# ---------------- mpmath ----------------

def pnbd_ll_mp(r, al, s, be, x, tx, T):
    """Pareto/NBD individual log-likelihood in mpmath (untransformed 2F1's)."""
    if al >= be:
        m, B = al, s + 1
    else:
        m, B = be, r + x
    c = r + s + x
    d = abs(al - be)

    def F(tau):
        return mpmath.hyp2f1(c, B, c + 1, d / (m + tau)) / (m + tau) ** c

    A0 = F(tx) - F(T)
    L = (mpmath.exp(mpmath.loggamma(r + x) - mpmath.loggamma(r)) * al ** r * be ** s
         * (1 / ((al + T) ** (r + x) * (be + T) ** s) + s / c * A0))
    return mpmath.log(L)


def bgnbd_ll_mp(r, al, a, b, x, tx, T):
    v = (mpmath.loggamma(r + x) - mpmath.loggamma(r) + r * mpmath.log(al)
         - (r + x) * mpmath.log(al + T)
         + mpmath.log(mpmath.beta(a, b + x)) - mpmath.log(mpmath.beta(a, b)))
    if x > 0:
        v += mpmath.log(1 + a / (b + x - 1) * ((al + T) / (al + tx)) ** (r + x))
    return v


def indiv_mp(model, p, z):
    """Individual parameters in mpmath for one customer (p, z: floats, exact)."""
    p = [mpf(float(v)) for v in p]
    z = [mpf(float(v)) for v in z]
    k = len(COVS)
    lin = []
    if len(p) > 4:
        for j in range(len(MODELS[model]["groups"])):
            lin.append(mpmath.fsum(p[4 + j * k + i] * z[i] for i in range(k)))
    else:
        lin = [mpf(0)] * len(MODELS[model]["groups"])
    if model == "pnbd":
        r, al, s, be = p[:4]
        return r, al * mpmath.exp(-lin[0]), s, be * mpmath.exp(-lin[1])
    r, al, a, b = p[:4]
    return r, al * mpmath.exp(-lin[0]), a * mpmath.exp(lin[1]), b * mpmath.exp(lin[2])


_D = None   # data set, set in the parent before the pool forks


def _mp_chunk(task):
    model, p, dps, i0, i1 = task
    _, x, tx, T, Z = _D
    f = pnbd_ll_mp if model == "pnbd" else bgnbd_ll_mp
    out = []
    with mp.workdps(dps):
        for i in range(i0, i1):
            q = indiv_mp(model, p, Z[i])
            out.append(f(q[0], q[1], q[2], q[3], mpf(float(x[i])), mpf(float(tx[i])), mpf(float(T[i]))))
    return out


class MP:
    """Evaluates many full mpmath log-likelihoods on a process pool."""

    def __init__(self, pool, n, chunk=60):
        self.pool, self.n, self.chunk = pool, n, chunk

    def many(self, reqs):
        """reqs: list of (model, params, dps); returns list of per-customer mpf lists."""
        tasks, where = [], []
        for j, (model, p, dps) in enumerate(reqs):
            p = tuple(float(v) for v in p)
            for i0 in range(0, self.n, self.chunk):
                tasks.append((model, p, dps, i0, min(self.n, i0 + self.chunk)))
                where.append(j)
        res = self.pool.map(_mp_chunk, tasks, chunksize=1) if self.pool else list(map(_mp_chunk, tasks))
        out = [[] for _ in reqs]
        for j, r in zip(where, res):
            out[j].extend(r)
        return out


def total(v, dps=DPS):
    with mp.workdps(dps):
        return mpmath.fsum(v)


def mstr(v):
    return mpmath.nstr(v, OUT_DIGITS, min_fixed=-5, max_fixed=6)


# --------------------------------------------------------------------------
# Optimisation
# --------------------------------------------------------------------------

def fd_grad(f, th, h):
    g = np.empty(len(th))
    for i in range(len(th)):
        e = np.zeros(len(th))
        e[i] = h[i]
        g[i] = (f(th + e) - f(th - e)) / (2 * h[i])
    return g


def fd_hess(f, th, h):
    """Central-difference Hessian: diagonal by [f(+h)-2f+f(-h)]/h^2, off-diagonal by
    the four-point formula [f(++)-f(+-)-f(-+)+f(--)]/(4 h_i h_j)."""
    n = len(th)
    H = np.empty((n, n))
    f0 = f(th)
    E = np.diag(h)
    for i in range(n):
        H[i, i] = (f(th + E[i]) - 2 * f0 + f(th - E[i])) / h[i] ** 2
        for j in range(i):
            v = (f(th + E[i] + E[j]) - f(th + E[i] - E[j]) - f(th - E[i] + E[j])
                 + f(th - E[i] - E[j])) / (4 * h[i] * h[j])
            H[i, j] = H[j, i] = v
    return H


def nat_of(th):
    p = np.array(th, float)
    p[:4] = np.exp(p[:4])
    return p


def th_of(p):
    th = np.array(p, float)
    th[:4] = np.log(th[:4])
    return th


def hess_steps(p, scale=1.0):
    """Steps for the natural-parameter Hessian: 2e-3 * max(|p|, 0.1) * scale."""
    return 2e-3 * scale * np.maximum(np.abs(p), 0.1)


def hessian(f, p, scale=1.0):
    """Hessian of f at p in the natural parameters: central differences (fd_hess)
    with steps h = hess_steps(p, scale) and 2h, combined by Richardson
    extrapolation (4 H(h) - H(2h)) / 3, which removes the O(h^2) error.  Checked
    against a Hessian of the mpmath LL with steps 1e-5 * max(|p|, 0.1) (option
    --check-hessian): the standard errors agree to about 3e-7 relative, while a
    single central difference with steps 1e-4 is off by up to 1e-4 (rounding)."""
    h = hess_steps(p, scale)
    return (4 * fd_hess(f, p, h) - fd_hess(f, p, 2 * h)) / 3


def fit(model, cov, D, start, mpe):
    """Maximises the float64 LL, then polishes with Newton steps that use the
    float64 central-difference Hessian and the gradient of the mpmath LL."""
    n = nparams(model, cov)
    negth = lambda th: -ll_f64(model, nat_of(th), D)
    hth = np.full(n, 1e-6)
    jac = lambda th: fd_grad(negth, th, hth)
    th = th_of(start)
    r1 = so.minimize(negth, th, jac=jac, method="L-BFGS-B",
                     options=dict(maxiter=20000, maxfun=100000, ftol=1e-15, gtol=1e-10, maxcor=30))
    r2 = so.minimize(negth, r1.x, jac=jac, method="BFGS", options=dict(maxiter=20000, gtol=1e-8))
    th = r2.x if r2.fun <= r1.fun else r1.x
    info = dict(lbfgsb=(r1.nit, float(-r1.fun), str(r1.message)),
                bfgs=(r2.nit, float(-r2.fun), str(r2.message)))
    # Newton polish in the natural parameters with the exact (mpmath) gradient.
    p = nat_of(th)
    negp = lambda q: -ll_f64(model, q, D)
    newton = []
    for it in range(2):
        H = hessian(negp, p)
        g, llp = mp_grad(model, p, mpe)          # gradient of LL (not -LL)
        step = np.linalg.solve(H, g)             # -H^{-1} grad(-LL) = H^{-1} grad(LL)
        q = p + step
        llq = total(mpe.many([(model, q, DPS)])[0])
        newton.append((float(np.linalg.norm(g)), float(np.max(np.abs(step / np.maximum(np.abs(p), 1e-3))))))
        if llq >= llp:
            p = q
        else:
            break
    info["newton"] = newton
    return p, info


def mp_grad(model, p, mpe, rel=1e-10):
    """Gradient of the mpmath LL in the natural parameters by central differences
    with steps rel*max(|p_i|, 1) (truncation ~ h^2, rounding ~ 1e-30/h)."""
    reqs = [(model, p, DPS)]
    hs = []
    for i in range(len(p)):
        h = rel * max(abs(p[i]), 1.0)
        # use exactly representable perturbed floats and the actual difference
        up, dn = np.array(p, float), np.array(p, float)
        up[i] += h
        dn[i] -= h
        hs.append(up[i] - dn[i])
        reqs += [(model, up, DPS), (model, dn, DPS)]
    vals = [total(v) for v in mpe.many(reqs)]
    g = np.array([float((vals[1 + 2 * i] - vals[2 + 2 * i]) / mpf(hs[i])) for i in range(len(p))])
    return g, vals[0]


def std_errors(model, p, D):
    """SEs = sqrt(diag(H^-1)), H = Hessian of -LL (float64) in the natural
    parameters (see hessian); spread = largest relative SE change when all
    steps are halved."""
    negp = lambda q: -ll_f64(model, q, D)
    H = hessian(negp, p)
    se = np.sqrt(np.diag(np.linalg.inv(H)))
    se2 = np.sqrt(np.diag(np.linalg.inv(hessian(negp, p, 0.5))))
    spread = float(np.max(np.abs(se2 / se - 1)))
    ev = np.linalg.eigvalsh(H)
    return se, spread, float(ev.min()), float(ev.max())


def mp_std_errors(model, p, mpe, rel=1e-5):
    """SEs from a central-difference Hessian of the mpmath LL (steps
    rel * max(|p|, 0.1)); only with --check-hessian."""
    n = len(p)
    h = rel * np.maximum(np.abs(p), 0.1)
    E = np.diag(h)
    reqs = [(model, p, DPS)]
    for i in range(n):
        reqs += [(model, p + E[i], DPS), (model, p - E[i], DPS)]
        for j in range(i):
            reqs += [(model, p + E[i] + E[j], DPS), (model, p + E[i] - E[j], DPS),
                     (model, p - E[i] + E[j], DPS), (model, p - E[i] - E[j], DPS)]
    v = [total(x) for x in mpe.many(reqs)]
    H = np.zeros((n, n))
    k = 1
    for i in range(n):
        H[i, i] = -float((v[k] - 2 * v[0] + v[k + 1]) / mpf(float(h[i])) ** 2)
        k += 2
        for j in range(i):
            H[i, j] = H[j, i] = -float((v[k] - v[k + 1] - v[k + 2] + v[k + 3])
                                       / (4 * mpf(float(h[i])) * mpf(float(h[j]))))
            k += 4
    return np.sqrt(np.diag(np.linalg.inv(H)))


# --------------------------------------------------------------------------
# Checks of the implementations
# --------------------------------------------------------------------------

def check_log2f1(rng):
    """float64 ln 2F1(a, b; a+1; z) against mpmath on random arguments, z up to 1 - 1e-8."""
    worst = 0.0
    A, B, Zs = [], [], []
    for _ in range(600):
        a = math.exp(rng.uniform(math.log(0.05), math.log(80)))
        b = math.exp(rng.uniform(math.log(0.05), math.log(80)))
        b = min(b, a + 0.99) if rng.random() < 0.5 else b
        z = 1 - math.exp(rng.uniform(math.log(1e-8), 0)) if rng.random() < 0.7 else rng.uniform(0, 1)
        A.append(a), B.append(b), Zs.append(z)
    got = _log2f1_a_a1(np.array(A), np.array(B), np.array(Zs))
    with mp.workdps(DPS):
        for a, b, z, g in zip(A, B, Zs, got):
            w = mpmath.log(mpmath.hyp2f1(a, b, a + 1, z))
            worst = max(worst, float(abs(g - w) / max(abs(w), 1)))
    return worst


def quad_checks(model, p, D, ids_sel, vals):
    """Independent mpmath forms for a few customers: Pareto/NBD by quadrature of
    s * int_{t_x}^T (a+u)^-(r+x) (b+u)^-(s+1) du; BG/NBD by eq. 6 not in logs."""
    _, x, tx, T, Z = D
    worst = mpf(0)
    with mp.workdps(DPS):
        for i in ids_sel:
            r, al, s_or_a, be_or_b = indiv_mp(model, p, Z[i])
            xi, txi, Ti = mpf(float(x[i])), mpf(float(tx[i])), mpf(float(T[i]))
            if model == "pnbd":
                s, be = s_or_a, be_or_b
                c = mpmath.exp(mpmath.loggamma(r + xi) - mpmath.loggamma(r)) * al ** r * be ** s
                # the integrand decreases in u: scale it to 1 at u = t_x, since
                # mp.quad's tolerance is absolute
                f = lambda u: ((al + txi) / (al + u)) ** (r + xi) * ((be + txi) / (be + u)) ** (s + 1)
                f0 = (al + txi) ** (-(r + xi)) * (be + txi) ** (-(s + 1))
                pts = [txi, Ti] if Ti - txi < 1 else list(mpmath.linspace(txi, Ti, 8))
                integ = f0 * mpmath.quad(f, pts) if Ti > txi else mpf(0)
                L = c * ((al + Ti) ** (-(r + xi)) * (be + Ti) ** (-s) + s * integ)
            else:
                a, b = s_or_a, be_or_b
                g = mpmath.exp(mpmath.loggamma(r + xi) - mpmath.loggamma(r)) * al ** r
                L = mpmath.beta(a, b + xi) / mpmath.beta(a, b) * g / (al + Ti) ** (r + xi)
                if xi > 0:
                    L += mpmath.beta(a + 1, b + xi - 1) / mpmath.beta(a, b) * g / (al + txi) ** (r + xi)
            worst = max(worst, abs(mpmath.log(L) - vals[i]) / abs(vals[i]))
    return float(worst)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main():
    global _D
    ap = argparse.ArgumentParser()
    ap.add_argument("--data")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--check-hessian", action="store_true",
                    help="also compute SEs from an mpmath Hessian (about 10 more minutes)")
    args = ap.parse_args()
    mp.dps = DPS

    ddir = find_data_dir(args.data)
    csv_path = os.path.join(HERE, "cdnow_covariates.csv")
    facts = build_dataset(ddir, csv_path)
    log("data set: %d customers from %s; mean ln(1+first-day spend) = %r; first_multi=1: %d; "
        "zero first-day spend: %d; literal master-id mapping reproduces %d/%d summaries"
        % (facts["n"], ddir, facts["mean_log1p_spend"], facts["multi"], facts["zero_spend"],
           facts["literal_master_mapping_ok"], facts["n"]))
    D = read_dataset(csv_path)
    _D = D
    ids, x = D[0], D[1]
    N = len(ids)
    first5 = list(range(5))
    top5 = sorted(range(N), key=lambda i: (-x[i], int(ids[i])))[:5]
    sel = first5 + top5
    log("customers reported: first 5 ids %s, 5 largest frequency ids %s (x = %s)"
        % ([ids[i] for i in first5], [ids[i] for i in top5], [int(x[i]) for i in top5]))

    ctx = multiprocessing.get_context("fork")
    pool = ctx.Pool(args.jobs) if args.jobs > 1 else None
    mpe = MP(pool, N)

    rng_chk = random.Random(SEED + 1)
    f2f1 = check_log2f1(rng_chk)
    log("float64 ln 2F1 vs mpmath on 600 random arguments: max error %.3g (relative, or absolute below 1)" % f2f1)

    ref = {"data": "cdnow_covariates.csv", "covariates": COVS,
           "generator": dict(mp_dps=DPS, seed=SEED, numpy=np.__version__, scipy=scipy.__version__,
                             mpmath=mpmath.__version__),
           "dataset": dict(customers=N, mean_log1p_first_spend=facts["mean_log1p_spend"],
                           first_multi_count=facts["multi"], zero_first_spend=facts["zero_spend"]),
           "customer_ids": dict(first=[ids[i] for i in first5], top_frequency=[ids[i] for i in top5])}
    rng = random.Random(SEED)
    summary = {}
    for model in ("pnbd", "bgnbd"):
        M = MODELS[model]
        out = {"params": M["base"], "gamma_groups": {g: COVS for g in M["groups"]},
               "gamma_acts_on": dict(zip(M["groups"], M["acts_on"]))}
        res = {}
        for cov in (False, True):
            nm = names(model, cov)
            start = (np.array([1.0, 1.0, 1.0, 1.0]) if not cov
                     else np.concatenate([res[False]["p"][:4], np.zeros(nparams(model, True) - 4)]))
            p, info = fit(model, cov, D, start, mpe)
            g, llm = mp_grad(model, p, mpe)
            gf = fd_grad(lambda q: ll_f64(model, q, D), p, hess_steps(p) * 5e-4)
            se, spread, emin, emax = std_errors(model, p, D)
            llf = ll_f64(model, p, D)
            se_chk = None
            if args.check_hessian:
                se_mp = mp_std_errors(model, p, mpe)
                se_chk = float(np.max(np.abs(se / se_mp - 1)))
                log("   SEs vs SEs from an mpmath Hessian: max relative difference %.3g" % se_chk)
            res[cov] = dict(p=p, se=se, ll=llm, g=g, gf=gf, info=info, spread=spread)
            log("%s %s: LL(mpmath) = %s  LL(float64) = %r" % (model, "covariates" if cov else "plain",
                                                               mstr(llm), llf))
            for k, v, e in zip(nm, p, se):
                log("   %-22s %.10g  (se %.6g)" % (k, v, e))
            log("   optimiser: %s" % (info,))
            log("   |grad LL| (mpmath, natural params) = %.3g, max |component| %.3g; float64 central diff %.3g"
                % (np.linalg.norm(g), np.max(np.abs(g)), np.linalg.norm(gf)))
            log("   Hessian of -LL: eigenvalues in [%.4g, %.4g]; SE change with steps x0.5: %.2g"
                % (emin, emax, spread))
            summary[(model, cov)] = dict(grad=float(np.linalg.norm(g)), grad_max=float(np.max(np.abs(g))),
                                         grad_f64=float(np.linalg.norm(gf)), se_step_sensitivity=spread,
                                         hessian_eig=[emin, emax])
            if se_chk is not None:
                summary[(model, cov)]["se_vs_mpmath_hessian"] = se_chk
        pub = M["published"]
        pl = res[False]
        llpub = total(mpe.many([(model, [pub[k] for k in M["base"]], DPS)])[0])
        log("%s plain: LL at the published estimates = %s (ours is higher by %.3g)"
            % (model, mstr(llpub), float(pl["ll"] - llpub)))
        out["plain"] = dict(mle=to_dict(model, False, pl["p"]), log_likelihood=mstr(pl["ll"]),
                            std_errors=to_dict(model, False, pl["se"]),
                            published={k: pub[k] for k in M["base"]} | {"log_likelihood": pub["ll"]},
                            log_likelihood_at_published=mstr(llpub))
        cv = res[True]
        out["mle"] = to_dict(model, True, cv["p"])
        out["log_likelihood"] = mstr(cv["ll"])
        out["std_errors"] = to_dict(model, True, cv["se"])

        # 12 points: the MLE and 11 pseudo-random points around it
        pts = [cv["p"].copy()]
        for _ in range(11):
            q = cv["p"].copy()
            for i in range(4):
                q[i] = float("%.10g" % (q[i] * math.exp(rng.uniform(math.log(0.3), math.log(3.0)))))
            for i in range(4, len(q)):
                q[i] = float("%.10g" % rng.uniform(-1.5, 1.5))
            pts.append(q)
        reqs = [(model, q, DPS) for q in pts] + [(model, q, DPS_CHECK) for q in pts]
        allv = mpe.many(reqs)
        vals, chk = allv[:12], allv[12:]
        points = []
        worst_f64, worst_f64_at, worst_dps = 0.0, None, mpf(0)
        worst_quad = 0.0
        zmax, ratio = 0.0, [np.inf, 0.0]
        for j, q in enumerate(pts):
            v = vals[j]
            tot = total(v)
            tot40 = total(chk[j], DPS_CHECK)
            worst_dps = max(worst_dps, max(abs(a - b) / abs(b) for a, b in zip(v, chk[j])),
                            abs(tot - tot40) / abs(tot40))
            f = ll_cust_f64(model, q, D)
            qi = indiv_f64(model, q, D[4])
            if model == "pnbd":   # argument of the 2F1 at t_x (its largest)
                zmax = max(zmax, float(np.max(np.abs(qi[1] - qi[3]) / (np.maximum(qi[1], qi[3]) + D[2]))))
            ratio = [min(ratio[0], float(np.min(qi[1] / q[1]))), max(ratio[1], float(np.max(qi[1] / q[1])))]
            for i in range(N):
                rd = abs(f[i] - float(v[i])) / max(abs(float(v[i])), 1e-300)
                if not rd <= worst_f64:
                    worst_f64, worst_f64_at = rd, (j, ids[i])
            rdt = abs(float(np.sum(f)) - float(tot)) / abs(float(tot))
            worst_f64 = max(worst_f64, rdt)
            worst_quad = max(worst_quad, quad_checks(model, q, D, sel, v))
            d = to_dict(model, True, q)
            d["log_likelihood"] = mstr(tot)
            d["customers"] = {ids[i]: mstr(v[i]) for i in sel}
            points.append(d)
            log("   point %2d: LL = %s" % (j, mstr(tot)))
        out["points"] = points
        summary[model] = dict(f64_vs_mp_max_rel=worst_f64, f64_worst_at=worst_f64_at,
                              dps30_vs_dps40_max_rel=float(worst_dps),
                              independent_form_max_rel=worst_quad,
                              alpha_i_over_alpha_range_at_points=ratio)
        if model == "pnbd":
            summary[model]["max_2f1_argument_at_points"] = zmax
        log("%s: float64 vs mpmath, all 2357 customers at the 12 points: max relative difference %.3g "
            "(point %s, id %s); dps 30 vs 40: %.3g; %s: %.3g"
            % (model, worst_f64, worst_f64_at[0], worst_f64_at[1], float(worst_dps),
               "quadrature check" if model == "pnbd" else "eq. 6 not in logs", worst_quad))
        ref[model] = out

    ref["checks"] = {
        "log2f1_float64_vs_mpmath_max_err": f2f1,
        **{m: dict(summary[m],
                   plain=summary[(m, False)], covariates=summary[(m, True)]) for m in ("pnbd", "bgnbd")},
    }
    if pool:
        pool.close()
        pool.join()
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    log("wrote %s and %s" % (csv_path, os.path.join(HERE, "reference.json")))
    print("gen.py took %.1f s" % (time.time() - T0))


if __name__ == "__main__":
    main()
