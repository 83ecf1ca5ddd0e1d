// An edge's verdict (GraphEdge.verdict: the `case XDP_TX:` a call sits under) on the arrow
// in Mermaid, before its binding, and in the text's call note.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphJson } from '../../../src/analysis/graph-json';
import { toMermaid } from '../../../src/analysis/render/mermaid';
import { toText } from '../../../src/analysis/render/text';

const node = (name: string, line: number): GraphJson['nodes'][number] => ({
  id: `drivers/net/acme.c:${name}`,
  name,
  file: 'drivers/net/acme.c',
  line,
});

const graph: GraphJson = {
  title: 'acme ingress xdp',
  nodes: [node('acme_run_xdp', 10), node('acme_xmit_xdp_ring', 40), node('acme_xdp_xmit', 60)],
  edges: [
    {
      from: 'drivers/net/acme.c:acme_run_xdp',
      to: 'drivers/net/acme.c:acme_xmit_xdp_ring',
      kind: 'direct',
      file: 'drivers/net/acme.c',
      line: 20,
      verdict: 'XDP_TX',
    },
    {
      from: 'drivers/net/acme.c:acme_run_xdp',
      to: 'drivers/net/acme.c:acme_xdp_xmit',
      kind: 'indirect',
      file: 'drivers/net/acme.c',
      line: 25,
      via: 'net_device_ops.ndo_xdp_xmit = acme_xdp_xmit at drivers/net/acme.c:90',
      verdict: 'XDP_REDIRECT',
    },
  ],
};

describe('verdict labels', () => {
  it('labels the arrow with the verdict, then the binding', () => {
    const text = toMermaid(graph).text;
    assert.match(text, /-->\|"XDP_TX"\|/);
    assert.match(text, /\|"XDP_REDIRECT · [^"]*ndo_xdp_xmit[^"]*"\|/);
  });

  it('names the verdict in the call note of the text', () => {
    const text = toText(graph);
    assert.match(text, /acme_xmit_xdp_ring\s+\(XDP_TX; call at drivers\/net\/acme\.c:20\)/);
    assert.match(text, /acme_xdp_xmit\s+\(XDP_REDIRECT; indirect: net_device_ops/);
  });
});
