import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphJson } from '../../../src/analysis/graph-json';
import { pathOrder, prepareGraph, shortPath } from '../../../src/analysis/render/model';
import { stageTitle } from '../../../src/analysis/render/stages';
import { fixture } from './fixtures';

const node = (id: string, stage?: string): GraphJson['nodes'][number] => ({
  id,
  name: id,
  file: 'f.c',
  line: 1,
  ...(stage ? { stage } : {}),
});
const edge = (from: string, to: string): GraphJson['edges'][number] => ({
  from,
  to,
  kind: 'direct',
  file: 'f.c',
  line: 2,
});

describe('pathOrder', () => {
  it('walks breadth-first from the roots, in edge order', () => {
    const g: GraphJson = {
      nodes: [node('c'), node('b'), node('a'), node('d')],
      edges: [edge('a', 'b'), edge('a', 'c'), edge('b', 'd')],
    };
    assert.deepEqual(
      pathOrder(g).map((n) => n.id),
      ['a', 'b', 'c', 'd'],
    );
  });

  it('puts the nodes of `paths` first, in path order', () => {
    const g: GraphJson = {
      nodes: [node('a'), node('b'), node('c'), node('x')],
      edges: [edge('a', 'x'), edge('a', 'b'), edge('b', 'c')],
      paths: [['a', 'b', 'c']],
    };
    assert.deepEqual(
      pathOrder(g).map((n) => n.id),
      ['a', 'b', 'c', 'x'],
    );
  });

  it('reaches every node of a cycle without a root, once', () => {
    const g: GraphJson = {
      nodes: [node('a'), node('b'), node('c')],
      edges: [edge('a', 'b'), edge('b', 'c'), edge('c', 'a')],
    };
    assert.deepEqual(
      pathOrder(g).map((n) => n.id),
      ['a', 'b', 'c'],
    );
  });

  it('ignores duplicate node ids and edges to unknown nodes', () => {
    const g: GraphJson = {
      nodes: [node('a'), node('a'), node('b')],
      edges: [edge('a', 'zz'), edge('a', 'b')],
    };
    assert.deepEqual(
      pathOrder(g).map((n) => n.id),
      ['a', 'b'],
    );
  });
});

describe('prepareGraph', () => {
  it('orders the e1000e ingress lanes as the packet reaches them', () => {
    const lanes = prepareGraph(fixture('e1000e-ingress')).lanes.map((l) => l.stage);
    assert.deepEqual(lanes, [
      'driver-irq',
      'napi-softirq',
      'softirq',
      'driver-poll',
      'link',
      'gro',
      'core-rx',
      'ipv4',
      'netfilter',
      'tcp',
      'socket',
    ]);
  });

  it('merges parallel call sites of the same kind into one edge group', () => {
    const g: GraphJson = {
      nodes: [node('a'), node('b')],
      edges: [edge('a', 'b'), edge('a', 'b'), { ...edge('a', 'b'), kind: 'indirect' }],
    };
    const groups = prepareGraph(g).edges;
    assert.equal(groups.length, 2);
    assert.deepEqual(groups[0]?.indexes, [0, 1]);
    assert.deepEqual(groups[1]?.indexes, [2]);
  });

  it('keeps the first maxNodes nodes and only the edges between them', () => {
    const p = prepareGraph(fixture('large-150'), 40);
    assert.equal(p.kept.length, 40);
    assert.equal(p.omitted, 110);
    const kept = new Set(p.kept.map((n) => n.id));
    assert.ok(p.edges.every((e) => kept.has(e.from) && kept.has(e.to)));
  });
});

describe('stage titles and paths', () => {
  it('titles known stages and keeps unknown ones raw', () => {
    assert.equal(stageTitle('driver-irq'), 'Driver · hard IRQ');
    assert.equal(stageTitle('napi-softirq'), 'NAPI · NET_RX softirq');
    assert.equal(stageTitle('driver-poll'), 'Driver · NAPI poll');
    assert.equal(stageTitle('my-new-stage'), 'my-new-stage');
    assert.equal(stageTitle('__proto__'), '__proto__');
    assert.equal(stageTitle('constructor'), 'constructor');
  });

  it('shortens long paths to their last two segments', () => {
    assert.equal(shortPath('drivers/net/ethernet/intel/e1000e/netdev.c'), '…/e1000e/netdev.c');
    assert.equal(shortPath('net/core/dev.c'), 'net/core/dev.c');
  });
});
