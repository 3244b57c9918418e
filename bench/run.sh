#!/usr/bin/env bash
# Drawbridge against its peers, side by side in one run on one machine (loopback only):
# the peers' harness (bench/peers: HAProxy jwt_verify, Apache mod_auth_openidc, nginx, Caddy, lighttpd,
# all in front of one nginx upstream) with Drawbridge added as the row "candidate", running its full path:
# bearer token verification, catalog roles (drawbridge:enrich, file catalog), policy, identity headers, audit to
# a local file; as the row "candidate-tls", the same behind its own TLS listener (against "haproxy-tls"); and as
# the row "forward", deciding for nginx auth_request (bench/peers/conf/nginx-forward.conf) with the same route,
# policy and caches. Rows NAME@256 repeat HAProxy and Drawbridge at 256 connections. Every row has its CPU time
# per request (the target's processes, from /proc, over its timed rounds).
#   NO_FORWARD=1 NO_TLS=1 bash bench/run.sh    # without the rows "forward" and "candidate-tls"
#   WIDE_TARGETS= bash bench/run.sh            # without the rows at 256 connections
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
# The TLS rows' certificate (the peers' harness makes the same one when it is missing).
[ -f "$WORK/tls-cert.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/tls-key.pem" \
  -out "$WORK/tls-cert.pem" -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 3650 2>/dev/null
db="$WORK/drawbridge"
. "$here/gateway-config.sh"
write_gateway_config "$db" "$PORT"
. "$WORK/tokens.env"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
      [ -f "$WORK/nginx-forward.pid" ] && kill "$(cat "$WORK/nginx-forward.pid")" 2>/dev/null' EXIT
# Starts a gateway from DIR/drawbridge.yaml and waits until URL answers; its PID in $gateway.
start_gateway() {
  local dir=$1 url=$2 started code
  started=$(date +%s%N)
  (cd "$dir" && exec java ${DRAWBRIDGE_JAVA_OPTS:--Xmx512m -XX:+UseParallelGC} -jar "$jar" --config drawbridge.yaml \
    > "$dir/gateway.log" 2>&1) &
  gateway=$!
  pids+=("$gateway")
  for _ in $(seq 1 500); do
    code=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 1 -H "Authorization: Bearer $TOKEN_GOOD" "$url")
    [ "$code" != 000 ] && break
    kill -0 "$gateway" 2>/dev/null || { echo "Drawbridge exited:"; cat "$dir/gateway.log"; exit 2; }
    sleep 0.01
  done
  echo "drawbridge: $url answering $(( ($(date +%s%N) - started) / 1000000 )) ms after the JVM started (pid $gateway," \
    "$(java -version 2>&1 | head -1)); startup to first proxied request: bench/scale.sh"
}
start_gateway "$db" "http://127.0.0.1:$PORT/app"
pid=$gateway
# The row "candidate-tls": a second gateway, the same configuration with TLS on its listener (JDK TLS, or OpenSSL
# when netty-tcnative is on the class path). NO_TLS=1 leaves it out.
tls_url=; tls_pid=
if [ -z "${NO_TLS:-}" ]; then
  TLS_PORT=${DRAWBRIDGE_TLS_PORT:-18091}
  write_gateway_config "$db-tls" "$TLS_PORT" "management: { port: 0 }   # beside the first gateway's" "$WORK/tls"
  start_gateway "$db-tls" "https://127.0.0.1:$TLS_PORT/app"
  tls_url=https://127.0.0.1:$TLS_PORT/app; tls_pid=$gateway
fi
# A JVM compiles its hot path in the first seconds: warm it before the timed rounds, as any long-running gateway is.
WARMUP=${WARMUP:-10s}
# The row "forward": nginx asking Drawbridge, on 127.0.0.1:18086 (stopped by PID with the peers).
forward_url=
if [ -z "${NO_FORWARD:-}" ]; then
  sed -e "s#@WORK@#$WORK#g" -e "s#@DRAWBRIDGE_PORT@#$PORT#g" "$peers/conf/nginx-forward.conf" > "$WORK/nginx-forward.conf"
  nginx -c "$WORK/nginx-forward.conf" -p "$WORK" -e "$WORK/nginx-forward-error.log" || exit 2
  forward_url=http://127.0.0.1:18086/app
