#!/usr/bin/env bash
# Installs a real VS Code for the end-to-end tests and prints the path of its
# out/node/entry.js as the only line on stdout (messages go to stderr), so callers can write
#   NETPATHS_CODE_SERVER=$(bash scripts/setup-code-server.sh)
#
# The desktop VS Code that @vscode/test-electron downloads cannot be fetched on machines
# that reach only the npm registry and Debian's packages. code-server from npm can: it is
# VS Code 1.100 (workbench and extension host) served to a browser, which the tests drive
# with playwright-core in Debian's Chromium. Its own postinstall refuses to run as root and
# downloads ripgrep, so this script performs its steps by hand.
#
# The install lives outside the repository, in a cache folder keyed by version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/netpaths/code-server-<version>
# A marker file is written only after every step succeeded; a folder without it is
# removed and rebuilt, and a finished one makes later runs instant and offline.
set -euo pipefail

readonly CODE_SERVER_VERSION=4.100.3
# Node 20 needs these major versions: newer playwright-core works, but @vscode/vsce 4.x
# declares Node >= 22. They match the repository's own devDependencies.
readonly EXTRA_PACKAGES=(playwright-core@1.65.1 @vscode/vsce@3.9.2)
readonly NATIVE_MODULES=(kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid)
readonly MARKER=".netpaths-complete"

log() { printf 'setup-code-server.sh: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/netpaths"
dest="$cache_root/code-server-$CODE_SERVER_VERSION"
entry="$dest/node_modules/code-server/out/node/entry.js"

command -v node >/dev/null 2>&1 || die "node is not on PATH; install Node.js 20"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH; install it with Node.js 20"

# Native modules are built for one Node ABI; a cached install made under another Node
# would load its .node files and crash, so the ABI is part of what the marker records.
node_abi=$(node -p 'process.versions.modules')
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [[ $node_major != 20 ]]; then
  log "warning: code-server $CODE_SERVER_VERSION is built for Node 20; this is Node $(node --version)"
fi
marker_text="code-server $CODE_SERVER_VERSION node-abi $node_abi"

# Prints code-server's version line, or fails; the cheapest check that its modules load.
verify() {
  local out
  out=$(node "$entry" --version 2>&1) || {
    log "node $entry --version failed: $out"
    return 1
  }
  if [[ $out != *"$CODE_SERVER_VERSION"* ]]; then
    log "node $entry --version printed '$out', expected $CODE_SERVER_VERSION"
    return 1
  fi
  # The first run also logs that it wrote a default config file: show the version line.
  log "verified: $(grep -m1 -F "$CODE_SERVER_VERSION" <<<"$out")"
}

is_complete() {
  [[ -f "$dest/$MARKER" && -f $entry && $(cat "$dest/$MARKER") == "$marker_text" ]]
}

# Fast path: a finished install needs nothing but its check.
if is_complete && verify; then
  printf '%s\n' "$entry"
  exit 0
fi

# shellcheck source=scripts/lib/root.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/root.sh"

# System packages: Kerberos headers and pkg-config for the kerberos native module,
# ripgrep in place of the binary code-server would download, Chromium for the tests,
# and a C++ toolchain for node-gyp when the machine lacks one.
install_system_packages() {
  local wanted=(libkrb5-dev pkg-config ripgrep chromium) missing=() pkg
  command -v make >/dev/null 2>&1 || wanted+=(make)
  command -v g++ >/dev/null 2>&1 || wanted+=(g++)
  command -v python3 >/dev/null 2>&1 || wanted+=(python3)
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    for cmd in rg pkg-config chromium krb5-config make g++ python3; do
      command -v "$cmd" >/dev/null 2>&1 ||
        die "$cmd is missing and this is not a Debian/Ubuntu system: install ripgrep, pkg-config, chromium, the Kerberos (gssapi) development headers, make, g++ and python3"
    done
    return 0
  fi
  for pkg in "${wanted[@]}"; do
    package_installed "$pkg" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  local cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
  log "installing system packages: ${missing[*]}"
  as_root apt-get update >&2 || die "apt-get update failed (or no root and no password-less sudo). Run as root: $cmd"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2 ||
    die "installing ${missing[*]} failed. Run as root: $cmd"
}

install_system_packages
command -v rg >/dev/null 2>&1 || die "ripgrep's rg is not on PATH after installing ripgrep"
rg_path=$(command -v rg)

mkdir -p "$cache_root"
# Two runs at once would build into the same folder; the second waits and reuses.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/.code-server.lock"
  if ! flock -n 9; then
    log "another run is installing code-server; waiting for it"
    flock 9
  fi
  if is_complete && verify; then
    printf '%s\n' "$entry"
    exit 0
  fi
fi

if [[ -e $dest ]]; then
  log "removing $dest: it is incomplete or was built for another Node"
  rm -rf -- "$dest"
fi

# node-gyp downloads Node's headers unless told where they are; Node's own include/
# folder has them, which keeps the native builds offline. A nodedir already set in an
# npmrc is left alone.
if [[ -z ${npm_config_nodedir:-} && $(npm config get nodedir 2>/dev/null) != /* ]]; then
  node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  if [[ -f "$node_prefix/include/node/common.gypi" ]]; then
    export npm_config_nodedir=$node_prefix
  fi
fi
# node-pty's build script runs `npx node-gyp`, which must not stop to ask.
export npm_config_yes=true
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

step=""
on_error() {
  log "error: step '$step' failed (output above). $dest is left incomplete and will be rebuilt on the next run; if a native module failed, check that libkrb5-dev, pkg-config, make, g++ and python3 are installed"
}
trap on_error ERR

started=$SECONDS
log "installing code-server $CODE_SERVER_VERSION into $dest (about 3 minutes, 300 MB)"
mkdir -p "$dest"
cd "$dest"
# Its own npm project, so nothing is looked up in (or written to) a parent folder.
printf '{\n  "name": "netpaths-code-server",\n  "private": true\n}\n' >package.json

step="npm install code-server (scripts off)"
log "$step"
npm install --ignore-scripts "code-server@$CODE_SERVER_VERSION" "${EXTRA_PACKAGES[@]}" >&2

step="npm rebuild argon2"
log "$step"
npm rebuild argon2 >&2

vscode="$dest/node_modules/code-server/lib/vscode"
[[ -d $vscode ]] || die "code-server $CODE_SERVER_VERSION has no lib/vscode folder; its package layout changed"

step="VS Code dependencies (lib/vscode)"
log "$step"
(cd "$vscode" && npm install --omit=dev --ignore-scripts >&2)

step="ripgrep from $rg_path"
log "$step"
mkdir -p "$vscode/node_modules/@vscode/ripgrep/bin"
cp "$rg_path" "$vscode/node_modules/@vscode/ripgrep/bin/rg"

step="native modules: ${NATIVE_MODULES[*]}"
log "$step"
(cd "$vscode" && npm rebuild "${NATIVE_MODULES[@]}" >&2)

step="links its postinstall would make"
log "$step"
ln -sfn node_modules "$vscode/node_modules.asar"
ln -sfn code-linux.sh "$vscode/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$vscode/bin/helpers/browser.sh"

step="built-in extensions (lib/vscode/extensions)"
log "$step"
(cd "$vscode/extensions" && npm install --omit=dev --ignore-scripts >&2)

step="check with --version"
verify
trap - ERR

printf '%s\n' "$marker_text" >"$dest/$MARKER"
log "code-server ready in $((SECONDS - started)) s"
printf '%s\n' "$entry"
