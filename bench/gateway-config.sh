# Sourced by bench/run.sh and bench/soak.sh: writes the Drawbridge configuration both measure, the full path
# (bearer token of the peers' harness, issuer http://127.0.0.1:18080, audience drawbridge; policy; proxy to the
# harness's upstream; audit to a local file).
#   write_gateway_config DIR PORT [EXTRA_YAML]
write_gateway_config() {
  local db=$1 port=$2 extra=${3:-}
  rm -rf "$db"; mkdir -p "$db/routes"
  cat > "$db/drawbridge.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $port
  trustedProxies: [127.0.0.1]   # the row "forward": nginx on loopback asks /.drawbridge/auth-request
issuers:
  - name: bench
    issuer: http://127.0.0.1:18080
    jwksFile: $WORK/jwks.json
    audiences: [drawbridge]
policies:
  sre:
    allow:
      - groups: [sre]
audit:
  file: $db/audit.jsonl
properties:
  upstream.app: http://127.0.0.1:18080
$extra
YAML
  cat > "$db/routes/app.yaml" <<'YAML'
- route:
    id: app
    from:
      uri: gateway:/app
      steps:
        - to: drawbridge:authenticate
        - to: drawbridge:authorize?policy=sre
        - to: drawbridge:proxy?upstream={{upstream.app}}
YAML
  cat > "$db/routes/forward-auth.yaml" <<'YAML'
- route:
    id: forward-auth-request
    from:
      uri: gateway:/.drawbridge/auth-request
      steps:
        - to: drawbridge:decide?signIn=status
YAML
}
