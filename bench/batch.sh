#!/usr/bin/env bash
# Batch speed benchmark (not a test). Measures, in one run and side by side:
#   1. the stock typst CLI 0.15 compiling personapress's exported bundles, two at a time
#   2. personapress render -j 2 --force      3. personapress render -j 1 --force
#   4. an unchanged re-run                     5. peak RSS at N and at 5 x N personas
#   6. personapress render -j 2 --force with [print] colour = "cmyk" (Little CMS)
# and prints a table of medians over RUNS runs after one warm-up.
# Usage: bench/batch.sh [N=20] [RUNS=5]
# PHOTOS=grainy makes camera-like photos (~2.3 MB each) instead of smooth ones (~250 kB).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
RUNS=${2:-5}
PHOTOS=${PHOTOS:-smooth}
WORK=${BENCH_DIR:-$(mktemp -d)}
TOOLS=bench/.tools

cargo build --release --quiet --bins
PP=target/release/personapress
if ! "$TOOLS/bin/typst" --version 2>/dev/null | grep -q "0.15"; then
  echo "installing the stock typst CLI 0.15.1 into $TOOLS (once)..." >&2
  cargo install --quiet --locked typst-cli --version 0.15.1 --root "$TOOLS"
fi
TYPST=$TOOLS/bin/typst

make_project() { # dir count
  rm -rf "$1"; target/release/bench-fixture "$1" "$2" "$PHOTOS"
}
calc() { awk "BEGIN { printf \"%.4f\", $1 }"; }
seconds() { # a failed command stops the benchmark: a fast failure is no result
  local s e; s=$(date +%s.%N)
  "$@" >/dev/null 2>"$WORK/last-error" || { echo "failed: $*" >&2; cat "$WORK/last-error" >&2; exit 1; }
  e=$(date +%s.%N); calc "$e - $s"
}
median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
typst_cli() { # compile every bundle, two at a time
  find "$WORK/bundles" -name main.typ -printf '%h\n' | xargs -P 2 -I{} \
    "$TYPST" compile --root {} --font-path {}/fonts --ignore-system-fonts {}/main.typ {}/out.pdf
}
peak_rss_mib() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {printf "%.0f", $2/1024}'; }

make_project "$WORK/p$N" "$N"
# The same personas, printed CMYK-only: photos and colours converted with Little CMS.
rm -rf "$WORK/c$N"; cp -r "$WORK/p$N" "$WORK/c$N"
printf '\n[print]\ncolour = "cmyk"\n' >> "$WORK/c$N/personapress.toml"
"$PP" export "$WORK/p$N" -o "$WORK/bundles" -q
DOCS=$(find "$WORK/bundles" -name main.typ | wc -l)

declare -A T
for run in $(seq 0 "$RUNS"); do            # run 0 is the warm-up
  cli=$(seconds typst_cli)
  j2=$(seconds "$PP" render "$WORK/p$N" -q -j 2 --force -o "$WORK/out")
  j1=$(seconds "$PP" render "$WORK/p$N" -q -j 1 --force -o "$WORK/out")
  re=$(seconds "$PP" render "$WORK/p$N" -q -j 2 -o "$WORK/out")
  cm=$(seconds "$PP" render "$WORK/c$N" -q -j 2 --force -o "$WORK/outc")
  if [ "$run" -gt 0 ]; then
    T[cli]+="$cli "; T[j2]+="$j2 "; T[j1]+="$j1 "; T[re]+="$re "; T[cm]+="$cm "
  fi
done
declare -A M
for k in cli j2 j1 re cm; do M[$k]=$(echo "${T[$k]}" | tr ' ' '\n' | grep . | median); done

# One-line edit of one persona, then one A2 poster back.
sed -i 's/^tagline = .*/tagline = "Edited for the benchmark"/' "$WORK/p$N/personas/p000.toml"
edit=$(seconds "$PP" render "$WORK/p$N" -q -j 2 -f poster-a2 -o "$WORK/out")

# Peak RSS varies with how allocations of the two workers happen to overlap: median too.
make_project "$WORK/p$((N * 5))" $((N * 5))
R_N=""; R_5N=""
for run in $(seq 1 "$RUNS"); do
  R_N+="$(peak_rss_mib "$PP" render "$WORK/p$N" -q -j 2 --force -o "$WORK/out") "
  R_5N+="$(peak_rss_mib "$PP" render "$WORK/p$((N * 5))" -q -j 2 --force -o "$WORK/out5") "
done
rss_n=$(echo "$R_N" | tr ' ' '\n' | grep . | median | xargs printf "%.0f")
rss_5n=$(echo "$R_5N" | tr ' ' '\n' | grep . | median | xargs printf "%.0f")
most() { tr ' ' '\n' | grep . | sort -g | tail -1; }
max_n=$(echo "$R_N" | most); max_5n=$(echo "$R_5N" | most)
photo_mib=$(awk "BEGIN { printf \"%.0f\", 2400 * 3200 * 3 / 1048576 }")

ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
per_doc() { awk "BEGIN { printf \"%.4f\", $1 / $DOCS }"; }
cat <<TABLE
Benchmark: $N personas x 4 formats = $DOCS documents, 2400x3200 JPEG photos ($PHOTOS, $(du -sh "$WORK/p$N/photos" | cut -f1) in all), median of $RUNS runs
$(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)

| what | seconds | per document | ratio |
|---|---|---|---|
| typst CLI 0.15, bundles, 2 at a time | ${M[cli]} | $(per_doc "${M[cli]}") | 1.00 |
| personapress render -j 2 --force | ${M[j2]} | $(per_doc "${M[j2]}") | $(ratio "${M[cli]}" "${M[j2]}")x faster than CLI |
| personapress render -j 1 --force | ${M[j1]} | $(per_doc "${M[j1]}") | -j2 is $(ratio "${M[j1]}" "${M[j2]}")x faster |
| render -j 2 --force, colour = "cmyk" | ${M[cm]} | $(per_doc "${M[cm]}") | $(ratio "${M[cm]}" "${M[j2]}")x the time of RGB |
| unchanged re-run | ${M[re]} | $(per_doc "${M[re]}") | $(awk "BEGIN { printf \"%.1f\", 100 * ${M[re]} / ${M[j2]} }") % of a full run |
| one A2 poster after a one-line edit | $edit | | |
| peak RSS, $N personas (median / highest) | $rss_n / $max_n MiB | | |
| peak RSS, $((N * 5)) personas (median / highest) | $rss_5n / $max_5n MiB | | one decoded photo is $photo_mib MiB |
TABLE
