#!/usr/bin/env bash
# drawbridge diff over one million audit records: generates an audit log (12 routes, 400 subjects, allow and deny,
# catalog groups) and a changed configuration, then times `java -jar target/drawbridge.jar diff` once.
# RECORDS=... for another size. Needs target/drawbridge.jar (mvn -q package -DskipTests) and awk.
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${RECORDS:-1000000}
JAR=target/drawbridge.jar
[[ -f $JAR ]] || { echo "build first: mvn -q package -DskipTests" >&2; exit 2; }
work=$(mktemp -d)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$work"' EXIT
mkdir -p "$work/routes"
policies=""
for i in $(seq 1 12); do
  cat > "$work/routes/app$i.yaml" <<ROUTE
- route:
    id: app$i
    from:
      uri: gateway:/app$i
      steps:
        - to: drawbridge:authenticate
        - to: drawbridge:authorize?policy=app$i
        - to: drawbridge:proxy?upstream=http://127.0.0.1:9
ROUTE
  # the change: app1 admits team-7 too, app2 no longer lets anyone write
  extra=""; methods=""
  [[ $i == 1 ]] && extra=", team-7"
  [[ $i == 2 ]] && methods=$'\n        methods: [GET]'
  policies+="  app$i:
    deny:
      - paths: [/app$i/admin/**]
        groups: [contractors]
    allow:
      - groups: [team-$((i % 10))$extra, \"group:default/platform\"]$methods
"
done
cat > "$work/new.yaml" <<CONFIG
issuers:
  - name: corp
    issuer: https://login.example.com
    jwksUri: https://login.example.com/jwks
    audiences: [drawbridge]
policies:
$policies
routes:
  - file:$work/routes/*.yaml
CONFIG
echo "generating $RECORDS audit records..."
awk -v n="$RECORDS" 'BEGIN {
  srand(42);
  for (i = 0; i < n; i++) {
    r = 1 + int(rand() * 12); s = int(rand() * 400); team = s % 10;
    groups = "\"team-" team "\"" (s % 7 == 0 ? ",\"contractors\"" : "") (s % 50 == 0 ? ",\"group:default/platform\"" : "");
    method = (i % 5 == 0) ? "POST" : "GET";
    path = (i % 97 == 0) ? "/app" r "/admin/x" : "/app" r "/items/" (i % 1000);
    allowed = (team == r % 10 || s % 50 == 0) && !(i % 97 == 0 && s % 7 == 0);
    printf "{\"time\":\"2026-12-07T10:%02d:%02d.%03dZ\",\"requestId\":\"r%08d\",\"decision\":\"%s\",\"reason\":\"%s\",\"subject\":\"user%03d\",\"issuer\":\"corp\",\"groups\":[%s],\"route\":\"app%d\",\"policy\":\"app%d\",\"method\":\"%s\",\"path\":\"%s\",\"host\":\"portal.example.com\",\"status\":%d,\"clientIp\":\"10.0.0.%d\",\"upstream\":\"http://127.0.0.1:9\",\"durationMs\":3,\"bytesIn\":0,\"bytesOut\":512,\"userAgent\":\"Mozilla/5.0\",\"traceId\":\"%032d\",\"instance\":\"gateway-1\"}\n",
      (i / 60000) % 60, (i / 1000) % 60, i % 1000, i, allowed ? "allow" : "deny", allowed ? "rule-matched" : "group-missing",
      s, groups, r, r, method, path, allowed ? 200 : 403, s % 250, i;
  }
}' > "$work/audit.jsonl"
ls -l "$work/audit.jsonl" | awk '{ printf "audit log: %.0f MB\n", $5 / 1e6 }'
start=$(date +%s.%N)
set +e
java -jar "$JAR" diff --config "$work/new.yaml" --audit "$work/audit.jsonl"
status=$?
set -e
end=$(date +%s.%N)
echo "exit $status; diff took $(echo "$end - $start" | bc) s (JVM start included) on $(nproc) cores"
