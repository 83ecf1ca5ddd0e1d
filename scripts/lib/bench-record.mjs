// `npm run bench -- --record`: one row per run in the history table of
// docs/performance.md, between its markers, so that the figures the README quotes can be
// traced to a run and compared with the runs before it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BEGIN = '<!-- bench-history:begin -->';
const END = '<!-- bench-history:end -->';

/** "6.12.118" from the tree's top Makefile, or "?" when it cannot be read. */
export function kernelVersion(kernel) {
  try {
    const text = readFileSync(join(kernel, 'Makefile'), 'utf8').slice(0, 4096);
    const field = (name) => new RegExp(`^${name}\\s*=\\s*(\\S*)`, 'm').exec(text)?.[1] ?? '';
    const version = [field('VERSION'), field('PATCHLEVEL'), field('SUBLEVEL')].filter(Boolean);
    return version.length > 0 ? version.join('.') : '?';
  } catch {
    return '?';
  }
}

const seconds = (s) =>
  s?.ok && s.seconds !== undefined ? `${s.seconds.toFixed(s.seconds < 10 ? 2 : 1)} s` : '-';
const gib = (s) => (s?.ok && s.peakMiB != null ? `${(s.peakMiB / 1024).toFixed(2)} GB` : '-');
const times = (v) => (v === null || v === undefined ? '-' : `${v.toFixed(2)}x`);

/**
 * Appends a row for this run to the history table of `file`. The table's columns are
 * written in docs/performance.md; a file without the markers is an error in one line.
 */
export function recordRun(file, run) {
  const text = readFileSync(file, 'utf8');
  const end = text.indexOf(END);
  if (text.indexOf(BEGIN) < 0 || end < 0) {
    throw new Error(`${file} has no ${BEGIN} ... ${END} table to add the run to`);
  }
  const { steps, ratios } = run;
  const row = [
    run.date.slice(0, 10),
    run.machine,
    run.kernelVersion,
    run.scope.length > 0 ? run.scope.join(' ') : 'whole tree',
    String(run.files),
    seconds(steps.ctags),
    seconds(steps.cscope),
    `${seconds(steps.cold)} (${times(ratios.coldVsCscopeTime)} cscope)`,
    gib(steps.cold),
    seconds(steps.warm),
    seconds(steps.callers),
    seconds(steps.path),
  ];
  const line = `| ${row.join(' | ')} |\n`;
  writeFileSync(file, text.slice(0, end) + line + text.slice(end));
}
