#!/usr/bin/env bash
# Soak: Drawbridge's full path (bearer token, catalog roles, policy, identity headers, assertion, proxy, audit to a file) under
# steady load for DURATION (10 minutes by default), sampling the process every INTERVAL: resident memory, the live
# heap (old generation right after a full collection that the sample asks for), threads, file descriptors. Passes when wrk saw no socket errors and no unexpected
# status, every served request has its audit record, and memory at the end is within the limits below of the
# first samples after warm-up.
#   bash bench/soak.sh                       # 10 minutes, 32 connections with a good token, 4 without one
#   DURATION=60s INTERVAL=5 bash bench/soak.sh
# Every process it starts is stopped by PID. Samples: bench/work/soak.csv; summary: bench/work/soak.txt.
set -u
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/.." && pwd)
peers=$here/peers
export WORK=${WORK:-$here/work}
mkdir -p "$WORK"
PORT=${DRAWBRIDGE_PORT:-18090}
DURATION=${DURATION:-10m}
INTERVAL=${INTERVAL:-10}
# The heap committed and touched from the start: RSS then grows only if something outside the heap does.
JAVA_OPTS=${DRAWBRIDGE_JAVA_OPTS:--Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:+UseParallelGC}

missing=()
for tool in wrk nginx node curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: wrk nginx (missing: ${missing[*]})"
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk nginx >/dev/null || exit 2
fi
jar="$project/target/drawbridge.jar"
[ -f "$jar" ] || (cd "$project" && mvn -q -B -DskipTests package) || exit 2

node "$peers/tokens.js" "$WORK" || exit 2
. "$WORK/tokens.env"
db="$WORK/soak"
. "$here/gateway-config.sh"
write_gateway_config "$db" "$PORT" "management:
  port: 0"

sed "s#@WORK@#$WORK#g" "$peers/conf/upstream-nginx.conf" > "$WORK/upstream-nginx.conf"
nginx -c "$WORK/upstream-nginx.conf" -p "$WORK" -e "$WORK/upstream-error.log" || exit 2
(cd "$db" && exec java $JAVA_OPTS -jar "$jar" --config drawbridge.yaml > "$db/gateway.log" 2>&1) &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  kill "$(cat "$WORK/upstream.pid" 2>/dev/null)" 2>/dev/null
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -H "Authorization: Bearer $TOKEN_GOOD" "http://127.0.0.1:$PORT/app")
  [ "$code" = 200 ] && break
  kill -0 $pid 2>/dev/null || { echo "Drawbridge exited:"; cat "$db/gateway.log"; exit 2; }
  sleep 0.05
done
[ "$code" = 200 ] || { echo "Drawbridge did not answer 200 (got $code)"; exit 2; }
java_pid=$(pgrep -P "$pid" java || echo "$pid") # the subshell exec'd java, so usually the same
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); $(java -version 2>&1 | head -1); $JAVA_OPTS"

sample() { # seconds rss_kib old_used_kib threads fds
  local rss old threads fds
  rss=$(awk '/VmRSS/{print $2}' "/proc/$java_pid/status" 2>/dev/null)
  threads=$(awk '/Threads/{print $2}' "/proc/$java_pid/status" 2>/dev/null)
  fds=$(ls "/proc/$java_pid/fd" 2>/dev/null | wc -l)
  # Promoted garbage stays in the old generation until a full collection: ask for one, then read what is live.
  jcmd "$java_pid" GC.run > /dev/null 2>&1
  old=$(jstat -gc "$java_pid" 2>/dev/null | awk 'NR==2{printf "%d", $8}') # OU: old generation used, KiB
  echo "$1,$rss,$old,$threads,$fds"
}

echo "seconds,rss_kib,live_heap_kib,threads,fds" > "$WORK/soak.csv"
wrk -t1 -c32 -d"$DURATION" -H "Authorization: Bearer $TOKEN_GOOD" "http://127.0.0.1:$PORT/app" > "$WORK/soak-allowed.txt" 2>&1 &
allowed=$!
wrk -t1 -c4 -d"$DURATION" "http://127.0.0.1:$PORT/app" > "$WORK/soak-denied.txt" 2>&1 &
denied=$!
start=$(date +%s)
while kill -0 "$allowed" 2>/dev/null; do
  sample $(( $(date +%s) - start )) >> "$WORK/soak.csv"
  sleep "$INTERVAL"
