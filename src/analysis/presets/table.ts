// The text table of `netpaths drivers`, for a terminal of 100 columns: the hardware drivers
// by family (Ethernet first: DRIVER_FAMILIES), then the virtual devices (device-kind.ts),
// each section in alphabetical order, one line per driver
// with what is missing wrapped under it, then the Ethernet figure. `--format json` has
// every field in full (the folder, the ring refill and TX completion functions).

import { type DriverSummary, countDrivers } from './summary';
import { DRIVER_FAMILIES, NET_DRIVERS_DIR } from '../index/kernel-layout';
import { ROUTES } from './routes';

/** The width every line fits in. */
export const TABLE_WIDTH = 100;

const HEADER = ['driver', 'ingress', 'egress', 'routes', 'irq', 'poll', 'xmit'] as const;
/** The widest each column may be; a longer cell is cut with an ellipsis. */
const MAX_WIDTHS = [16, 8, 8, 6, 20, 14, 16];

/** The routes column: how many of the routes the driver draws completely (JSON lists which). */
function routesCell(d: DriverSummary): string {
  return `${d.routes.length}/${ROUTES.length}`;
}

/** The first function of a list, with how many more: `e1000_intr_msi,+2`. */
function names(ids: readonly string[]): string {
  if (ids.length === 0) return '-';
  const first = ids[0] as string;
  const name = first.slice(first.lastIndexOf(':') + 1);
  return ids.length > 1 ? `${name},+${ids.length - 1}` : name;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/**
 * `text` in lines of at most `width` characters, broken between words: the first after
 * `indent`, the others after `hanging` (a word longer than a line is cut).
 */
export function wrap(text: string, width = TABLE_WIDTH, indent = '', hanging = indent): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const next = line ? `${line} ${word}` : `${lines.length === 0 ? indent : hanging}${word}`;
    if (next.length > width && line) {
      lines.push(line);
      line = cut(`${hanging}${word}`, width);
    } else {
      line = cut(next, width);
    }
  }
  if (line) lines.push(line);
  return lines;
}

const byName = (a: DriverSummary, b: DriverSummary): number => a.name.localeCompare(b.name, 'en');

/** The hardware drivers in their families' order, each family's drivers by name. */
function families(
  hardware: readonly DriverSummary[],
): { title: string; drivers: DriverSummary[] }[] {
  const family = (d: DriverSummary): number => {
    const i = DRIVER_FAMILIES.findIndex((f) => `${d.dir}/`.startsWith(f.dir));
    return i < 0 ? DRIVER_FAMILIES.length : i;
  };
  const titles = [...DRIVER_FAMILIES.map((f) => f.title), 'Other hardware'];
  return titles
    .map((title, i) => ({
      title,
      drivers: hardware.filter((d) => family(d) === i).sort(byName),
    }))
    .filter((f) => f.drivers.length > 0);
}

/** `y`, `n`, or `m` with its module when it is not named as the driver is: `m:e1000e`. */
function builtCell(d: DriverSummary): string {
  if (d.built === 'm' && d.module !== undefined && d.module !== d.name) return `m:${d.module}`;
  return d.built ?? '';
}

function section(title: string, list: readonly DriverSummary[]): string[] {
  // With a configuration, a column says what it builds of each driver.
  const built = list.some((d) => d.built !== undefined);
  const header: readonly string[] = built ? [...HEADER, 'built'] : HEADER;
  const rows = list.map((d) => [
    d.name,
    d.ingress,
    d.egress,
    routesCell(d),
    names(d.irq),
    names(d.poll),
    names(d.xmit),
    ...(built ? [builtCell(d)] : []),
  ]);
  const widths = header.map((h, i) =>
    Math.min(MAX_WIDTHS[i] ?? 20, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => cut(c, widths[i] ?? 0).padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [...title.split('\n').flatMap((t) => (t ? wrap(t) : [''])), line(header)];
  list.forEach((d, i) => {
    out.push(line(rows[i] ?? []));
    for (const why of d.why ? d.why.split('; ') : [])
      out.push(...wrap(why, TABLE_WIDTH, '    ', '      '));
  });
  return out;
}

export function formatDriverTable(list: readonly DriverSummary[]): string {
  const virtual = list.filter((d) => d.device === 'virtual');
  const hardware = list.filter((d) => d.device !== 'virtual');
  const eth = countDrivers(list);
  const all = countDrivers(list, NET_DRIVERS_DIR);
  const sections = [
    ...families(hardware).map((f, i) => ({
      title: `${i === 0 ? `Hardware drivers (${hardware.length}): an interrupt of their own or through a bus, or devices a bus finds for them.\n\n` : ''}${f.title} (${f.drivers.length})`,
      drivers: f.drivers,
    })),
    {
      title: `Virtual devices (${virtual.length}): no interrupt and no device from a bus; made by software (ip link add, their module).`,
      drivers: [...virtual].sort(byName),
    },
  ]
    .filter((s) => s.drivers.length > 0)
    .map((s) => section(s.title, s.drivers));
  return [
    ...sections.flatMap((lines) => [...lines, '']),
    ...wrap(
      `${eth.complete} of ${eth.total} Ethernet drivers (drivers/net/ethernet) have a complete ingress path, ${eth.partial} partial, ${eth.none} none.`,
    ),
    ...wrap(
      `${all.complete} of ${all.total} drivers under drivers/net have a complete ingress path.`,
    ),
    ...wrap(
      `Routes drawn completely, ingress and egress (netpaths routes; --format json lists each driver's): ${ROUTES.map((r) => `${r.id} ${list.filter((d) => d.routes.includes(r.id)).length}`).join(', ')} of ${list.length} drivers.`,
    ),
    '',
  ].join('\n');
}
