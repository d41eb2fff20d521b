#!/bin/sh
# personapress over several machines with GNU parallel, then one merge here.
#
#   deploy/parallel.sh PROJECT OUT SHARDS [SSHLOGINFILE]
#
# Without SSHLOGINFILE the shards run side by side on this machine. With one (a file
# of ssh logins, `:` for this machine), each shard runs on one of them; PROJECT and OUT
# must then be the same path on every machine (a shared file system, e.g. NFS).
set -eu
project=$1 out=$2 shards=$3 logins=${4:-}
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(date +%s)}"   # the same date in every shard
if [ -n "$logins" ]; then
  set -- --sshloginfile "$logins" --env SOURCE_DATE_EPOCH
else
  set --
fi
seq 1 "$shards" | parallel "$@" --halt never --jobs "$shards" \
  personapress render "$project" --shard "{}/$shards" -j 1 -q -o "$out/part-{}" || true
# The merge names any shard that failed or is missing, and exits 1 then.
personapress merge "$project" --out "$out/merged" "$out"/part-*
