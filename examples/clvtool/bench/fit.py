# Python lifetimes' BG/NBD or Pareto/NBD fit of a summary table, timed as a
# whole process against 'clvtool fit' (see README.md).
# Usage: fit.py bgnbd|pnbd SUMMARIES.csv
import json
import sys
import time

import pandas as pd
from lifetimes import BetaGeoFitter, ParetoNBDFitter

model, path = sys.argv[1], sys.argv[2]
df = pd.read_csv(path)
m = {"bgnbd": BetaGeoFitter, "pnbd": ParetoNBDFitter}[model](penalizer_coef=0.0)
t0 = time.perf_counter()
m.fit(df["frequency"], df["recency"], df["T"])
print(json.dumps({"params": {k: float(v) for k, v in m.params_.items()}, "fit_seconds": time.perf_counter() - t0}))
