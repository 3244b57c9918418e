#!/usr/bin/env bash
# The peers Drawbridge is measured against, side by side in one run on one machine, loopback only. Every target
# gets the same request (GET /app with an RS256 bearer token), checks what it can (signature, iss, aud, exp, the
# group sre) and proxies to one nginx upstream. Correctness is checked before anything is timed: a target that lets
# a wrong request through is not worth timing.
#   TARGETS="direct nginx haproxy apache caddy lighttpd haproxy-tls"  ROUNDS=3  DURATION=10s  CONNS=32
#   WIDE_TARGETS="haproxy candidate"  WIDE_CONNS=256: the same rounds again at 256 connections (rows NAME@256)
#   CANDIDATE_URL=http://127.0.0.1:PORT/app CANDIDATE_PID=…  adds the row "candidate" (bench/run.sh starts
#   Drawbridge as it); CANDIDATE_TLS_URL=https://…/app CANDIDATE_TLS_PID=…  the row "candidate-tls"
#   WORK=dir (./work): keys, tokens, TLS certificate, rendered configurations, PID files and logs
# "haproxy-tls" is HAProxy terminating TLS itself (same checks, same upstream over plain HTTP).
# CPU per request: the user+system time of the target's processes (and their children, from /proc/PID/stat),
# measured over its timed rounds only and divided by the requests it answered in them; the shared upstream is not
# counted (except for "direct", which is the upstream). It compares what each target costs independently of how
# the cores were shared while they ran. "forward" counts nginx and Drawbridge together.
# Every process it starts is stopped by PID when it ends. The last lines are machine-readable:
#   result target=NAME rps=… p50_ms=… p99_ms=… cpu_us=… vs_haproxy=…
set -u
here=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-$here/work}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
TARGETS=${TARGETS:-"direct nginx haproxy apache caddy lighttpd haproxy-tls"}
WIDE_TARGETS=${WIDE_TARGETS-"haproxy candidate"}
WIDE_CONNS=${WIDE_CONNS:-256}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
[ -n "${CANDIDATE_URL:-}" ] && TARGETS="$TARGETS candidate"
[ -n "${CANDIDATE_TLS_URL:-}" ] && TARGETS="$TARGETS candidate-tls"
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
# The TLS rows' certificate for 127.0.0.1 (PEM; the key in PKCS#8; HAProxy takes both in one file).
[ -f "$WORK/tls-cert.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/tls-key.pem" \
  -out "$WORK/tls-cert.pem" -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 3650 2>/dev/null
cat "$WORK/tls-cert.pem" "$WORK/tls-key.pem" > "$WORK/tls.pem"
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
                [haproxy-tls]=https://127.0.0.1:18092/app
                [candidate]=${CANDIDATE_URL:-} [candidate-tls]=${CANDIDATE_TLS_URL:-} [forward]=${FORWARD_URL:-}
                [features]=${FEATURES_URL:-})
declare -A AUTHENTICATES=([direct]=no [nginx]=no [haproxy]=yes [apache]=yes [caddy]=no [lighttpd]=no
                          [haproxy-tls]=yes [candidate]=yes [candidate-tls]=yes [forward]=yes
                          [features]=yes)
declare -A STARTED=()
for target in $TARGETS $WIDE_TARGETS; do
  [ -n "${STARTED[$target]:-}" ] && continue
  STARTED[$target]=1
  case $target in
    nginx) render nginx-proxy.conf; nginx -c "$WORK/nginx-proxy.conf" -p "$WORK" -e "$WORK/nginx-proxy-error.log"
           await_port 18081 ;;
    haproxy|haproxy-tls) [ -f "$WORK/haproxy.pid" ] && continue
                         render haproxy.cfg; haproxy -D -f "$WORK/haproxy.cfg"; sleep 0.5 ;;
    apache) render apache.conf; chmod 755 "$WORK"; APACHE_RUN_DIR=$WORK apache2 -f "$WORK/apache.conf" -k start
            sleep 1 ;;
    caddy) render Caddyfile; caddy run --config "$WORK/Caddyfile" --adapter caddyfile >"$WORK/caddy.log" 2>&1 &
           background+=($!); caddy_pid=$!; sleep 1 ;;
    lighttpd) render lighttpd.conf; lighttpd -f "$WORK/lighttpd.conf"; sleep 0.5 ;;
  esac
done

declare -A CORRECT
status() { curl -sk -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }
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

