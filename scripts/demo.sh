#!/usr/bin/env bash
# The main job, from a fresh clone: build NetPaths, get a real Linux 6.12 tree and a
# headless Chromium, index the tree, and write annotated ingress and egress diagrams of
# e1000e and ixgbe (Mermaid, text, JSON, SVG pictures and HTML pages), plus the plain call
# paths from the NIC interrupt to tcp_v4_rcv and from tcp_sendmsg to the driver.
# Output goes to ./netpaths-out (or $1). The index covers the CLI's default scope, what
# network paths touch (net/, drivers/net/, include/, kernel/, arch/x86/, ...), so a
# `netpaths` command run afterwards on the same tree reuses it; NETPATHS_FULL=1 indexes
# the whole tree (which later commands reuse too).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=${1:-netpaths-out}
mkdir -p "$out"
[[ -d node_modules ]] || npm ci
npm run --silent build
kernel=$(bash scripts/kernel.sh)
# The pictures need a headless Chromium: installed like the kernel source when missing.
# Without one (no root, no apt-get) the rest is still written, chromium.sh says why, and
# the demo fails at the end.
chromium=$(bash scripts/chromium.sh) || chromium=""
if [[ -n $chromium ]]; then
  export NETPATHS_CHROMIUM=$chromium
fi
scope=()
if [[ -n ${NETPATHS_FULL:-} ]]; then
  scope=(--scope '**')
fi
np() { node dist/cli.js "$@" --kernel "$kernel" "${scope[@]}"; }

np index
for driver in e1000e ixgbe; do
  for dir in ingress egress; do
    np "$dir" --driver "$driver" --format mermaid >"$out/$driver-$dir.mmd"
    np "$dir" --driver "$driver" --format text >"$out/$driver-$dir.txt"
    np "$dir" --driver "$driver" --format json >"$out/$driver-$dir.json"
    { echo "# $driver $dir"; echo; echo '```mermaid'; cat "$out/$driver-$dir.mmd"; echo '```'; } >"$out/$driver-$dir.md"
  done
done
if [[ -n $chromium ]]; then
  for driver in e1000e ixgbe; do
    for dir in ingress egress; do
      np "$dir" --driver "$driver" --format svg >"$out/$driver-$dir.svg"
      np "$dir" --driver "$driver" --format html >"$out/$driver-$dir.html"
    done
  done
fi
np path --from drivers/net/ethernet/intel/e1000e/netdev.c:e1000_intr_msi --to tcp_v4_rcv --format mermaid >"$out/e1000e-rx-call-path.mmd"
np path --from tcp_sendmsg --to ixgbe_xmit_frame --format mermaid >"$out/ixgbe-tx-call-path.mmd"
np drivers >"$out/drivers.txt"
echo "netpaths: wrote to $out/:" >&2
find "$out" -maxdepth 1 -type f | sort >&2
if [[ -z $chromium ]]; then
  echo "netpaths: no SVG or HTML pictures: no Chromium to draw them (chromium.sh said why above)" >&2
  exit 1
fi
