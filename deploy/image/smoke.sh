#!/usr/bin/env bash
# Runs the image without a container engine: unpacks target/drawbridge-image.tar's layers into a root
# filesystem, then starts its entrypoint there (as the image's user, in its working directory, with a /proc of its own)
# in dev mode on free loopback ports, and checks it answers: readiness on the management port, a public route,
# 401 on a protected one. Needs root (unshare --root). Stops what it started by PID.
# usage: smoke.sh [TARGET]
set -euo pipefail
target=${1:-target}
tar=$target/drawbridge-image.tar
rootfs=$(mktemp -d "${TMPDIR:-/tmp}/drawbridge-rootfs.XXXXXX")
unpacked=$(mktemp -d "${TMPDIR:-/tmp}/drawbridge-image.XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then
    # unshare waits for its child and does not pass SIGTERM on: stop the gateway itself, as a runtime would.
    gateway=$(pgrep -P "$pid" || true)
    [ -n "$gateway" ] && kill -TERM "$gateway" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$rootfs" "$unpacked"
}
trap cleanup EXIT

chmod 755 "$rootfs"   # it becomes the image's / (mktemp makes it 700)
tar -xf "$tar" -C "$unpacked" 2>/dev/null
config=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Config"])' "$unpacked/manifest.json")
for layer in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$unpacked/manifest.json"); do
  tar -xzf "$unpacked/$layer" -C "$rootfs" 2>/dev/null
done
read -r user workdir entrypoint < <(python3 -c '
import json,sys
c=json.load(open(sys.argv[1]))["config"]
print(c["User"], c["WorkingDir"], " ".join(c["Entrypoint"]))' "$unpacked/$config")
echo "image: user $user, working directory $workdir, entrypoint $entrypoint"
[ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ] || { echo "smoke: the image runs as root" >&2; exit 1; }
for file in opt/java/bin/java opt/java/lib/security/cacerts app/drawbridge.jar lib64/ld-linux-x86-64.so.2 etc/passwd; do
  [ -f "$rootfs/$file" ] || { echo "smoke: the image has no /$file" >&2; exit 1; }
done
[ "$entrypoint" = "/opt/java/bin/java -Djava.awt.headless=true -jar /app/drawbridge.jar" ] \
  || { echo "smoke: unexpected entrypoint $entrypoint" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
management=$(free_port)
mkdir -p "$rootfs/proc"
start=$(date +%s%N)
# As a container runtime would: the image's root, user and working directory, a /proc of its own, an empty
# environment; the loopback network is shared so the checks below reach it.
env -i DRAWBRIDGE_DEV_PORT="$port" DRAWBRIDGE_DEV_MANAGEMENT_PORT="$management" \
  unshare --fork --pid --kill-child --mount-proc=/proc --root="$rootfs" --wd="$workdir" \
    --setuid "${user%%:*}" --setgid "${user##*:}" $entrypoint --dev > "$unpacked/gateway.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$management/health/ready" || true)
  [ "$code" = 200 ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$unpacked/gateway.log"; echo "smoke: the gateway exited" >&2; exit 1; }
  sleep 0.5
done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$code" = 200 ] || { cat "$unpacked/gateway.log"; echo "smoke: not ready" >&2; exit 1; }
public=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/public/hello")
protected=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/echo/")
echo "smoke: ready in ${ready_ms} ms; /public/hello $public, /echo/ without a token $protected"
[ "$public" = 200 ] && [ "$protected" = 401 ]
