# Sourced by bench/run.sh and bench/soak.sh: writes the Drawbridge configuration both measure, the full path
# (bearer token of the peers' harness, issuer http://127.0.0.1:18080, audience drawbridge; catalog roles from a
# file catalog, where alice's team sre sits under platform and the policy asks for platform; proxy to the
# harness's upstream; audit to a local file outside the watched configuration folder, as an operator would put
# it, so that audit writes never wake hot reload).
#   write_gateway_config DIR PORT [EXTRA_YAML] [TLS_PREFIX]   (the audit file: DIR-audit/audit.jsonl)
# With TLS_PREFIX the listener terminates TLS with TLS_PREFIX-cert.pem and TLS_PREFIX-key.pem.
write_gateway_config() {
  local db=$1 port=$2 extra=${3:-} tls=${4:-}
  rm -rf "$db" "$db-audit"; mkdir -p "$db/routes" "$db/catalog" "$db-audit"
  cat > "$db/catalog/org.yaml" <<'YAML'
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform }
spec: { type: department, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: sre }
spec: { type: team, parent: platform, children: [], members: [alice] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: alice }
spec: { profile: { email: alice@example.com }, memberOf: [sre] }
YAML
  cat > "$db/drawbridge.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $port
  trustedProxies: [127.0.0.1]   # the row "forward": nginx on loopback asks /.drawbridge/auth-request
${tls:+  tls: { certificateFile: $tls-cert.pem, keyFile: $tls-key.pem \}}
issuers:
  - name: bench
    issuer: http://127.0.0.1:18080
    jwksFile: $WORK/jwks.json
    audiences: [drawbridge]
catalog:
  files: $db/catalog
  match: email
policies:
  sre:
    allow:
      - groups: [group:default/platform]   # only the catalog's parent group lets alice in: enrich is measured
audit:
  file: $db-audit/audit.jsonl
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
        - to: drawbridge:enrich
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
