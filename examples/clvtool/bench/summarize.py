# Python lifetimes' summary of a transaction log, timed as a whole process
# against 'clvtool summarize' (see README.md). Usage: summarize.py LOG [FREQ]
import sys

import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data

log = sys.argv[1]
freq = sys.argv[2] if len(sys.argv) > 2 else "D"
df = pd.read_csv(log, parse_dates=["date"])
s = summary_data_from_transaction_data(df, "customer_id", "date", monetary_value_col="amount",
                                       observation_period_end="2025-01-01", freq=freq)
s.to_csv(sys.stdout)
