// The analysis core on a miniature kernel tree written in the kernel's idioms
// (test/fixtures/kernel-mini): every resolution rule is pinned by an inline expectation.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Graph } from '../../src/analysis/index/graph';
import { buildIndex } from '../../src/analysis/index/indexer';
import type { EdgeExpectation } from '../helpers/expectations';
import { readExpectations } from '../helpers/expectations';

const root = join(__dirname, '../fixtures/kernel-mini');
let cacheDir: string;
let graph: Graph;

/** Nodes a FROM/TO spec names, preferring definitions in the fixture's own file. */
function nodesFor(spec: string, file: string): number[] {
  const colon = spec.lastIndexOf(':');
  if (colon >= 0)
    return graph
      .lookup(spec.slice(colon + 1))
      .filter((n) => graph.file(n) === spec.slice(0, colon));
  const all = graph.lookup(spec);
  const local = all.filter((n) => graph.file(n) === file);
  return local.length > 0 ? local : all;
}

function edgesAt(e: EdgeExpectation): { kind: string; via: string; to: number }[] {
  const from = nodesFor(e.from, e.file);
  const to = new Set(nodesFor(e.to, e.file));
  const found = [];
  for (const f of from) {
    for (const edge of graph.outgoing(f)) {
      if (to.has(graph.to(edge)) && graph.edgeLine(edge) === e.line) {
        found.push({ kind: graph.kind(edge), via: graph.via(edge) ?? '', to: graph.to(edge) });
      }
    }
  }
  return found;
}

describe('resolution on kernel-mini', () => {
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-test-'));
    graph = (await buildIndex({ root, cacheDir, workers: 2 })).graph;
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  const expectations = readExpectations(root);

  it('has expectations to check', () => {
    assert.ok(expectations.length > 30, `only ${expectations.length} expectations found`);
  });

  for (const e of expectations) {
    if (e.kind === 'def') {
      it(`defines ${e.name} at ${e.file}:${e.line}`, () => {
        const defs = graph.lookup(e.name).map((n) => `${graph.file(n)}:${graph.line(n)}`);
        assert.ok(
          defs.includes(`${e.file}:${e.line}`),
          `${e.name} is defined at ${defs.join(', ') || 'nowhere'}`,
        );
      });
    } else if (e.kind === 'edge') {
      it(`${e.file}:${e.line} ${e.from} -> ${e.to}${e.edgeKind ? ` (${e.edgeKind})` : ''}`, () => {
        const found = edgesAt(e);
        assert.ok(found.length > 0, `no edge ${e.from} -> ${e.to} at line ${e.line}`);
        if (e.edgeKind)
          assert.ok(
            found.some((f) => f.kind === e.edgeKind),
            `edge kinds: ${found.map((f) => f.kind).join(', ')}`,
          );
        if (e.via)
          assert.ok(
            found.some((f) => f.via.includes(e.via as string)),
            `via: ${found.map((f) => f.via).join(' | ')}`,
          );
      });
    } else {
      it(`${e.file}:${e.line} no ${e.from} -> ${e.to}`, () => {
        // Both ends exist, so a misspelt or lost function cannot pass for a missing edge.
        assert.ok(nodesFor(e.from, e.file).length > 0, `${e.from} is not defined`);
        assert.ok(nodesFor(e.to, e.file).length > 0, `${e.to} is not defined`);
        assert.deepEqual(edgesAt(e), []);
      });
    }
  }
});
