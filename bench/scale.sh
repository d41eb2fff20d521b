#!/usr/bin/env bash
# Scale benchmark (not a test): 100 and 1,000 personas (unique 2400 x 3200 JPEG photos,
# four formats each: 400 and 4,000 documents) rendered on one machine. Measures, side
# by side in one run: seconds per document at each size, peak RSS, the unchanged
# re-run (the incremental check), the sizes of report.json and index.html, and how
# long a headless Chromium takes to load the proof page (against an empty page).
# Usage: bench/scale.sh [SMALL=100] [LARGE=1000] [RUNS=1]
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${1:-100}
LARGE=${2:-1000}
RUNS=${3:-1}
WORK=${BENCH_DIR:-$(mktemp -d)}

cargo build --release --quiet --bins
PP=target/release/personapress
calc() { awk "BEGIN { printf \"%.4f\", $1 }"; }
median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
# seconds and peak RSS (MiB) of one command, as "S M"; a failure stops the benchmark.
measure() {
  local s e rss
  s=$(date +%s.%N)
  /usr/bin/time -v "$@" >/dev/null 2>"$WORK/last-error" || true
  e=$(date +%s.%N)
  grep -q "Exit status: 0" "$WORK/last-error" || { echo "failed: $*" >&2; tail -20 "$WORK/last-error" >&2; exit 1; }
  rss=$(awk -F: '/Maximum resident/ {printf "%.0f", $2/1024}' "$WORK/last-error")
  echo "$(calc "$e - $s") $rss"
}
chromium_load() { # seconds for headless Chromium to load and lay out a page
  local s e
  s=$(date +%s.%N)
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$WORK/chrome" \
    --dump-dom "file://$1" >/dev/null 2>&1
  e=$(date +%s.%N); calc "$e - $s"
}

declare -A T R
for n in "$SMALL" "$LARGE"; do
  # The personas and photos are kept between runs in the same BENCH_DIR.
  [ -f "$WORK/p$n/personapress.toml" ] || target/release/bench-fixture "$WORK/p$n" "$n" smooth
  for run in $(seq 1 "$RUNS"); do
    read -r t r < <(measure "$PP" render "$WORK/p$n" -q -j 2 --force -o "$WORK/out$n")
    T[$n]+="$t "; R[$n]+="$r "
  done
done
per_doc() { calc "$(echo "${T[$1]}" | tr ' ' '\n' | grep . | median) / ($1 * 4)"; }
rss() { echo "${R[$1]}" | tr ' ' '\n' | grep . | median | xargs printf "%.0f"; }
RE=""
for run in 1 2 3; do
  read -r t _ < <(measure "$PP" render "$WORK/p$LARGE" -q -j 2 -o "$WORK/out$LARGE")
  RE+="$t "
done
re=$(echo "$RE" | tr ' ' '\n' | grep . | median)
report_mib=$(calc "$(stat -c %s "$WORK/out$LARGE/report.json") / 1048576")
index_mib=$(calc "$(stat -c %s "$WORK/out$LARGE/index.html") / 1048576")
pages=$(ls "$WORK/out$LARGE"/index*.html | wc -l)
echo '<!doctype html><title>empty</title>' > "$WORK/empty.html"
if command -v chromium >/dev/null; then
  chromium_load "$WORK/empty.html" >/dev/null # first start warms the disk cache
  empty=$(chromium_load "$WORK/empty.html"); proof=$(chromium_load "$WORK/out$LARGE/index.html")
else
  empty="-"; proof="-"
fi

echo
echo "$(date -u +%F), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), runs: $RUNS"
echo
echo "| what | $SMALL personas ($((SMALL * 4)) documents) | $LARGE personas ($((LARGE * 4)) documents) |"
echo "|---|---|---|"
echo "| \`render -j 2 --force\`, median | $(echo "${T[$SMALL]}" | tr ' ' '\n' | grep . | median) s | $(echo "${T[$LARGE]}" | tr ' ' '\n' | grep . | median) s |"
echo "| seconds per document | $(per_doc "$SMALL") | $(per_doc "$LARGE") |"
echo "| peak RSS | $(rss "$SMALL") MiB | $(rss "$LARGE") MiB |"
echo "| unchanged re-run (incremental check), median of 3 | | $re s |"
echo "| report.json / index.html (one of $pages proof pages) | | $report_mib / $index_mib MiB |"
echo "| headless Chromium starts and loads index.html (starts and loads an empty page) | | $proof s ($empty s) |"