fi
# The row "features": the same /app on a gateway whose other routes use CORS, limits, TLS, compression, caching.
FEATURES_URL=
if [ -z "${NO_FEATURES:-}" ]; then
  . "$here/features-row.sh"
  start_features_row "${FEATURES_PORT:-18093}" || exit 2
  pids+=("$features_pid")
fi
(cd "$WORK" && render() { sed "s#@WORK@#$WORK#g" "$peers/conf/$1" > "$WORK/$1"; }; render upstream-nginx.conf
 nginx -c "$WORK/upstream-nginx.conf" -p "$WORK" -e "$WORK/upstream-error.log" \
   && wrk -t1 -c32 -d"$WARMUP" -H "Authorization: Bearer $TOKEN_GOOD" "http://127.0.0.1:$PORT/app" > /dev/null \
   && { [ -z "$forward_url" ] || wrk -t1 -c32 -d"$WARMUP" -H "Authorization: Bearer $TOKEN_GOOD" "$forward_url" > /dev/null; } \
   && { [ -z "$tls_url" ] || wrk -t1 -c32 -d"$WARMUP" -H "Authorization: Bearer $TOKEN_GOOD" "$tls_url" > /dev/null; } \
   && { [ -z "$FEATURES_URL" ] || wrk -t1 -c32 -d"$WARMUP" -H "Authorization: Bearer $TOKEN_GOOD" "$FEATURES_URL" > /dev/null; };
 kill "$(cat "$WORK/upstream.pid")" 2>/dev/null; sleep 0.5)
echo "drawbridge: warmed up for $WARMUP"

{
  echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "versions: $(haproxy -v 2>/dev/null | head -1 | cut -d' ' -f1-3); $(nginx -v 2>&1); $(apache2 -v 2>/dev/null | head -1);" \
       "mod_auth_openidc $(dpkg-query -W -f '${Version}' libapache2-mod-auth-openidc 2>/dev/null);" \
       "$(caddy version 2>/dev/null | cut -d' ' -f1); lighttpd $(lighttpd -v 2>/dev/null | head -1 | cut -d' ' -f1 | cut -d/ -f2);" \
       "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
  CANDIDATE_URL="http://127.0.0.1:$PORT/app" CANDIDATE_PID=$pid FORWARD_URL="$forward_url" \
    CANDIDATE_TLS_URL="$tls_url" CANDIDATE_TLS_PID="$tls_pid" FEATURES_URL="$FEATURES_URL" \
    FEATURES_PID="${features_pid:-}" bash "$peers/run.sh"
} 2>&1 | tee "$WORK/last-run.txt"

# Ratios the issue asks for: Drawbridge over each authenticating peer at the same connections and scheme, from the
# machine-readable lines (throughput, and CPU per request: below 1.00 the gateway costs less than the peer).
awk '/^result target=/{ t=""; r=""; c="";
       for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1]=="target") t=kv[2]; if (kv[1]=="rps") r=kv[2]; if (kv[1]=="cpu_us") c=kv[2] }
       rps[t]=r; cpu[t]=c }
     function compare(a, b) { if (rps[a] > 0 && rps[b] > 0) {
         printf "%s/%s throughput ratio: %.2f", a, b, rps[a]/rps[b]
         if (cpu[a] > 0 && cpu[b] > 0) printf ", cpu per request ratio: %.2f", cpu[a]/cpu[b]
         printf "\n" } }
     END { if (rps["candidate"]=="") { print "no drawbridge result"; exit 1 }
           for (t in rps) if (t!="candidate" && t!="forward" && t!="features" && t !~ /@/ && t !~ /-tls$/) compare("candidate", t)
           for (t in rps) if (t ~ /^candidate@/) { n=substr(t, index(t, "@")); compare(t, "haproxy" n) }
           compare("candidate-tls", "haproxy-tls"); compare("candidate-tls", "candidate")
           compare("features", "candidate"); compare("forward", "candidate"); compare("forward", "haproxy") }' \
  "$WORK/last-run.txt" | sort | tee -a "$WORK/last-run.txt"
audited=$(cat "$db-audit/audit.jsonl" "$db-tls-audit/audit.jsonl" 2>/dev/null | wc -l)
echo "drawbridge audit records written: $audited" | tee -a "$WORK/last-run.txt"