done
wait "$allowed" "$denied"
sleep 1 # the last responses' records are written before their responses leave; this is only for the tail

count() { awk -v key="$2" '$0 ~ key {print $1; exit}' "$1"; }
served=$(count "$WORK/soak-allowed.txt" "requests in")
refused=$(count "$WORK/soak-denied.txt" "requests in")
bad=$(awk '/Non-2xx/{print $NF}' "$WORK/soak-allowed.txt"); bad=${bad:-0}
errors=$(grep -h "Socket errors" "$WORK/soak-allowed.txt" "$WORK/soak-denied.txt" | tr '\n' ' ')
not401=$(awk '/Non-2xx/{print $NF}' "$WORK/soak-denied.txt")
records=$(wc -l < "$db-audit/audit.jsonl")
allow_records=$(grep -c '"decision":"allow"' "$db-audit/audit.jsonl")
deny_records=$(grep -c '"reason":"token-missing"' "$db-audit/audit.jsonl")
log_errors=$(grep -c " ERROR " "$db/gateway.log")

{
  echo "soak: $DURATION, wrk -c32 with a good token + wrk -c4 without one, $(nproc) cores"
  grep -h "Requests/sec\|Latency " "$WORK/soak-allowed.txt" | sed 's/^/  allowed: /'
  echo "  served $served (non-2xx $bad), refused $refused (401s: ${not401:-0} of them non-2xx), ${errors:-no socket errors}"
  echo "  audit records: $records (allow $allow_records, token-missing $deny_records); gateway log ERROR lines: $log_errors"
  awk -F, 'NR>1 { n++; s[n]=$1; r[n]=$2; o[n]=$3; t[n]=$4; f[n]=$5 }
    END {
      w = int(n/10); if (w < 1) w = 1            # first tenth is warm-up; compare the second tenth with the last
      for (i = w+1; i <= 2*w && i <= n; i++) { r1 += r[i]; o1 += o[i]; k1++ }
      for (i = n-w+1; i <= n; i++) { r2 += r[i]; o2 += o[i]; k2++ }
      printf "  samples: %d; RSS %.0f -> %.0f MiB (max %.0f); live heap %.1f -> %.1f MiB; threads %d -> %d; fds %d -> %d\n",
        n, r1/k1/1024, r2/k2/1024, max(r)/1024, o1/k1/1024, o2/k2/1024, t[w+1], t[n], f[w+1], f[n]
      printf "growth: rss %.1f%% live %.1f MiB\n", (r2/k2 - r1/k1) * 100 / (r1/k1), (o2/k2 - o1/k1)/1024
    }
    function max(a,  m, i) { m = 0; for (i in a) if (a[i] + 0 > m) m = a[i] + 0; return m }' "$WORK/soak.csv"
} | tee "$WORK/soak.txt"

growth_rss=$(awk '/^growth:/{print $3}' "$WORK/soak.txt" | tr -d %)
growth_old=$(awk '/^growth:/{print $5}' "$WORK/soak.txt")
ok=1
[ "${bad:-0}" = 0 ] || { echo "FAIL: $bad allowed requests were not 2xx"; ok=0; }
echo "$errors" | grep -q "connect [1-9]\|read [1-9]\|write [1-9]\|timeout [1-9]" && { echo "FAIL: socket errors"; ok=0; }
[ "$records" -ge $(( served + refused )) ] || { echo "FAIL: $records audit records for $(( served + refused )) responses"; ok=0; }
[ "$log_errors" = 0 ] || { echo "FAIL: $log_errors ERROR lines in the gateway log"; ok=0; }
awk -v g="$growth_rss" 'BEGIN { exit !(g < 5) }' || { echo "FAIL: RSS grew ${growth_rss}%"; ok=0; }
awk -v g="$growth_old" 'BEGIN { exit !(g < 4) }' || { echo "FAIL: the live heap grew ${growth_old} MiB"; ok=0; }
[ $ok = 1 ] && echo "soak: PASS" || { echo "soak: FAIL"; exit 1; }
