// What a kernel configuration adds to text and Mermaid: a module's tag, and with
// --show-unbuilt the functions and calls it leaves out, faint and with their reason.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphJson } from '../../../src/analysis/graph-json';
import { toMermaid } from '../../../src/analysis/render/mermaid';
import { toText } from '../../../src/analysis/render/text';

const graph: GraphJson = {
  nodes: [
    { id: 'a.c:rx', name: 'rx', file: 'a.c', line: 1, built: 'm', module: 'acme' },
    {
      id: 'b.c:steer',
      name: 'steer',
      file: 'b.c',
      line: 5,
      built: 'n',
      excludedBy: 'obj-$(CONFIG_RPS) += b.o in Makefile:2',
    },
    { id: 'c.c:deliver', name: 'deliver', file: 'c.c', line: 9, built: 'y' },
  ],
  edges: [
    {
      from: 'a.c:rx',
      to: 'b.c:steer',
      kind: 'direct',
      file: 'a.c',
      line: 3,
      config: 'dead',
      excludedBy: '#ifdef CONFIG_RPS at a.c:2',
    },
    { from: 'a.c:rx', to: 'c.c:deliver', kind: 'direct', file: 'a.c', line: 4, config: 'live' },
  ],
};

describe('a configuration in text and Mermaid', () => {
  it('tags a module, and says what is not built and which call is dead, with why', () => {
    const text = toText(graph);
    assert.match(text, /^rx {2}a\.c:1 {2}\[module acme\]$/m);
    assert.match(text, /steer .*\(dead: #ifdef CONFIG_RPS at a\.c:2; call at a\.c:3\)/);
    assert.match(text, /deliver {2}\(call at a\.c:4\)/);
  });

  it('draws what is not built faint, its dead call dashed, and a module as a badge', () => {
    const { text, nodeIds } = toMermaid(graph);
    const id = (name: string): string =>
      Object.entries(nodeIds).find(([, v]) => v.endsWith(`:${name}`))?.[0] ?? assert.fail(name);
    assert.match(text, /classDef unbuilt /);
    assert.match(text, new RegExp(`class [^\\n]*\\b${id('steer')}\\b[^\\n]* unbuilt`));
    assert.doesNotMatch(text, new RegExp(`class [^\\n]*\\b${id('deliver')}\\b[^\\n]* unbuilt`));
    assert.match(text, /linkStyle 0 stroke:#afb8c1/);
    assert.doesNotMatch(text, /linkStyle 1 /);
    assert.match(text, /▣ acme/);
    assert.match(text, /not built: obj-\$\(CONFIG_RPS\)/);
  });

  it('adds nothing for the union of every configuration', () => {
    const union: GraphJson = {
      nodes: graph.nodes.map(({ id, name, file, line }) => ({ id, name, file, line })),
      edges: graph.edges.map(({ from, to, kind, file, line }) => ({ from, to, kind, file, line })),
    };
    assert.doesNotMatch(toMermaid(union).text, /unbuilt|▣|linkStyle/);
    assert.doesNotMatch(toText(union), /module|dead|not built/);
  });
});
