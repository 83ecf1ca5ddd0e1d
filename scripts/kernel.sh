#!/usr/bin/env bash
# Provides a Linux 6.12 source tree and prints its absolute path as the only line on
# stdout; every progress or error message goes to stderr, so callers can write
#   NETPATHS_KERNEL=$(bash scripts/kernel.sh)
#
# Where the tree comes from, first match wins:
#   1. --kernel DIR, or $NETPATHS_KERNEL, used as is after a sanity check;
#   2. the cache folder ${XDG_CACHE_HOME:-$HOME/.cache}/netpaths/kernel/linux-source-6.12,
#      when a previous run finished extracting it (it holds a marker file);
#   3. /usr/src/linux-source-6.12.tar.xz (Debian's linux-source-6.12 package),
#      extracted into that cache folder;
#   4. on Debian/Ubuntu, that package installed with apt-get (as root, or through
#      sudo when it needs no password), then step 3.
# --version V asks for another release the same way (steps 2 to 4, with V for 6.12), as
# the knowledge check does for Debian's 6.1 (scripts/knowledge-check.mjs); it ignores
# $NETPATHS_KERNEL, which names the 6.12 tree.
set -euo pipefail

VERSION=6.12

log() { printf 'kernel.sh: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  cat >&2 <<EOF
Usage: bash scripts/kernel.sh [--kernel DIR | --version V]

Prints the absolute path of a Linux ${VERSION} source tree on stdout.
  --kernel DIR   use this tree (also: NETPATHS_KERNEL=DIR)
  --version V    another release, from /usr/src/linux-source-V.tar.xz (e.g. 6.1)
Otherwise the tree is extracted once from /usr/src/linux-source-${VERSION}.tar.xz into
\${XDG_CACHE_HOME:-\$HOME/.cache}/netpaths/kernel/linux-source-${VERSION}.
EOF
}

# A tree counts as a kernel checkout by NetPaths' one rule (src/analysis/index/kernel-tree.json,
# checked by scripts/kernel-tree.mjs); this catches a wrong folder (or a path to a file)
# before a long index run does. With --why, what is missing goes to stderr.
readonly TREE_CHECK="$(dirname "${BASH_SOURCE[0]}")/kernel-tree.mjs"
looks_like_kernel() {
  if [[ ${2:-} == --why ]]; then
    node "$TREE_CHECK" "$1"
  else
    node "$TREE_CHECK" "$1" 2>/dev/null
  fi
}
command -v node >/dev/null 2>&1 || die "node is needed (Node.js 20, as the README says)"

