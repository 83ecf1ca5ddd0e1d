// The panel's query: what survives a reload must come back exactly, and state forged or
// corrupted in the webview must be refused rather than run.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_DEPTH,
  type PanelQuery,
  panelTitle,
  parsePanelQuery,
  withCollapsed,
  withDepth,
  withExpanded,
} from '../../src/extension/panel-query';

const ingress: PanelQuery = {
  kind: 'preset',
  driver: 'e1000e',
  direction: 'ingress',
  depth: 1,
  expand: [],
};
const callers: PanelQuery = {
  kind: 'neighbourhood',
  specs: ['drivers/net/ethernet/intel/e1000e/netdev.c:e1000e_poll'],
  direction: 'callers',
  depth: 2,
};
const path: PanelQuery = {
  kind: 'path',
  from: ['tcp_sendmsg'],
  to: ['e1000_xmit_frame'],
  paths: 1,
};

const trace: PanelQuery = { kind: 'trace', files: ['/tmp/pwru.txt', '/tmp/b/ftrace.log'] };
const overlaid: PanelQuery = { ...ingress, trace: ['/tmp/pwru.txt'] };
const routed: PanelQuery = { ...ingress, route: 'tcp6' };

describe('panel query', () => {
  it('round-trips through the webview state (JSON)', () => {
    for (const q of [ingress, callers, path, trace, overlaid, routed])
      assert.deepEqual(parsePanelQuery(JSON.parse(JSON.stringify(q))), q);
    assert.equal(panelTitle(routed), 'e1000e ingress tcp6');
  });

  it('refuses state it did not write', () => {
    const bad: unknown[] = [
      undefined,
      null,
      'preset',
      { ...ingress, kind: 'shell' },
      { ...ingress, direction: 'sideways' },
      { ...ingress, depth: 0 },
      { ...ingress, depth: MAX_DEPTH + 1 },
      { ...ingress, depth: 1.5 },
      { ...ingress, driver: '' },
      { ...ingress, driver: 'a\nb' },
      { ...ingress, route: '' },
      { ...ingress, route: 7 },
      { ...ingress, route: 'a\nb' },
      { ...ingress, driver: 'x'.repeat(600) },
      { ...ingress, expand: 'e1000e_poll' },
      { ...ingress, expand: [1] },
      { ...callers, specs: [] },
      { ...path, paths: 0 },
      { ...path, to: [] },
      { ...trace, files: [] },
      { ...trace, files: ['relative/pwru.txt'] },
      { ...trace, files: ['/tmp/a\nb'] },
      { ...overlaid, trace: ['pwru.txt'] },
      { ...overlaid, trace: '/tmp/pwru.txt' },
    ];
    for (const b of bad) assert.equal(parsePanelQuery(b), undefined, JSON.stringify(b));
  });

  it('titles each kind of graph', () => {
    assert.equal(panelTitle(ingress), 'e1000e ingress');
    assert.equal(panelTitle(callers), 'callers of e1000e_poll');
    assert.equal(panelTitle(path), 'tcp_sendmsg → e1000_xmit_frame');
    assert.equal(panelTitle(trace), 'trace of pwru.txt, ftrace.log');
    assert.equal(panelTitle(overlaid), 'e1000e ingress + trace of pwru.txt');
  });

  it('changes depth within its limits', () => {
    assert.deepEqual(withDepth(ingress, 1), { ...ingress, depth: 2 });
    assert.equal(withDepth(ingress, -1), undefined);
    assert.equal(withDepth({ ...ingress, depth: MAX_DEPTH }, 1), undefined);
    assert.deepEqual(withDepth(path, 1), { ...path, paths: 2 });
    assert.equal(withDepth(path, -1), undefined);
  });

  it('expands and collapses side branches of a preset, once each', () => {
    const open = withExpanded(ingress, 'net/core/dev.c:netif_receive_skb');
    assert.ok(open && open.kind === 'preset');
    assert.deepEqual(open.expand, ['net/core/dev.c:netif_receive_skb']);
    assert.equal(withExpanded(open, 'net/core/dev.c:netif_receive_skb'), undefined);
    assert.deepEqual(withCollapsed(open, 'net/core/dev.c:netif_receive_skb'), ingress);
    assert.equal(withCollapsed(ingress, 'net/core/dev.c:netif_receive_skb'), undefined);
    assert.equal(withExpanded(path, 'x'), undefined);
  });
});
