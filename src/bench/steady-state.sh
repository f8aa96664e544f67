#!/usr/bin/env bash
# ./gateway bench steady ["bench load options" ...]: the throughput method of decision 0013, in one command.
# Starts a fresh embedded gateway (own port and data directory, -Xmx512m, no JFR), warms it up unrecorded (30 s at
# 20/s, then WARM, default 150 s flat out) until the JIT has compiled the hot code, then runs `bench load` once per
# argument (default: flat out for 60 s, then 50/s for 60 s), each once the gateway has settled (CPU below a fifth of a
# core, at most 60 s: the previous load's backlog is done), and writes, per run, the load report, the gateway's CPU
# (utime + stime from /proc) and bytes written to disk (/proc write_bytes) per accepted referral, the same CPU without
# the JIT compiler threads, its CPU per thread group, the database transactions per accepted referral
# (store.CommitEvent, recorded by JFR with src/bench/commits.jfc), the load client's own CPU per accepted referral, the
# machine's CPU split (busy, idle, iowait, steal) over the run, its young collections' pauses, and its mixed and
# full collections and evacuation failures (from gc.log).
# Results in target/bench/steady-TIME/.
# Environment: BENCH_PORT (18443), BENCH_HEAP (512m), WARM (bench load options), JFR_RUN (a JFR settings name, e.g.
# "default": records each measured run to its own .jfr; its throughput then is not a number to quote), BENCH_KEEP_DATA
# (keep the gateway's data directory, deleted by default once the gateway has stopped).
set -euo pipefail
cd "$(dirname "$0")/../.."

port=${BENCH_PORT:-18443}
out="target/bench/steady-$(date -u +%Y%m%dT%H%M%SZ)"
data="$out/gateway-data"
mkdir -p "$out"
url="https://localhost:$port"
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=("--max --duration 60s" "--rate 50 --duration 60s")
jdk=$(./gateway java-home)

GATEWAY_HTTPS_PORT=$port GATEWAY_DATA_DIR=$data \
  GATEWAY_JAVA_OPTS="-Xmx${BENCH_HEAP:-512m} -Xlog:gc:file=$out/gc.log ${GATEWAY_JAVA_OPTS:-}" \
  ./gateway start > "$out/gateway.log" 2>&1 &
gateway=$!
trap 'kill -TERM $gateway 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q "is running" "$out/gateway.log" && break
  kill -0 $gateway 2>/dev/null || { echo "The gateway did not start: $out/gateway.log" >&2; exit 1; }
  sleep 1
done
grep -q "is running" "$out/gateway.log" || { echo "The gateway did not start in 300 s" >&2; exit 1; }

load() { ./gateway bench load --url "$url" "$@"; }
cpu() { awk '{print $14 + $15}' "/proc/$gateway/stat"; }
uptime_s() { "$jdk/bin/jcmd" $gateway VM.uptime | awk '$2 == "s" {print $1}'; } # the JVM's, as gc.log stamps its lines
# The young collections gc.log stamped between two uptimes: how many, their pause p50 / p99 / max, all together.
young_pauses() {
  awk -v from="$1" -v to="$2" '/Pause Young/ { t = substr($1, 2) + 0; ms = $NF; sub(/ms$/, "", ms)
    if (t >= from && t <= to) print ms + 0 }' "$out/gc.log" | sort -n | awk '
    { p[NR] = $1; s += $1 }
    function at(q,  i) { i = int(NR * q + 0.5); return p[i < 1 ? 1 : i] }
    END { if (NR == 0) { print "young collections during the run and its drain: none"; exit }
      printf "young collections during the run and its drain: %d, pauses p50 %.1f / p99 %.1f / max %.1f ms,", NR,
        at(0.5), at(0.99), p[NR]
      printf " %.1f s in all\n", s / 1000 }'
}
# The rest of G1's work gc.log stamped between two uptimes: mixed collections, full collections (their longest pause)
# and evacuation failures (the old generation full during a young collection); a fuller old generation shows here first.
other_collections() {
  awk -v from="$1" -v to="$2" '{ t = substr($1, 2) + 0 } t < from || t > to { next }
    /Pause Young \(Mixed\)/ { mixed++ } /Evacuation Failure/ { failed++ }
    /Pause Full/ { full++; ms = $NF; sub(/ms$/, "", ms); if (ms + 0 > longest) longest = ms + 0 }
    END { printf "mixed collections among them: %d; evacuation failures: %d; full collections: %d", mixed, failed, full
      if (full > 0) printf " (longest %.1f ms)", longest
      printf "\n" }' "$out/gc.log"
}
written() { awk '/^write_bytes/ {print $2}' "/proc/$gateway/io"; }
machine() { head -1 /proc/stat; } # the whole machine's CPU ticks: user nice system idle iowait irq softirq steal
threads() { # thread id, CPU ticks, name (a thread that ends while being read is left out)
  local t ticks name
  for t in /proc/$gateway/task/*; do
    ticks=$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null) && name=$(cat "$t/comm" 2>/dev/null) || continue
    printf '%s\t%s\t%s\n' "${t##*/}" "$ticks" "$name"
  done
}