# The processes whose CPU time is a target's cost: the roots here, and every descendant of them (workers).
roots() {
  case $1 in
    direct) cat "$WORK/upstream.pid" ;;
    nginx) cat "$WORK/nginx-proxy.pid" ;;
    haproxy|haproxy-tls) cat "$WORK/haproxy.pid" ;;
    apache) cat "$WORK/apache.pid" ;;
    caddy) echo "${caddy_pid:-}" ;;
    lighttpd) cat "$WORK/lighttpd.pid" ;;
    candidate) echo "${CANDIDATE_PID:-}" ;;
    candidate-tls) echo "${CANDIDATE_TLS_PID:-}" ;;
    features) echo "${FEATURES_PID:-}" ;;
    forward) cat "$WORK/nginx-forward.pid"; echo "${CANDIDATE_PID:-}" ;;
  esac 2>/dev/null
}
tree() { local p; for p in "$@"; do echo "$p"; tree $(ps -o pid= --ppid "$p" 2>/dev/null); done; }
# Clock ticks of user+system time (children that ended included) of a target's processes, now.
ticks() {
  local total=0 p
  for p in $(tree $(roots "$1")); do
    [ -r "/proc/$p/stat" ] || continue
    total=$(( total + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13 + $14 + $15}') ))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)

# Interleaved rounds: one wrk per target per round, so that a noisy moment hurts every target alike. A case is a
# target at CONNS connections, or NAME@WIDE_CONNS for the wide rows.
cases=$TARGETS
for target in $WIDE_TARGETS; do [ -n "${URL[$target]:-}" ] && cases="$cases $target@$WIDE_CONNS"; done
declare -A RPS P50 P99 TICKS REQUESTS
uptime | sed 's/^/load before: /'
for round in $(seq 1 "$ROUNDS"); do
  for case in $cases; do
    target=${case%@*}; conns=$CONNS; [ "$case" != "$target" ] && conns=${case#*@}
    [ "${CORRECT[$target]:-}" = yes ] || continue
    before=$(ticks "$target")
    out=$(wrk -t1 -c"$conns" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN_GOOD" "${URL[$target]}" 2>&1)
    used=$(( $(ticks "$target") - before ))
    rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
    p50=$(awk '$1=="50%"{print $2}' <<<"$out")
    p99=$(awk '$1=="99%"{print $2}' <<<"$out")
    requests=$(awk '/requests in/{print $1}' <<<"$out")
    non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
    RPS[$case]="${RPS[$case]:-} $rps"; P50[$case]="${P50[$case]:-} $p50"; P99[$case]="${P99[$case]:-} $p99"
    TICKS[$case]=$(( ${TICKS[$case]:-0} + used )); REQUESTS[$case]=$(( ${REQUESTS[$case]:-0} + ${requests:-0} ))
    echo "round $round $case rps=$rps p50=$p50 p99=$p99 cpu_ticks=$used ${non2xx:+non2xx=$non2xx}"
  done
done
uptime | sed 's/^/load after: /'

millis() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)}
                 else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.3f\n", v}'; }
sorted() { tr ' ' '\n' | sed '/^$/d' | sort -g; }
median() { sorted | awk '{a[NR]=$1} END{print (NR ? a[int((NR+1)/2)] : "nan")}'; }
cpu_us() { awk -v t="${TICKS[$1]:-0}" -v n="${REQUESTS[$1]:-0}" -v hz="$hz" 'BEGIN{ if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "nan" }'; }
printf '\n%-14s %-5s %10s %10s %10s %9s %9s %8s %8s %8s\n' target auth rps_median rps_min rps_max p50_ms p99_ms \
  cpu_us vs_hap cpu_vs_hap
results=()
for case in $cases; do
  target=${case%@*}
  # Each row is compared with HAProxy at the same connections and scheme (TLS rows with haproxy-tls).
  peer=haproxy; [[ $target == *-tls ]] && peer=haproxy-tls; [ "$case" != "$target" ] && peer="haproxy@${case#*@}"
  if [ "${CORRECT[$target]:-}" != yes ]; then
    printf '%-14s %-5s  failed its correctness checks: not timed\n' "$case" "${AUTHENTICATES[$target]}"
    results+=("result target=$case failed=correctness")
    continue
  fi
  rps=$(median <<<"${RPS[$case]}")
  low=$(sorted <<<"${RPS[$case]}" | head -1)
  high=$(sorted <<<"${RPS[$case]}" | tail -1)
  p50=$(for v in ${P50[$case]}; do millis <<<"$v"; done | median)
  p99=$(for v in ${P99[$case]}; do millis <<<"$v"; done | median)
  cpu=$(cpu_us "$case")
  peer_rps=$(median <<<"${RPS[$peer]:-}"); peer_cpu=$(cpu_us "$peer")
  ratio=-; cpu_ratio=-
  [ "$peer_rps" != nan ] && ratio=$(awk -v a="$rps" -v b="$peer_rps" 'BEGIN{printf "%.2f", a/b}')
  [ "$peer_cpu" != nan ] && [ "$cpu" != nan ] && cpu_ratio=$(awk -v a="$cpu" -v b="$peer_cpu" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "-" }')
  printf '%-14s %-5s %10s %10s %10s %9s %9s %8s %8s %8s\n' "$case" "${AUTHENTICATES[$target]}" "$rps" "$low" "$high" \
    "$p50" "$p99" "$cpu" "$ratio" "$cpu_ratio"
  results+=("result target=$case rps=$rps p50_ms=$p50 p99_ms=$p99 cpu_us=$cpu vs_haproxy=$ratio cpu_vs_haproxy=$cpu_ratio")
done
echo "(cpu_us: CPU time of the target's processes per request over its timed rounds; vs_hap, cpu_vs_hap: against HAProxy"
echo " at the same connections, TLS rows against haproxy-tls)"
echo
printf '%s\n' "${results[@]}"
