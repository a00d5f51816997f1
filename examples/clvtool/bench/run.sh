#!/bin/sh
# Times clvtool and Python lifetimes as whole processes, interleaved, on
# the generated inputs of the README's performance section. Needs
# lifetimes 0.11.3 importable by python3, and the inputs in $DIR:
#   go test ./clv/ -run '^TestWriteIngestFiles$' -ingest.dir $DIR
#   go test ./examples/clvtool/ -run '^TestWriteIngestFiles$' -ingest.dir $DIR
# Prints one line per run: command, tool, seconds, peak RSS in KiB.
set -eu
DIR=${DIR:-/tmp/ingest}
RUNS=${RUNS:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
CLVTOOL=${CLVTOOL:-/tmp/clvtool}
go build -o "$CLVTOOL" "$HERE/.."
t() { # label tool command...
	label=$1 tool=$2
	shift 2
	/usr/bin/time -f "$label $tool %e %M" -o /tmp/clvtool-bench.time "$@" > /dev/null
	cat /tmp/clvtool-bench.time
}
for i in $(seq "$RUNS"); do
	t summarize clvtool "$CLVTOOL" summarize -in "$DIR/log.csv" -customer customer_id -time date -amount amount -unit week -end 2025-01-01
	t summarize lifetimes python3 "$HERE/summarize.py" "$DIR/log.csv" D
	t fit-bgnbd clvtool "$CLVTOOL" fit -model bgnbd -unit week -in "$DIR/summaries.csv"
	t fit-bgnbd lifetimes python3 "$HERE/fit.py" bgnbd "$DIR/summaries.csv"
	t fit-pnbd clvtool "$CLVTOOL" fit -model pnbd -unit week -in "$DIR/summaries-100k.csv"
	t fit-pnbd lifetimes python3 "$HERE/fit.py" pnbd "$DIR/summaries-100k.csv"
done