explicit=""
other_version=""
explicit_from=""
while (($#)); do
  case $1 in
    --kernel)
      (($# >= 2)) || die "--kernel needs a directory argument"
      explicit=$2
      explicit_from="--kernel"
      shift 2
      ;;
    --kernel=*)
      explicit=${1#--kernel=}
      explicit_from="--kernel"
      shift
      ;;
    --version)
      (($# >= 2)) || die "--version needs a release such as 6.1"
      [[ $2 =~ ^[0-9]+\.[0-9]+$ ]] || die "--version $2 is not a release such as 6.1"
      VERSION=$2
      other_version=1
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage
      die "unknown argument: $1"
      ;;
  esac
done
readonly VERSION
readonly NAME="linux-source-${VERSION}"
readonly TARBALL="/usr/src/${NAME}.tar.xz"
readonly MARKER=".netpaths-extracted"
readonly APT_PACKAGES=("${NAME}" xz-utils)

if [[ -z $explicit && -z $other_version && -n ${NETPATHS_KERNEL:-} ]]; then
  explicit=$NETPATHS_KERNEL
  explicit_from="NETPATHS_KERNEL"
fi

if [[ -n $explicit ]]; then
  if ! looks_like_kernel "$explicit" --why; then
    die "$explicit_from=$explicit is not a kernel source tree (see above)"
  fi
  (cd -- "$explicit" && pwd -P)
  exit 0
fi

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/netpaths/kernel"
dest="$cache_root/$NAME"

# Fast path without taking the lock: a finished extraction never changes again.
if [[ -f "$dest/$MARKER" ]] && looks_like_kernel "$dest"; then
  printf '%s\n' "$dest"
  exit 0
fi

mkdir -p "$cache_root"
cache_root=$(cd -- "$cache_root" && pwd -P)
dest="$cache_root/$NAME"

# Two runs at once (CI and an editor task, say) would otherwise both extract 1.3 GB
# into the same place; the second waits for the first and then reuses its tree.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/.lock"
  if ! flock -n 9; then
    log "another run is preparing the kernel tree; waiting for it"
    flock 9
  fi
fi

if [[ -f "$dest/$MARKER" ]] && looks_like_kernel "$dest"; then
  printf '%s\n' "$dest"
  exit 0
fi

# shellcheck source=scripts/lib/root.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/root.sh"

install_package() {
  if ! command -v apt-get >/dev/null 2>&1; then
    die "no $TARBALL and no apt-get here. Get a Linux $VERSION source tree (for example your distribution's linux-source-$VERSION package, or an extracted kernel.org linux-$VERSION tarball) and pass it with --kernel DIR or NETPATHS_KERNEL=DIR"
  fi
  local install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${APT_PACKAGES[*]}"
  if ! can_be_root; then
    die "$TARBALL is missing. Install it with: sudo sh -c '$install_cmd'  (or pass --kernel DIR / NETPATHS_KERNEL=DIR)"
  fi
  # The package lists are refreshed only when apt does not know the package yet, so
  # a machine whose lists are current (or that is offline) does not wait for them.
  if ! apt-cache show "$NAME" >/dev/null 2>&1; then
    log "refreshing the apt package lists"
    as_root apt-get update >&2 || die "apt-get update failed; run it by hand and retry"
  fi
  log "installing ${APT_PACKAGES[*]} with apt-get (about 150 MB)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${APT_PACKAGES[@]}" >&2 ||
    die "apt-get install of ${APT_PACKAGES[*]} failed. Run: $install_cmd"
  [[ -f $TARBALL ]] || die "$NAME is installed but $TARBALL is missing; reinstall it with: apt-get install --reinstall $NAME"
}

if [[ ! -f $TARBALL ]]; then
  install_package
fi
command -v xz >/dev/null 2>&1 || die "xz is needed to unpack $TARBALL. Install it with: apt-get install xz-utils"

# An earlier run that was interrupted leaves either a temporary folder or (from before
# the marker existed) a tree without its marker; neither can be trusted, so both go.
# The lock above makes sure no other run is still writing them.
for stale in "$cache_root"/.extract.*; do
  [[ -e $stale ]] || continue
  log "removing $stale left by an interrupted run"
  rm -rf -- "$stale"
done
if [[ -e $dest ]]; then
  log "removing $dest: it has no $MARKER, so its extraction never finished"
  rm -rf -- "$dest"
fi

# The tree is unpacked beside its final place and renamed only once it is whole, so
# an interruption can never leave a folder that looks complete.
tmp=$(mktemp -d "$cache_root/.extract.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
log "extracting $TARBALL into $dest (about 20 s, 1.7 GB)"
tar -xJf "$TARBALL" -C "$tmp" --no-same-owner ||
  die "extracting $TARBALL failed (disk full?). Free some space under $cache_root and retry"
if ! looks_like_kernel "$tmp/$NAME" --why; then
  die "$TARBALL did not contain a $NAME/ kernel tree; reinstall it with: apt-get install --reinstall $NAME"
fi
printf 'extracted from %s (%s bytes) on %s\n' "$TARBALL" "$(stat -c %s "$TARBALL")" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$tmp/$NAME/$MARKER"
mv -- "$tmp/$NAME" "$dest"
log "kernel tree ready"
printf '%s\n' "$dest"
