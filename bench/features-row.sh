# Sourced by bench/run.sh: the row "features", a second Drawbridge whose configuration also declares CORS, rate
# limits, upstream TLS, compression and an asset cache on OTHER routes, while its /app route (the one measured) is
# the row "candidate"'s, byte for byte. Compared with "candidate", it shows what those features cost a route that
# does not use them: nothing, if the rows agree within the run's noise. NO_FEATURES=1 leaves the row out.
#   start_features_row PORT   sets FEATURES_URL and features_pid
start_features_row() {
  local port=$1 dir="$WORK/drawbridge-features"
  write_gateway_config "$dir" "$port"
  # A CA for the upstream TLS settings (loaded and checked at startup; no route the bench requests uses them).
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/upstream-ca.key" -out "$dir/upstream-ca.crt" \
    -subj /CN=bench-upstream-ca -days 30 2>/dev/null || return 1
  sed -i 's/^policies:$/policies:\n  limited:\n    allow:\n      - groups: [sre]\n    limits: {perUser: 100\/s, burst: 50}/' \
    "$dir/drawbridge.yaml"
  cat >> "$dir/drawbridge.yaml" <<YAML
management:
  port: 0   # the row "candidate" has the default one
upstreams:
  tls:
    internal:
      caFile: $dir/upstream-ca.crt
      serverName: upstream.internal
YAML
  cat > "$dir/routes/features.yaml" <<'YAML'
- route:
    id: web
    from:
      uri: gateway:/web?corsOrigins=https://portal.example.com&corsCredentials=true
      steps:
        - to: drawbridge:authenticate
        - to: drawbridge:authorize?policy=sre
        - to: drawbridge:proxy?upstream={{upstream.app}}
- route:
    id: limited
    from:
      uri: gateway:/limited
      steps:
        - to: drawbridge:authenticate
        - to: drawbridge:authorize?policy=limited
        - to: drawbridge:proxy?upstream={{upstream.app}}
- route:
    id: secure
    from:
      uri: gateway:/secure
      steps:
        - to: drawbridge:authenticate
        - to: drawbridge:authorize?policy=sre
        - to: drawbridge:proxy?upstream=https://127.0.0.1:18443&tls=internal
- route:
    id: assets
    from:
      uri: gateway:/assets
      steps:
        - to: drawbridge:authenticate
        - to: drawbridge:authorize?policy=sre
        - to: drawbridge:proxy?upstream={{upstream.app}}&compress=true&cache=true&cachePaths=/assets/static/**
YAML
  (cd "$dir" && exec java ${DRAWBRIDGE_JAVA_OPTS:--Xmx512m -XX:+UseParallelGC} -jar "$jar" --config drawbridge.yaml \
    > "$dir/gateway.log" 2>&1) &
  features_pid=$!
  for _ in $(seq 1 500); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -H "Authorization: Bearer $TOKEN_GOOD" \
      "http://127.0.0.1:$port/app")
    [ "$code" != 000 ] && break
    kill -0 "$features_pid" 2>/dev/null || { echo "Drawbridge (features row) exited:"; cat "$dir/gateway.log"; return 1; }
    sleep 0.01
  done
  FEATURES_URL=http://127.0.0.1:$port/app
}
