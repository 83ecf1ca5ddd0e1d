// The text table of `netpaths drivers`: one line per driver, then the Ethernet figure.

import { type DriverSummary, countDrivers } from './summary';
import { NET_DRIVERS_DIR } from '../index/kernel-layout';

function names(ids: readonly string[], max = 2): string {
  if (ids.length === 0) return '-';
  const shown = ids.slice(0, max).map((id) => id.slice(id.lastIndexOf(':') + 1));
  return ids.length > max ? `${shown.join(',')},+${ids.length - max}` : shown.join(',');
}

export function formatDriverTable(list: readonly DriverSummary[]): string {
  const header = ['driver', 'ingress', 'egress', 'irq', 'poll', 'xmit', 'refill', 'dir', 'why'];
  const rows = list.map((d) => [
    d.name,
    d.ingress,
    d.egress,
    names(d.irq),
    names(d.poll),
    names(d.xmit),
    names(d.refill),
    d.dir,
    d.why,
  ]);
  const widths = header.map((h, i) =>
    Math.min(i === 8 ? 0 : 40, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))),
  );
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const eth = countDrivers(list);
  const all = countDrivers(list, NET_DRIVERS_DIR);
  return [
    line(header),
    ...rows.map(line),
    '',
    `${eth.complete} of ${eth.total} Ethernet drivers (drivers/net/ethernet) have a complete ingress path, ${eth.partial} partial, ${eth.none} none.`,
    `${all.complete} of ${all.total} drivers under drivers/net have a complete ingress path.`,
    '',
  ].join('\n');
}
