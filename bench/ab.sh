#!/usr/bin/env bash
# Two Drawbridge builds (or two JVM option sets) side by side in one run, on the bench's full path
# (bench/gateway-config.sh), rounds alternating so that a noisy moment hurts both alike: requests/s, p99 and the
# gateway's CPU time per request (utime+stime from /proc over each round). For "what did this change buy" on a
# shared machine, where figures of separate runs cannot be compared.
#   bash bench/ab.sh OLD.jar NEW.jar                  # 3 rounds of 5 s each, 32 connections
#   JOPTS_B=-Ddrawbridge.ioThreads=2 bash bench/ab.sh target/drawbridge.jar target/drawbridge.jar
#   ROUNDS=5 DURATION=10s CONNS=256 WARMUP=10s bash bench/ab.sh A.jar B.jar
#   TLS=1 CP_B=tcnative.jar:tcnative-classes.jar bash bench/ab.sh J.jar J.jar   # both terminate TLS; B with
#                                                  # more on its class path (OpenSSL through netty-tcnative)
# Every process it starts is stopped by PID.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export WORK=${WORK:-$here/work}
mkdir -p "$WORK"
A=$(realpath "$1"); B=$(realpath "$2")
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-5s}; CONNS=${CONNS:-32}
node "$here/peers/tokens.js" "$WORK" || exit 2
. "$WORK/tokens.env"
. "$here/gateway-config.sh"
scheme=http; tls=
if [ -n "${TLS:-}" ]; then
  scheme=https; tls=$WORK/tls
  [ -f "$WORK/tls-cert.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/tls-key.pem" \
    -out "$WORK/tls-cert.pem" -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 3650 2>/dev/null
fi
write_gateway_config "$WORK/ab-a" 18096 "management: { port: 0 }" "$tls"
write_gateway_config "$WORK/ab-b" 18097 "management: { port: 0 }" "$tls"
sed "s#@WORK@#$WORK#g" "$here/peers/conf/upstream-nginx.conf" > "$WORK/upstream-nginx.conf"
(cd "$WORK/ab-a" && exec java -Xmx512m -XX:+UseParallelGC ${JOPTS_A:-} -cp "$A${CP_A:+:$CP_A}" io.drawbridge.Drawbridge --config drawbridge.yaml > gateway.log 2>&1) &
pa=$!
(cd "$WORK/ab-b" && exec java -Xmx512m -XX:+UseParallelGC ${JOPTS_B:-} -cp "$B${CP_B:+:$CP_B}" io.drawbridge.Drawbridge --config drawbridge.yaml > gateway.log 2>&1) &
pb=$!
nginx -c "$WORK/upstream-nginx.conf" -p "$WORK" -e "$WORK/upstream-error.log" || exit 2
trap 'kill $pa $pb 2>/dev/null; kill "$(cat "$WORK/upstream.pid")" 2>/dev/null' EXIT
for port in 18096 18097; do
  for _ in $(seq 1 300); do
    code=$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN_GOOD" "$scheme://127.0.0.1:$port/app")
    [ "$code" = 200 ] && break
    sleep 0.2
  done
  [ "$code" = 200 ] || { echo "gateway on $port does not answer 200 ($code)"; exit 2; }
  wrk -t1 -c"$CONNS" -d"${WARMUP:-10s}" -H "Authorization: Bearer $TOKEN_GOOD" "$scheme://127.0.0.1:$port/app" > /dev/null
done
ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
hz=$(getconf CLK_TCK)
uptime | sed 's/^/load before: /'
for round in $(seq 1 "$ROUNDS"); do
  for side in a b; do
    pid=$pa; port=18096; [ $side = b ] && { pid=$pb; port=18097; }
    before=$(ticks $pid)
    out=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN_GOOD" "$scheme://127.0.0.1:$port/app")
    used=$(( $(ticks $pid) - before ))
    n=$(awk '/requests in/{print $1}' <<<"$out")
    echo "round $round $side rps=$(awk '/Requests\/sec/{print $2}' <<<"$out") p99=$(awk '$1=="99%"{print $2}' <<<"$out")" \
      "cpu_us=$(awk -v t=$used -v n="$n" -v hz="$hz" 'BEGIN{ if (n > 0) printf "%.1f", t * 1e6 / hz / n }')" \
      "$(grep -o 'Non-2xx.*' <<<"$out")"
  done
done
uptime | sed 's/^/load after: /'
