#!/usr/bin/env bash
# The peers Drawbridge is measured against, side by side in one run on one machine, loopback only. Every target
# gets the same request (GET /app with an RS256 bearer token), checks what it can (signature, iss, aud, exp, the
# group sre) and proxies to one nginx upstream. Correctness is checked before anything is timed: a target that lets
# a wrong request through is not worth timing.
#   TARGETS="direct nginx haproxy apache caddy lighttpd"  ROUNDS=3  DURATION=10s  CONNS=32
#   CANDIDATE_URL=http://127.0.0.1:PORT/app  adds the row "candidate" (bench/run.sh starts Drawbridge as it)
#   WORK=dir (./work): keys, tokens, rendered configurations, PID files and logs
# Every process it starts is stopped by PID when it ends. The last lines are machine-readable:
#   result target=NAME rps=… p50_ms=… p99_ms=… vs_haproxy=…
set -u
here=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-$here/work}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
TARGETS=${TARGETS:-"direct nginx haproxy apache caddy lighttpd"}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
[ -n "${CANDIDATE_URL:-}" ] && TARGETS="$TARGETS candidate"
[ -n "${FORWARD_URL:-}" ] && TARGETS="$TARGETS forward"
[ -n "${FEATURES_URL:-}" ] && TARGETS="$TARGETS features"   # bench/features-row.sh
for tool in wrk nginx haproxy apache2 caddy lighttpd node curl openssl; do
  command -v "$tool" >/dev/null || {
    echo "missing $tool: apt-get install -y wrk nginx haproxy apache2 libapache2-mod-auth-openidc caddy lighttpd"
    exit 2
  }
done

node "$here/tokens.js" "$WORK" || exit 2
. "$WORK/tokens.env"
# mod_auth_openidc takes the verification key as a certificate.
[ -f "$WORK/cert.pem" ] || openssl req -x509 -key "$WORK/private.pem" -subj /CN=bench -days 3650 \
  -out "$WORK/cert.pem" 2>/dev/null
render() { sed "s#@WORK@#$WORK#g" "$here/conf/$1" >"$WORK/$1"; }
background=()
stop_all() {
  for p in "${background[@]}"; do kill "$p" 2>/dev/null; done
  for f in "$WORK"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; rm -f "$f"; done
}
trap stop_all EXIT
await_port() {
  for _ in $(seq 1 50); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" && return 0; sleep 0.2; done
  echo "port $1 did not open"
  return 1
}

render upstream-nginx.conf
nginx -c "$WORK/upstream-nginx.conf" -p "$WORK" -e "$WORK/upstream-error.log" || exit 2
await_port 18080 || exit 2
declare -A URL=([direct]=http://127.0.0.1:18080/app [nginx]=http://127.0.0.1:18081/app
                [haproxy]=http://127.0.0.1:18082/app [apache]=http://127.0.0.1:18083/app
                [caddy]=http://127.0.0.1:18084/app [lighttpd]=http://127.0.0.1:18085/app
                [candidate]=${CANDIDATE_URL:-} [forward]=${FORWARD_URL:-} [features]=${FEATURES_URL:-})
declare -A AUTHENTICATES=([direct]=no [nginx]=no [haproxy]=yes [apache]=yes [caddy]=no [lighttpd]=no
                          [candidate]=yes [forward]=yes [features]=yes)
for target in $TARGETS; do
  case $target in
    nginx) render nginx-proxy.conf; nginx -c "$WORK/nginx-proxy.conf" -p "$WORK" -e "$WORK/nginx-proxy-error.log"
           await_port 18081 ;;
    haproxy) render haproxy.cfg; haproxy -D -f "$WORK/haproxy.cfg"; sleep 0.5 ;;
    apache) render apache.conf; chmod 755 "$WORK"; APACHE_RUN_DIR=$WORK apache2 -f "$WORK/apache.conf" -k start
            sleep 1 ;;
    caddy) render Caddyfile; caddy run --config "$WORK/Caddyfile" --adapter caddyfile >"$WORK/caddy.log" 2>&1 &
           background+=($!); sleep 1 ;;
    lighttpd) render lighttpd.conf; lighttpd -f "$WORK/lighttpd.conf"; sleep 0.5 ;;
  esac
