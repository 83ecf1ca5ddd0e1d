// Hover latency, the part that is NetPaths' own: what the hover provider computes for a
// position (surrounding lines, the target, the Markdown), on every `skb->` member access
// and skb buffer operation in net/core/dev.c of a real tree, with skbuff.h parsed once as
// the provider caches it. VS Code's hover delay and IPC come on top. Run with tsx by
// scripts/bench-extension.mjs; prints one JSON object.
//
//   node --import tsx scripts/bench-hover.ts KERNEL_DIR

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hoverAt, readSkbuffDoc, surroundingLines } from '../src/analysis/knowledge';

const kernel = process.argv[2];
if (!kernel) {
  process.stderr.write('usage: node --import tsx scripts/bench-hover.ts KERNEL_DIR\n');
  process.exit(2);
}
const file = 'net/core/dev.c';
const lines = readFileSync(join(kernel, file), 'utf8').split('\n');
const parseStart = performance.now();
const doc = readSkbuffDoc(readFileSync(join(kernel, 'include/linux/skbuff.h'), 'utf8'));
const headerMs = performance.now() - parseStart;

const times: number[] = [];
let shown = 0;
const target = /\bskb->(\w+)|\b(__)?skb_(?:pull|push|put|reserve|trim)\b/g;
for (let i = 0; i < lines.length; i++) {
  const line = lines[i] ?? '';
  for (const m of line.matchAll(target)) {
    // On the member name, or on the operation's name.
    const column = (m.index ?? 0) + (m[1] !== undefined ? 5 : 1);
    const t = performance.now();
    const around = surroundingLines((k) => lines[k] ?? '', lines.length, i);
    const result = hoverAt(line, column, {
      ...around,
      doc,
      file,
      linkTo: (f, l) => `file:///${f}#L${l}`,
    });
    times.push(performance.now() - t);
    if (result) shown++;
  }
}
times.sort((a, b) => a - b);
const pick = (q: number): number =>
  times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({ file, positions: times.length, shown, headerMs, medianMs: pick(0.5), p95Ms: pick(0.95), maxMs: pick(1) })}\n`,
);
