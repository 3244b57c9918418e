#!/usr/bin/env bash
# Scale and memory, one run: the gateway started with -Xmx256m (override with DRAWBRIDGE_JAVA_OPTS) and
#   1. the time from JVM start to the first proxied request (token verified, policy, proxied, 200);
#   2. 10,000 idle keep-alive client connections (each made one request), resident memory before and after;
#   3. a 1 GiB response streamed through it, resident memory after.
# Loopback only; every process it starts is stopped by PID.   bash bench/scale.sh   (CONNECTIONS=10000)
set -u
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/.." && pwd)
peers=$here/peers
WORK=${WORK:-$here/work}/scale
mkdir -p "$WORK"
PORT=${DRAWBRIDGE_PORT:-18190}
UPSTREAM_PORT=18191
CONNECTIONS=${CONNECTIONS:-10000}
jar="$project/target/drawbridge.jar"
[ -f "$jar" ] || (cd "$project" && mvn -q -B -DskipTests package) || exit 2
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((CONNECTIONS + 100)) ] || { echo "raise the open-files limit above $CONNECTIONS (ulimit -n)"; exit 2; }

node "$peers/tokens.js" "$WORK" > /dev/null || exit 2
. "$WORK/tokens.env"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT

node "$here/upstream.js" "$UPSTREAM_PORT" & pids+=($!)
mkdir -p "$WORK/routes"
cat > "$WORK/drawbridge.yaml" <<YAML
server: { host: 127.0.0.1, port: $PORT }
issuers:
  - { name: bench, issuer: "http://127.0.0.1:18080", jwksFile: "$WORK/jwks.json", audiences: [drawbridge] }
policies:
  sre: { allow: [ { groups: [sre] } ] }
audit: { file: "$WORK/audit.jsonl" }
YAML
cat > "$WORK/routes/app.yaml" <<YAML
- route:
    id: app
    from:
      uri: gateway:/app
      steps:
        - to: drawbridge:authenticate
        - to: drawbridge:authorize?policy=sre
        - to: drawbridge:proxy?upstream=http://127.0.0.1:$UPSTREAM_PORT&stripPrefix=true
YAML
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$UPSTREAM_PORT/" && break; sleep 0.1; done

started=$(date +%s%N)
(cd "$WORK" && exec java ${DRAWBRIDGE_JAVA_OPTS:--Xmx256m -XX:+UseParallelGC} -jar "$jar" --config drawbridge.yaml \
  > "$WORK/gateway.log" 2>&1) &
gw=$!; pids+=($gw)
until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN_GOOD" "http://127.0.0.1:$PORT/app/")" = 200 ]; do
  kill -0 $gw 2>/dev/null || { cat "$WORK/gateway.log"; exit 2; }
  sleep 0.01
done
echo "startup: first proxied request (200) $(( ($(date +%s%N) - started) / 1000000 )) ms after the JVM started"
rss() { awk '/VmRSS/{printf "%d MiB", $2/1024}' "/proc/$gw/status"; }
heap() { jcmd "$gw" GC.heap_info 2>/dev/null | awk '/total/{print; exit}' | sed 's/^ *//'; }
echo "idle gateway: RSS $(rss)"
node "$here/idle.js" "$PORT" "$CONNECTIONS" "$TOKEN_GOOD" "$WORK/idle.ready" & holder=$!; pids+=($holder)
for _ in $(seq 1 600); do [ -f "$WORK/idle.ready" ] && break; sleep 0.1; done
echo "$(cat "$WORK/idle.ready" 2>/dev/null || echo "connections not ready")"
echo "with $CONNECTIONS idle keep-alive connections: RSS $(rss); heap: $(heap)"
curl -s -o /dev/null -w "a request while they are open: %{http_code} in %{time_total} s\n" \
  -H "Authorization: Bearer $TOKEN_GOOD" "http://127.0.0.1:$PORT/app/"
kill $holder 2>/dev/null; wait $holder 2>/dev/null
curl -s -o /dev/null -w "1 GiB through the gateway: %{http_code}, %{size_download} bytes in %{time_total} s\n" \
  -H "Authorization: Bearer $TOKEN_GOOD" "http://127.0.0.1:$PORT/app/big"
echo "after 1 GiB: RSS $(rss), peak $(awk '/VmHWM/{printf "%d MiB", $2/1024}' "/proc/$gw/status"); gateway alive: $(kill -0 $gw 2>/dev/null && echo yes || echo no)"
