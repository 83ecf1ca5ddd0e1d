#!/usr/bin/env bash
# Provides the headless Chromium that draws the CLI's `--format svg` and `--format html`
# pictures, and prints its path as the only line on stdout; every progress or error
# message goes to stderr, so callers can write
#   NETPATHS_CHROMIUM=$(bash scripts/chromium.sh)
#
# Where it comes from, first match wins (the CLI looks in the same places):
#   1. $NETPATHS_CHROMIUM, used as is when it is an executable file;
#   2. /usr/bin/chromium, then chromium, chromium-browser, google-chrome or
#      google-chrome-stable on PATH;
#   3. on Debian/Ubuntu, Debian's chromium package installed with apt-get (as root, or
#      through sudo when it needs no password), as scripts/kernel.sh installs the kernel.
# NETPATHS_SYSTEM_CHROMIUM replaces /usr/bin/chromium (the tests use it to play a machine
# without one).
set -euo pipefail

readonly SYSTEM_CHROMIUM=${NETPATHS_SYSTEM_CHROMIUM:-/usr/bin/chromium}
readonly PATH_NAMES=(chromium chromium-browser google-chrome google-chrome-stable)
readonly APT_PACKAGES=(chromium)

log() { printf 'chromium.sh: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

if [[ -n ${NETPATHS_CHROMIUM:-} ]]; then
  [[ -f $NETPATHS_CHROMIUM && -x $NETPATHS_CHROMIUM ]] ||
    die "NETPATHS_CHROMIUM=$NETPATHS_CHROMIUM is not an executable file"
  printf '%s\n' "$NETPATHS_CHROMIUM"
  exit 0
fi

find_chromium() {
  if [[ -x $SYSTEM_CHROMIUM ]]; then
    printf '%s\n' "$SYSTEM_CHROMIUM"
    return 0
  fi
  local name
  for name in "${PATH_NAMES[@]}"; do
    if command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
  done
  return 1
}

if find_chromium; then
  exit 0
fi

# shellcheck source=scripts/lib/root.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/root.sh"

install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${APT_PACKAGES[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  die "no Chromium here and no apt-get to install one. Install Chromium or Google Chrome, or set NETPATHS_CHROMIUM to its executable"
fi
if ! can_be_root; then
  die "no Chromium here. Install it with: sudo sh -c '$install_cmd'  (or set NETPATHS_CHROMIUM to a Chromium or Chrome executable)"
fi
# The package lists are refreshed only when apt does not know the package yet, so a
# machine whose lists are current (or that is offline) does not wait for them.
if ! apt-cache show "${APT_PACKAGES[0]}" >/dev/null 2>&1; then
  log "refreshing the apt package lists"
  as_root apt-get update >&2 || die "apt-get update failed; run it by hand and retry"
fi
log "installing ${APT_PACKAGES[*]} with apt-get for the SVG and HTML pictures (about 100 MB)"
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${APT_PACKAGES[@]}" >&2 ||
  die "apt-get install of ${APT_PACKAGES[*]} failed. Run: $install_cmd"
find_chromium || die "${APT_PACKAGES[*]} is installed but no Chromium executable was found at $SYSTEM_CHROMIUM or on PATH"
