#!/usr/bin/env bash
# Run by `npm start` and `npm test` (prestart, pretest) so both work on a fresh Debian/Ubuntu
# machine: installs redis-server (the embedded default and the tests need it) and the npm
# dependencies when the lockfile changed. Silent when there is nothing to do.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "bootstrap: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

# Commands needed, with the Debian package that provides each. `npm start` against an
# existing Redis (REDIS_URL) never runs redis-server; the tests always do, and the README
# walkthrough test drives the gateway with curl and jq.
needed=()
if ! { [ "${npm_lifecycle_event:-}" = "prestart" ] && [ -n "${REDIS_URL:-}" ]; }; then
  # setpriv: the embedded redis-server dies with the gateway (its parent-death signal).
  needed+=(redis-server:redis-server setpriv:util-linux)
fi
if [ "${npm_lifecycle_event:-}" = "pretest" ]; then
  needed+=(curl:curl jq:jq)
fi

missing=()
for pair in "${needed[@]}"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
# The Python gRPC client test: Debian's grpcio and protobuf (seen by /usr/bin/python3, not
# necessarily by another python3 on PATH), protoc and its gRPC Python plugin.
if [ "${npm_lifecycle_event:-}" = "pretest" ]; then
  /usr/bin/python3 -c 'import grpc, google.protobuf' >/dev/null 2>&1 || missing+=(python3-grpcio python3-protobuf)
  [ -x /usr/bin/protoc ] || missing+=(protobuf-compiler)
  [ -x /usr/bin/grpc_python_plugin ] || missing+=(protobuf-compiler-grpc)
  # The web console's browser tests drive Debian's headless Chromium (playwright-core downloads none).
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: missing ${missing[*]}, and apt-get is not available." >&2
    echo "Install them with your package manager (Redis 7: e.g. 'brew install redis', 'dnf install redis')" >&2
    echo "so that they are on PATH, or set REDIS_URL to use an existing Redis." >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]} with apt-get" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm records the installed tree in node_modules/.package-lock.json; an older one means the
# lockfile changed since the last install.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
