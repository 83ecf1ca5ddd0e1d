// Export for documentation on the real Linux 6.12 tree: `netpaths ingress --driver e1000e`
// drawn as SVG and as a standalone HTML page by the built CLI in headless Chromium, with
// links to the source lines (relative, or Elixir for the tree's own version).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { GraphJson } from '../../src/analysis/graph-json';
import { kernelRoot, queryJson, runCli } from '../helpers/kernel';

describe('exporting the e1000e ingress path', () => {
  let graph: GraphJson;
  before(() => {
    const r = runCli(['index']);
    assert.equal(r.status, 0, r.stderr);
    graph = queryJson<GraphJson>(['ingress', '--driver', 'e1000e']);
  });

  it('--format svg draws every function as SVG text, linked to its line', () => {
    const r = runCli(['ingress', '--driver', 'e1000e', '--format', 'svg']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    );
    assert.doesNotMatch(r.stdout, /<foreignObject|<script/i);
    assert.ok(r.stdout.includes('<title>e1000e ingress</title>'));
    for (const node of graph.nodes) {
      assert.ok(r.stdout.includes(`>${node.name}</tspan>`), `${node.name} is SVG text`);
      assert.ok(
        r.stdout.includes(`href="${node.file}#L${node.line}"`),
        `${node.name} links to ${node.file}:${node.line}`,
      );
    }
    // The links point at real lines: the line of the function's name, starting with the
    // driver's interrupt handler.
    const irq = graph.nodes[0];
    assert.ok(
      irq &&
        irq.file.startsWith('drivers/net/ethernet/intel/e1000e/') &&
        /^e1000_intr/.test(irq.name),
      JSON.stringify(irq),
    );
    const line = readFileSync(join(kernelRoot(), irq.file), 'utf8').split('\n')[irq.line - 1] ?? '';
    assert.ok(line.includes(`${irq.name}(`), line);
  });

  it("--format html with an Elixir template links the tree's own version", () => {
    // The version by the test's own reading of the Makefile's first lines, not kernelVersion.
    const head = readFileSync(join(kernelRoot(), 'Makefile'), 'utf8').split('\n').slice(0, 6);
    const field = (name: string): string =>
      head.find((l) => l.startsWith(`${name} = `))?.slice(name.length + 3) ?? '';
    const sub = field('SUBLEVEL');
    const version = `${field('VERSION')}.${field('PATCHLEVEL')}${sub && sub !== '0' ? `.${sub}` : ''}`;
    assert.match(version, /^6\.12(\.\d+)?$/);
    const r = runCli([
      'ingress',
      '--driver',
      'e1000e',
      '--format',
      'html',
      '--link-template',
      'https://elixir.bootlin.com/linux/v{version}/source/{path}#L{line}',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^<!DOCTYPE html>/);
    assert.equal(r.stdout.match(/<script\b/g)?.length, 1);
    assert.ok(r.stdout.includes(`Linux ${version}</p>`));
    assert.equal(r.stdout.match(/<a class="np-source-link"/g)?.length, graph.nodes.length);
    assert.ok(
      r.stdout.includes(
        `href="https://elixir.bootlin.com/linux/v${version}/source/net/core/dev.c#L`,
      ),
    );
  });
});