done

declare -A CORRECT
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }
expect() { # target case got want...
  local target=$1 name=$2 got=$3; shift 3
  echo "check $target $name -> $got (want $*)"
  for want in "$@"; do [ "$got" = "$want" ] && return 0; done
  CORRECT[$target]=no
}
for target in $TARGETS; do
  url=${URL[$target]}
  CORRECT[$target]=yes
  expect "$target" valid-token "$(status -H "Authorization: Bearer $TOKEN_GOOD" "$url")" 200
  if [ "${AUTHENTICATES[$target]}" = yes ]; then
    expect "$target" wrong-group "$(status -H "Authorization: Bearer $TOKEN_WRONG_GROUP" "$url")" 403 401
    expect "$target" no-token "$(status "$url")" 401
    expect "$target" expired "$(status -H "Authorization: Bearer $TOKEN_EXPIRED" "$url")" 401
    expect "$target" tampered "$(status -H "Authorization: Bearer $TOKEN_TAMPERED" "$url")" 401 403
  fi
done

# Interleaved rounds: one wrk per target per round, so that a noisy moment hurts every target alike.
declare -A RPS P50 P99
uptime | sed 's/^/load before: /'
for round in $(seq 1 "$ROUNDS"); do
  for target in $TARGETS; do
    [ "${CORRECT[$target]}" = yes ] || continue
    out=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN_GOOD" "${URL[$target]}" 2>&1)
    rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
    p50=$(awk '$1=="50%"{print $2}' <<<"$out")
    p99=$(awk '$1=="99%"{print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
    RPS[$target]="${RPS[$target]:-} $rps"; P50[$target]="${P50[$target]:-} $p50"; P99[$target]="${P99[$target]:-} $p99"
    echo "round $round $target rps=$rps p50=$p50 p99=$p99 ${non2xx:+non2xx=$non2xx}"
  done
done
uptime | sed 's/^/load after: /'

millis() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)}
                 else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.3f\n", v}'; }
sorted() { tr ' ' '\n' | sed '/^$/d' | sort -g; }
median() { sorted | awk '{a[NR]=$1} END{print (NR ? a[int((NR+1)/2)] : "nan")}'; }
printf '\n%-10s %-5s %10s %10s %10s %9s %9s %8s\n' target auth rps_median rps_min rps_max p50_ms p99_ms vs_haproxy
haproxy_rps=$(median <<<"${RPS[haproxy]:-}")
results=()
for target in $TARGETS; do
  if [ "${CORRECT[$target]}" != yes ]; then
    printf '%-10s %-5s  failed its correctness checks: not timed\n' "$target" "${AUTHENTICATES[$target]}"
    results+=("result target=$target failed=correctness")
    continue
  fi
  rps=$(median <<<"${RPS[$target]}")
  low=$(sorted <<<"${RPS[$target]}" | head -1)
  high=$(sorted <<<"${RPS[$target]}" | tail -1)
  p50=$(for v in ${P50[$target]}; do millis <<<"$v"; done | median)
  p99=$(for v in ${P99[$target]}; do millis <<<"$v"; done | median)
  ratio=-
  [ -n "$haproxy_rps" ] && [ "$haproxy_rps" != nan ] && ratio=$(awk -v a="$rps" -v b="$haproxy_rps" 'BEGIN{printf "%.2f", a/b}')
  printf '%-10s %-5s %10s %10s %10s %9s %9s %8s\n' "$target" "${AUTHENTICATES[$target]}" "$rps" "$low" "$high" \
    "$p50" "$p99" "$ratio"
  results+=("result target=$target rps=$rps p50_ms=$p50 p99_ms=$p99 vs_haproxy=$ratio")
done
echo
printf '%s\n' "${results[@]}"