echo "Warming up (unrecorded): 30 s at 20/s, then ${WARM:---max --duration 150s}" >&2
load --rate 20 --duration 30s --out "$out/warm-up-1.json" > "$out/warm-up-1.txt" 2>&1
# shellcheck disable=SC2086
load ${WARM:---max --duration 150s} --out "$out/warm-up-2.json" > "$out/warm-up-2.txt" 2>&1

ticks=$(getconf CLK_TCK)
# Until the gateway's CPU over 2 s is below a fifth of one core (what the previous load left behind is done: its last
# acknowledgements, receipts, search indexing), at most 60 s; prints how many seconds that took. Each measured run then
# starts from steady state rather than inside the previous run's drain.
settle() {
  local start=$SECONDS a b
  while [ $((SECONDS - start)) -lt 60 ]; do
    a=$(cpu); sleep 2; b=$(cpu)
    [ $((5 * (b - a))) -lt $((2 * ticks)) ] && break
  done
  echo $((SECONDS - start))
}
n=0
for run in "${runs[@]}"; do
  n=$((n + 1))
  settled=$(settle)
  [ -n "${JFR_RUN:-}" ] && "$jdk/bin/jcmd" $gateway JFR.start name=run "settings=$JFR_RUN" "filename=$PWD/$out/run-$n.jfr" > /dev/null
  "$jdk/bin/jcmd" $gateway JFR.start name=commits "settings=$PWD/src/bench/commits.jfc" \
    "filename=$PWD/$out/run-$n.commits.jfr" > /dev/null
  threads > "$out/run-$n.threads-before"
  before=$(cpu)
  up_before=$(uptime_s)
  wrote_before=$(written)
  machine_before=$(machine)
  # shellcheck disable=SC2086
  load $run --out "$out/run-$n.json" > "$out/run-$n.txt" 2>&1
  after=$(cpu)
  up_after=$(uptime_s)
  wrote_after=$(written)
  machine_after=$(machine)
  threads > "$out/run-$n.threads-after"
  [ -n "${JFR_RUN:-}" ] && "$jdk/bin/jcmd" $gateway JFR.stop name=run > /dev/null
  "$jdk/bin/jcmd" $gateway JFR.stop name=commits > /dev/null
  # Per referral means per referral accepted while the client ran: its warm-up's (same rate) and the measured run's.
  measured=$(sed -n 's/^sent [0-9]*, accepted \([0-9]*\).*/\1/p' "$out/run-$n.txt")
  warmed=$(sed -n 's/.*warm-up: \([0-9]*\) accepted.*/\1/p' "$out/run-$n.txt")
  accepted=$((${measured:-0} + ${warmed:-0}))
  {
    echo "== run $n: bench load $run   (load average $(cut -d' ' -f1-3 /proc/loadavg); started after ${settled} s settling)"
    grep -E '^(sent|acceptance|delivered|load average before)' "$out/run-$n.txt"
    awk -v c=$((after - before)) -v a="${accepted:-0}" -v hz="$ticks" \
      'BEGIN { printf "gateway CPU %.1f s during the run and its drain: %.2f ms per accepted referral\n", c / hz, (a > 0 ? 1000 * c / hz / a : 0) }'
    # The JIT still compiles minutes into a run (8 % of the CPU 4 minutes after start, 1 % after 11: performance.md
    # section 26): the CPU without it is the closer estimate of a long-running gateway's.
    awk -F'\t' -v c=$((after - before)) -v a="${accepted:-0}" -v hz="$ticks" '
      NR == FNR { was[$1] = $2; next }
      $3 ~ /^C[12] CompilerThre/ { jit += $2 - ($1 in was ? was[$1] : 0) }
      END { printf "of which JIT compilation %.1f s (%.0f %%); without it %.2f ms per accepted referral\n", jit / hz,
        (c > 0 ? 100 * jit / c : 0), (a > 0 ? 1000 * (c - jit) / hz / a : 0) }' \
      "$out/run-$n.threads-before" "$out/run-$n.threads-after"
    # Steal is CPU the hypervisor gave to other guests: the same work takes longer when it is high.
    printf '%s\n%s\n' "$machine_before" "$machine_after" | awk '
      NR == 1 { for (i = 2; i <= 9; i++) b[i] = $i; next }
      { for (i = 2; i <= 9; i++) { d[i] = $i - b[i]; t += d[i] } }
      END { printf "machine CPU over the run and its drain: busy %.0f %%, idle %.0f %%, iowait %.0f %%, steal %.0f %%\n",
        100 * (d[2] + d[3] + d[4] + d[7] + d[8]) / t, 100 * d[5] / t, 100 * d[6] / t, 100 * d[9] / t }'
    young_pauses "$up_before" "$up_after"
    other_collections "$up_before" "$up_after"
    awk -v w=$((wrote_after - wrote_before)) -v a="${accepted:-0}" \
      'BEGIN { printf "gateway wrote %.0f MB to disk (database and broker journal): %.1f KB per accepted referral\n", w / 1e6, (a > 0 ? w / 1e3 / a : 0) }'
    "$jdk/bin/jfr" print --events uk.safeguarding.interchange.Commit "$out/run-$n.commits.jfr" | awk -v a="${accepted:-0}" '
      /units = / { units = $3 } /group = / { group = ($3 == "true") }
      /committed = / { n++; if (group) { g++; gu += units } else alone++; if ($3 != "true") failed++ }
      END { printf "database transactions %d (%.2f per accepted referral): %d group commits of %.1f units on average, %d alone, %d rolled back\n",
        n, (a > 0 ? n / a : 0), g, (g > 0 ? gu / g : 0), alone, failed }'
    awk -F'\t' 'NR == FNR { was[$1] = $2; next }
      { name = $3; gsub(/[0-9]+/, "N", name); used[name] += $2 - ($1 in was ? was[$1] : 0); total += $2 - ($1 in was ? was[$1] : 0) }
      END { printf "CPU by thread group:"; for (k in used) if (used[k] > 0) printf " [%s %.0f%%]", k, (100 * used[k] / total); print "" }' \
      "$out/run-$n.threads-before" "$out/run-$n.threads-after"
  } | tee -a "$out/summary.txt"
done
# The gateway's data directory (1–2 GB per run) is deleted once it has stopped, unless BENCH_KEEP_DATA is set: runs
# that kept theirs filled this VM's disk past Artemis's 90 % limit, which blocks the broker (docs/operations.md).
kill -TERM $gateway 2>/dev/null || true
wait $gateway 2>/dev/null || true
[ -n "${BENCH_KEEP_DATA:-}" ] || rm -rf "$data"
echo "Results: $out/summary.txt" >&2
