// The extension's part of `npm run bench`: the latencies a user of the VS Code extension
// waits for. Two sources, both printed with where they come from:
//
// 1. The analysis server (dist/server.js, the process the extension forks), driven over
//    its IPC protocol exactly as src/server/client.ts drives it, on the index the bench
//    just built: loading the index, the driver list of the side bar, the ingress graph of
//    e1000e (first and repeated), the driver of a file and the function at a line.
// 2. The hover provider's own work on every skb member access and skb operation of
//    net/core/dev.c (scripts/bench-hover.ts): VS Code's hover delay and IPC come on top.
// 3. The last end-to-end run in a real VS Code (`npm run test:e2e` writes
//    test-results/e2e/timings.json): command to a drawn graph, click to the editor, hover.
//    These include the browser, Mermaid's layout and VS Code's own hover delay.
import { fork, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

function startServer(root) {
  const child = fork(join(root, 'dist/server.js'), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let next = 1;
  child.on('message', (m) => {
    if (m.type !== 'response' && m.type !== 'error') return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.type === 'response') p?.resolve(m.result);
    else p?.reject(new Error(m.message));
  });
  const request = (method, params) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      child.send({ type: 'request', id, method, params });
    });
  return { request, stop: () => child.kill() };
}

async function timed(label, f, times = 1) {
  const ms = [];
  let result;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    result = await f();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { label, ms: ms[Math.floor(ms.length / 2)], result };
}

/** Measures the server on the index in `cacheDir`; returns printable lines and the numbers. */
export async function benchExtension({ root, kernel, scope, cacheDir, repeat }) {
  const out = ['', 'Extension (what a VS Code user waits for)'];
  const numbers = { server: [], hover: undefined, e2e: undefined };
  const server = startServer(root);
  try {
    const rows = [];
    rows.push(
      await timed('server: load the index (warm)', () =>
        server.request('open', { root: kernel, cacheDir, scope }),
      ),
    );
    rows.push(await timed('server: driver list (side bar)', () => server.request('drivers', {})));
    const drivers = rows[1].result;
    if (drivers.some((d) => d.name === 'e1000e')) {
      const params = { driver: 'e1000e', direction: 'ingress', depth: 1, expand: [] };
      // As a user meets it: the QuickPick takes longer than the server's 1 s warm-up after a load.
      await new Promise((r) => setTimeout(r, 1500));
      const first = await timed('server: e1000e ingress graph, first (1.5 s after load)', () =>
        server.request('preset', params),
      );
      rows.push(first);
      rows.push(
        await timed(
          `server: e1000e ingress graph, again (median of ${repeat})`,
          () => server.request('preset', params),
          repeat,
        ),
      );
      rows.push(
        await timed(
          `server: driver of netdev.c (median of ${repeat})`,
          () => server.request('driverOf', { file: 'drivers/net/ethernet/intel/e1000e/netdev.c' }),
          repeat,
        ),
      );
      out.push(`  (the e1000e ingress graph has ${first.result.graph.nodes.length} functions)`);
    }
    rows.push(
      await timed(
        `server: function at net/core/dev.c:6000 (median of ${repeat})`,
        () => server.request('functionAt', { file: 'net/core/dev.c', line: 6000 }),
        repeat,
      ),
    );
    for (const r of rows) {
      out.push(`  ${r.label.padEnd(52)} ${r.ms.toFixed(0).padStart(7)} ms`);
      numbers.server.push({ label: r.label, ms: Math.round(r.ms) });
    }
  } catch (e) {
    out.push(`  server: failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    server.stop();
  }

  const hover = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts/bench-hover.ts'), kernel],
    { cwd: root, encoding: 'utf8' },
  );
  if (hover.status === 0) {
    const h = JSON.parse(hover.stdout);
    out.push(
      `  hover provider on ${h.positions} skb positions of ${h.file}: median ${h.medianMs.toFixed(2)} ms, p95 ${h.p95Ms.toFixed(2)} ms, max ${h.maxMs.toFixed(1)} ms (first, cold); skbuff.h parsed once in ${h.headerMs.toFixed(0)} ms`,
    );
    numbers.hover = h;
  } else {
    out.push(
      `  hover provider: not measured (${(hover.stderr || '').trim().split('\n').pop() || `exit ${hover.status}`})`,
    );
  }

  const file = join(root, 'test-results/e2e/timings.json');
  if (existsSync(file)) {
    try {
      const t = JSON.parse(readFileSync(file, 'utf8'));
      out.push(
        `  In ${t.vscode} (last npm run test:e2e, ${t.recordedAt}, scope ${t.scope.join(' ')}):`,
      );
      for (const row of t.timings)
        out.push(`    ${row.label.padEnd(58)} ${String(Math.round(row.ms)).padStart(7)} ms`);
      out.push(
        "    (hover includes VS Code's 300 ms hover delay; graphs include Mermaid's layout in the browser)",
      );
      numbers.e2e = t;
    } catch (e) {
      out.push(`  ${file}: unreadable (${e instanceof Error ? e.message : String(e)})`);
    }
  } else {
    out.push(
      '  In VS Code: no end-to-end timings yet (npm run test:e2e writes test-results/e2e/timings.json)',
    );
  }
  return { lines: out, numbers };
}
