#!/usr/bin/env bash
# Installs what the integration tests run besides Java, Maven, node and git, so that `mvn verify` works on a fresh
# Debian machine. Maven runs it before the integration tests (the pom's `test-tools` execution; skipped with
# -Dit.skip or -Ddrawbridge.setup.skip). It installs only what is missing, from Debian's packages:
#   chromium, chromium-driver  headless browser tests (Hawtio, single sign-on through Keycloak), driven through
#                              Debian's chromedriver so that no tool downloads a browser of its own
#   g++, make, python3         node-gyp compiles better-sqlite3 for the Backstage fixture (no prebuilt binaries)
#   curl, unzip                the Keycloak fixture's start script
#   nginx, caddy, haproxy      the fronts the forward-authentication tests put before the gateway (NginxFrontIT,
#                              CaddyFrontIT, HaproxyFrontIT) and bench/run.sh's nginx auth_request row
#   postgresql                 the access store's tests on a real PostgreSQL (JdbcAccessStorePostgresIT,
#                              AccessReplicasIT), a throwaway cluster per test (src/test/fixtures/postgres)
# As root it runs apt-get; otherwise through `sudo -n` when that needs no password. When it can do neither, it
# names what to install and fails: a test that cannot run must never pass in silence.
set -euo pipefail

declare -A package_of=([chromium]=chromium [chromedriver]=chromium-driver [g++]=g++ [make]=make [python3]=python3
                       [curl]=curl [unzip]=unzip [nginx]=nginx [caddy]=caddy [haproxy]=haproxy)
missing=()
for tool in chromium chromedriver g++ make python3 curl unzip nginx caddy haproxy; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
done
# Debian keeps PostgreSQL's server programs off PATH, under /usr/lib/postgresql/<major>/bin
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && { echo "test tools: all present"; exit 0; }

if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "test tools: missing ${missing[*]}. Install them, then run the tests again:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "test tools: missing ${missing[*]}, and this machine has no apt-get: install them by hand" >&2
  exit 1
fi
echo "test tools: installing ${missing[*]} from Debian's packages"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "test tools: installed ${missing[*]}"
