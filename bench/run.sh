#!/usr/bin/env bash
# Drawbridge against its peers, side by side in one run on one machine (loopback only):
# the peers' harness (bench/peers: HAProxy jwt_verify, Apache mod_auth_openidc, nginx, Caddy, lighttpd,
# all in front of one nginx upstream) with Drawbridge added as the row "candidate", running its full path:
# bearer token verification, policy, identity headers, audit to the local file; and as the row "forward",
# deciding for nginx auth_request (bench/peers/conf/nginx-forward.conf) with the same route, policy and caches.
#   NO_FORWARD=1 bash bench/run.sh             # without the row "forward"
#   NO_FEATURES=1 bash bench/run.sh            # without the row "features" (bench/features-row.sh)
#   bash bench/run.sh                          # all peers, 3 interleaved rounds of 10 s, 32 connections
#   TARGETS="haproxy" ROUNDS=5 DURATION=20s bash bench/run.sh
#   DRAWBRIDGE_JAVA_OPTS="-Xmx512m -XX:+UseParallelGC" bash bench/run.sh   # the default
# Every process it starts is stopped by PID. Results: the table, the ratios, and bench/work/last-run.txt.
set -u
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/.." && pwd)
peers=$here/peers
export WORK=${WORK:-$here/work}
mkdir -p "$WORK"
PORT=${DRAWBRIDGE_PORT:-18090}

missing=()
for tool in wrk nginx haproxy apache2 caddy lighttpd node curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: wrk nginx haproxy apache2 libapache2-mod-auth-openidc caddy lighttpd (missing: ${missing[*]})"
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    wrk nginx haproxy apache2 libapache2-mod-auth-openidc caddy lighttpd >/dev/null || exit 2
fi
jar="$project/target/drawbridge.jar"
[ -f "$jar" ] || (cd "$project" && mvn -q -B -DskipTests package) || exit 2

# Keys and tokens first: Drawbridge trusts the harness's key (issuer http://127.0.0.1:18080, audience drawbridge).
node "$peers/tokens.js" "$WORK" || exit 2
db="$WORK/drawbridge"
. "$here/gateway-config.sh"
write_gateway_config "$db" "$PORT"

. "$WORK/tokens.env"
started=$(date +%s%N)
(cd "$db" && exec java ${DRAWBRIDGE_JAVA_OPTS:--Xmx512m -XX:+UseParallelGC} -jar "$jar" --config drawbridge.yaml > "$db/gateway.log" 2>&1) &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 1 500); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -H "Authorization: Bearer $TOKEN_GOOD" "http://127.0.0.1:$PORT/app")
  [ "$code" != 000 ] && break
  kill -0 $pid 2>/dev/null || { echo "Drawbridge exited:"; cat "$db/gateway.log"; exit 2; }
  sleep 0.01
done
echo "drawbridge: answering $(( ($(date +%s%N) - started) / 1000000 )) ms after the JVM started (pid $pid, $(java -version 2>&1 | head -1)); startup to first proxied request: bench/scale.sh"
# A JVM compiles its hot path in the first seconds: warm it before the timed rounds, as any long-running gateway is.
WARMUP=${WARMUP:-10s}
# The row "forward": nginx asking Drawbridge, on 127.0.0.1:18086 (stopped by PID with the peers).
forward_url=
if [ -z "${NO_FORWARD:-}" ]; then
  sed -e "s#@WORK@#$WORK#g" -e "s#@DRAWBRIDGE_PORT@#$PORT#g" "$peers/conf/nginx-forward.conf" > "$WORK/nginx-forward.conf"
  nginx -c "$WORK/nginx-forward.conf" -p "$WORK" -e "$WORK/nginx-forward-error.log" || exit 2
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; [ -f "$WORK/nginx-forward.pid" ] && kill "$(cat "$WORK/nginx-forward.pid")" 2>/dev/null' EXIT
  forward_url=http://127.0.0.1:18086/app
fi
# The row "features": the same /app on a gateway whose other routes use CORS, limits, TLS, compression, caching.
FEATURES_URL=
if [ -z "${NO_FEATURES:-}" ]; then
  . "$here/features-row.sh"
  start_features_row "${FEATURES_PORT:-18091}" || exit 2
  trap "$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//"); kill $features_pid 2>/dev/null" EXIT
fi
(cd "$WORK" && render() { sed "s#@WORK@#$WORK#g" "$peers/conf/$1" > "$WORK/$1"; }; render upstream-nginx.conf
 nginx -c "$WORK/upstream-nginx.conf" -p "$WORK" -e "$WORK/upstream-error.log" \
   && wrk -t1 -c32 -d"$WARMUP" -H "Authorization: Bearer $TOKEN_GOOD" "http://127.0.0.1:$PORT/app" > /dev/null \
   && { [ -z "$forward_url" ] || wrk -t1 -c32 -d"$WARMUP" -H "Authorization: Bearer $TOKEN_GOOD" "$forward_url" > /dev/null; } \
   && { [ -z "$FEATURES_URL" ] || wrk -t1 -c32 -d"$WARMUP" -H "Authorization: Bearer $TOKEN_GOOD" "$FEATURES_URL" > /dev/null; };
 kill "$(cat "$WORK/upstream.pid")" 2>/dev/null; sleep 0.5)
echo "drawbridge: warmed up for $WARMUP"

{
  echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "versions: $(haproxy -v 2>/dev/null | head -1 | cut -d' ' -f1-3); $(nginx -v 2>&1); $(apache2 -v 2>/dev/null | head -1);" \
       "mod_auth_openidc $(dpkg-query -W -f '${Version}' libapache2-mod-auth-openidc 2>/dev/null);" \
       "$(caddy version 2>/dev/null | cut -d' ' -f1); lighttpd $(lighttpd -v 2>/dev/null | head -1 | cut -d' ' -f1 | cut -d/ -f2);" \
       "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
  CANDIDATE_URL="http://127.0.0.1:$PORT/app" FORWARD_URL="$forward_url" FEATURES_URL="$FEATURES_URL" \
    bash "$peers/run.sh"
} 2>&1 | tee "$WORK/last-run.txt"

# Ratios the issue asks for: Drawbridge over each authenticating peer, from the machine-readable lines.
awk '/^result target=/{ split($0, f, " "); t=""; r="";
       for (i in f) { split(f[i], kv, "="); if (kv[1]=="target") t=kv[2]; if (kv[1]=="rps") r=kv[2]; if (kv[1]=="p99_ms") p[kv[2]]=0 }
       rps[t]=r; line[t]=$0 }
     END { if (rps["candidate"]=="") { print "no drawbridge result"; exit 1 }
           for (t in rps) if (t!="candidate" && t!="forward" && t!="features" && rps[t]>0) printf "drawbridge/%s throughput ratio: %.2f\n", t, rps["candidate"]/rps[t]
           if (rps["features"]>0) printf "features (CORS, limits, TLS, compression, cache on other routes)/candidate throughput ratio: %.2f\n", rps["features"]/rps["candidate"]
           if (rps["forward"]>0) { printf "forward (nginx auth_request -> drawbridge)/candidate throughput ratio: %.2f\n", rps["forward"]/rps["candidate"]
                                   if (rps["haproxy"]>0) printf "forward/haproxy throughput ratio: %.2f\n", rps["forward"]/rps["haproxy"] } }' \
  "$WORK/last-run.txt" | sort | tee -a "$WORK/last-run.txt"
audited=$(wc -l < "$db/audit.jsonl" 2>/dev/null || echo 0)
echo "drawbridge audit records written: $audited" | tee -a "$WORK/last-run.txt"
