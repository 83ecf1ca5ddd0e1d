#!/usr/bin/env bash
# The main job, from a fresh clone: build NetPaths, get a real Linux 6.12 tree, index it,
# and write annotated ingress and egress diagrams of e1000e and ixgbe (Mermaid, text, JSON,
# and SVG and HTML pictures where a headless Chromium is installed), plus the plain
# call paths from the NIC interrupt to tcp_v4_rcv and from tcp_sendmsg to the driver.
# Output goes to ./netpaths-out (or $1). By default the index covers what network paths
# touch (net/, drivers/net/, include/, kernel/, arch/x86/); NETPATHS_FULL=1 indexes the whole tree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=${1:-netpaths-out}
mkdir -p "$out"
[[ -d node_modules ]] || npm ci
npm run --silent build
kernel=$(bash scripts/kernel.sh)
scope=()
if [[ -z ${NETPATHS_FULL:-} ]]; then
  scope=(--scope 'net/**' --scope 'drivers/net/**' --scope 'drivers/hv/**' --scope 'drivers/virtio/**' --scope 'include/**' --scope 'kernel/**' --scope 'arch/x86/**')
fi
np() { node dist/cli.js "$@" --kernel "$kernel" "${scope[@]}"; }

echo "netpaths: indexing $kernel (the first run parses every file; later runs reuse the cache)" >&2
np index
for driver in e1000e ixgbe; do
  for dir in ingress egress; do
    np "$dir" --driver "$driver" --format mermaid >"$out/$driver-$dir.mmd"
    np "$dir" --driver "$driver" --format text >"$out/$driver-$dir.txt"
    np "$dir" --driver "$driver" --format json >"$out/$driver-$dir.json"
    { echo "# $driver $dir"; echo; echo '```mermaid'; cat "$out/$driver-$dir.mmd"; echo '```'; } >"$out/$driver-$dir.md"
  done
done
# Pictures too, where a headless Chromium can draw them (the CLI says in one line when not).
if np ingress --driver e1000e --format svg >"$out/e1000e-ingress.svg" 2>"$out/svg-error.txt"; then
  rm -f "$out/svg-error.txt"
  for driver in e1000e ixgbe; do
    for dir in ingress egress; do
      np "$dir" --driver "$driver" --format svg >"$out/$driver-$dir.svg"
      np "$dir" --driver "$driver" --format html >"$out/$driver-$dir.html"
    done
  done
else
  rm -f "$out/e1000e-ingress.svg"
  echo "netpaths: no SVG or HTML pictures: $(head -n 1 "$out/svg-error.txt")" >&2
  rm -f "$out/svg-error.txt"
fi
np path --from drivers/net/ethernet/intel/e1000e/netdev.c:e1000_intr_msi --to tcp_v4_rcv --format mermaid >"$out/e1000e-rx-call-path.mmd"
np path --from tcp_sendmsg --to ixgbe_xmit_frame --format mermaid >"$out/ixgbe-tx-call-path.mmd"
np drivers >"$out/drivers.txt"
echo "netpaths: wrote to $out/:" >&2
find "$out" -maxdepth 1 -type f | sort >&2
