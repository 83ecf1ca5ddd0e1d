import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toMermaid } from '../../../src/analysis/render/mermaid';
import {
  DEFAULT_LINK_TEMPLATE,
  ELIXIR_LINK_TEMPLATE,
  LinkTemplateError,
  kernelVersion,
  linkSvgNodes,
  markdownSourceList,
  mermaidClickLines,
  nodeLinks,
  parseLinkTemplate,
  sourceLink,
  usesVersion,
} from '../../../src/analysis/render/links';
import { tokenizeSvg } from '../../../src/analysis/render/svg-markup';
import { fixture } from './fixtures';

const MAKEFILE_6_12 = `# SPDX-License-Identifier: GPL-2.0
VERSION = 6
PATCHLEVEL = 12
SUBLEVEL = 117
EXTRAVERSION =
NAME = Baby Opossum Posse

# *DOCUMENTATION*
# To see a list of typical targets execute "make help"
KERNELVERSION = $(VERSION)$(if $(PATCHLEVEL),.$(PATCHLEVEL)$(if $(SUBLEVEL),.$(SUBLEVEL)))$(EXTRAVERSION)
`;

describe('kernelVersion', () => {
  it('reads VERSION, PATCHLEVEL and SUBLEVEL as cross-referencers name tags', () => {
    assert.equal(kernelVersion(MAKEFILE_6_12), '6.12.117');
    assert.equal(kernelVersion(MAKEFILE_6_12.replace('SUBLEVEL = 117', 'SUBLEVEL = 0')), '6.12');
    assert.equal(kernelVersion(MAKEFILE_6_12.replace('SUBLEVEL = 117', 'SUBLEVEL =')), '6.12');
  });

  it('keeps an -rc EXTRAVERSION and ignores a local one', () => {
    const rc = MAKEFILE_6_12.replace('PATCHLEVEL = 12', 'PATCHLEVEL = 13')
      .replace('SUBLEVEL = 117', 'SUBLEVEL = 0')
      .replace('EXTRAVERSION =', 'EXTRAVERSION = -rc3');
    assert.equal(kernelVersion(rc), '6.13-rc3');
    assert.equal(
      kernelVersion(MAKEFILE_6_12.replace('EXTRAVERSION =', 'EXTRAVERSION = -debian')),
      '6.12.117',
    );
  });

  it('does not take KERNELVERSION or a VERSION that is not a number', () => {
    assert.equal(kernelVersion('KERNELVERSION = 6.12\n'), undefined);
    assert.equal(kernelVersion('VERSION = $(shell x)\nPATCHLEVEL = 1\n'), undefined);
    assert.equal(kernelVersion('VERSION = 6\n'), undefined);
    assert.equal(kernelVersion(''), undefined);
  });
});

describe('parseLinkTemplate', () => {
  it('gives the relative default for an empty or missing template', () => {
    assert.equal(parseLinkTemplate(undefined).template, DEFAULT_LINK_TEMPLATE);
    assert.equal(parseLinkTemplate('   ').template, DEFAULT_LINK_TEMPLATE);
    assert.equal(parseLinkTemplate('', '6.12').version, '6.12');
  });

  it('accepts http(s) URLs and relative references', () => {
    for (const t of [
      ELIXIR_LINK_TEMPLATE,
      'http://lxr.example/{path}?v={version}#{line}',
      '../linux/{path}#L{line}',
      '/src/{path}',
      '{path}',
      'https://github.com/torvalds/linux/blob/v{version}/{path}#L{line}',
    ]) {
      assert.equal(parseLinkTemplate(t, '6.12').template, t, t);
    }
  });

  const rejects: [string, string, RegExp][] = [
    ['javascript: URL', 'javascript:alert(1)//{path}', /only http and https/],
    ['javascript: in capitals', 'JaVaScRiPt:alert(1)//{path}', /only http and https/],
    ['data: URL', 'data:text/html,{path}', /only http and https/],
    ['file: URL', 'file:///usr/src/linux/{path}', /only http and https/],
    ['vbscript: URL', 'vbscript:{path}', /only http and https/],
    ['protocol-relative link', '//evil.example/{path}', /protocol-relative/],
    ['a tab inside the scheme', 'java\tscript:alert(1)/{path}', /not allowed/],
    ['a space', 'https://x.example/{path} onmouseover=alert(1)', /not allowed/],
    ['a double quote', 'https://x.example/{path}"><script>', /not allowed/],
    ['an angle bracket', 'https://x.example/<{path}>', /not allowed/],
    ['a backtick', 'https://x.example/`{path}`', /not allowed/],
    ['a single quote', "https://x.example/'{path}", /not allowed/],
    ['a backslash', 'https:\\\\x.example\\{path}', /not allowed/],
    ['an unknown placeholder', 'https://x.example/{file}#{line}', /unknown placeholder \{file\}/],
    ['no {path}', 'https://x.example/#L{line}', /must contain \{path\}/],
    ['a broken percent escape', 'https://x.example/%zz/{path}', /percent-encoded/],
    ['unbalanced braces', 'https://x.example/{path}}', /unbalanced/],
    ['a colon in the first relative segment', '{path}:{line}', /cannot have ':'/],
    ['no host', 'https:///{path}', /host name/],
  ];
  for (const [what, template, message] of rejects) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => parseLinkTemplate(template, '6.12'),
        (e: unknown) =>
          e instanceof LinkTemplateError &&
          message.test(e.problem) &&
          e.message.includes(e.problem),
      );
    });
  }

  it('refuses {version} when the version is unknown, and says why', () => {
    assert.equal(usesVersion(ELIXIR_LINK_TEMPLATE), true);
    assert.throws(() => parseLinkTemplate(ELIXIR_LINK_TEMPLATE), /kernel version is unknown/);
  });
});

describe('sourceLink', () => {
  const elixir = parseLinkTemplate(ELIXIR_LINK_TEMPLATE, '6.12.117');

  it('fills the placeholders', () => {
    assert.equal(
      sourceLink(elixir, 'net/core/dev.c', 6812),
      'https://elixir.bootlin.com/linux/v6.12.117/source/net/core/dev.c#L6812',
    );
    assert.equal(
      sourceLink(parseLinkTemplate(undefined), 'net/core/dev.c', 12),
      'net/core/dev.c#L12',
    );
  });

  it('percent-encodes each path segment, so a file name cannot add a scheme, query or fragment', () => {
    const plain = parseLinkTemplate('{path}#L{line}');
    assert.equal(sourceLink(plain, 'javascript:alert(1)', 1), 'javascript%3Aalert%281%29#L1');
    assert.equal(
      sourceLink(plain, 'drivers/evil "dir"/f?x#y.c', 3),
      'drivers/evil%20%22dir%22/f%3Fx%23y.c#L3',
    );
    assert.equal(sourceLink(plain, "it's/a.c", 3), 'it%27s/a.c#L3');
  });

  it('gives no link for a path that leaves the tree or a line that is not one', () => {
    for (const path of [
      '../etc/passwd',
      '/etc/passwd',
      'net/../../x.c',
      'net//dev.c',
      'a\\b.c',
      'net/./dev.c',
      '',
      'net/de\nv.c',
    ]) {
      assert.equal(sourceLink(elixir, path, 1), undefined, path);
    }
    assert.equal(sourceLink(elixir, 'net/core/dev.c', 0), undefined);
    assert.equal(sourceLink(elixir, 'net/core/dev.c', 1.5), undefined);
  });
});

describe('links in Mermaid text, SVG and Markdown', () => {
  const graph = fixture('hostile-names');
  const mermaid = toMermaid(graph);
  const links = nodeLinks(graph, mermaid.nodeIds, parseLinkTemplate(ELIXIR_LINK_TEMPLATE, '6.12'));

  it('links every drawn node, in drawing order', () => {
    assert.equal(links.length, Object.keys(mermaid.nodeIds).length);
    assert.deepEqual(
      links.map((l) => l.mermaidId),
      Object.keys(mermaid.nodeIds),
    );
  });

  it('writes one well-formed click line per node, even for hostile file names', () => {
    const lines = mermaidClickLines(links).trimEnd().split('\n');
    assert.equal(lines.length, links.length);
    for (const line of lines)
      assert.match(
        line,
        /^ {2}click n\d+ href "https:\/\/elixir\.bootlin\.com\/linux\/v6\.12\/source\/[A-Za-z0-9\-._~:/?[\]@!$&()*+,;=%]+#L\d+"$/,
      );
  });

  it('encodes the ; of a #word; sequence, which Mermaid would read as an entity code', () => {
    const odd = nodeLinks(
      graph,
      mermaid.nodeIds,
      parseLinkTemplate('https://x.example/{path}#L{line};v'),
    );
    assert.ok(mermaidClickLines(odd).includes('#L1%3Bv"'));
  });

  it('lists the links under a Markdown diagram with names as text', () => {
    const list = markdownSourceList(links);
    assert.match(list, /^<details>\n<summary>Source lines \(\d+ functions\)<\/summary>\n\n/);
    const items = list.split('\n').filter((l) => l.startsWith('- '));
    assert.equal(items.length, links.length);
    for (const item of items) {
      // Link text, then an angle-bracket destination; no raw `<` or `](` from a name.
      assert.match(item, /^- \[(?:[^\\[\]<]|\\.)*\]\(<https:\/\/[^<>\s]+>\) \S/);
    }
    assert.ok(
      list.includes('- [&lt;/script>&lt;script>window.\\_\\_pwned=1&lt;/script>](<'),
      'a </script> name is text',
    );
    assert.ok(list.includes('[hash#35;amp&amp;amp;semi;pipe\\|]'), 'entities in a name stay text');
    assert.equal(markdownSourceList([]), '');
  });
});

/** A trimmed-down Mermaid flowchart SVG: nested groups, as Mermaid writes them. */
const SVG = [
  '<svg id="x1" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">',
  '<style>#x1 .node > rect{fill:#fff}</style>',
  '<g class="root"><g class="nodes">',
  '<g class="node default hardirq" id="x1-flowchart-n0-0" transform="translate(1, 2)"><rect/><g class="label"><g><text><tspan>a&lt;b</tspan></text></g></g></g>',
  '<g class="node default" id="x1-flowchart-n1-1"><rect/><g class="label"><text>b</text></g></g>',
  '<a xlink:href="https://kept.example/"><g class="node default" id="x1-flowchart-n2-2"><rect/></g></a>',
  '<g class="node default" id="x1-flowchart-omitted-3"><rect/></g>',
  '<g class="label" id="x1-flowchart-n1-9"><text>not a node</text></g>',
  '</g></g></svg>',
].join('');

describe('linkSvgNodes', () => {
  const graph = {
    nodes: ['a', 'b', 'c'].map((name, i) => ({
      id: `net/${name}.c:${name}`,
      name,
      file: `net/${name}.c`,
      line: i + 1,
    })),
    edges: [],
  };
  const nodeIds = { n0: 'net/a.c:a', n1: 'net/b.c:b', n2: 'net/c.c:c' };
  const links = nodeLinks(
    graph,
    nodeIds,
    parseLinkTemplate('https://x.example/{path}?a=1&b=2#L{line}'),
  );
  const out = linkSvgNodes(SVG, links);

  it('wraps each node group, up to its own closing tag, in a link', () => {
    const n0 =
      '<g class="node default hardirq" id="x1-flowchart-n0-0" transform="translate(1, 2)"><rect/><g class="label"><g><text><tspan>a&lt;b</tspan></text></g></g></g>';
    const href = 'https://x.example/net/a.c?a=1&amp;b=2#L1';
    assert.ok(
      out.includes(
        `<a class="np-source-link" href="${href}" xlink:href="${href}"><title>a · net/a.c:1</title>${n0}</a>`,
      ),
    );
    assert.ok(
      out.includes(
        'xlink:href="https://x.example/net/b.c?a=1&amp;b=2#L2"><title>b · net/b.c:2</title><g class="node default" id="x1-flowchart-n1-1"><rect/><g class="label"><text>b</text></g></g></a>',
      ),
    );
  });

  it('leaves a node already inside a link, the omitted node and non-node groups alone', () => {
    assert.equal(out.match(/class="np-source-link"/g)?.length, 2);
    assert.ok(
      out.includes(
        '<a xlink:href="https://kept.example/"><g class="node default" id="x1-flowchart-n2-2"><rect/></g></a>',
      ),
    );
    assert.ok(out.includes('<g class="label" id="x1-flowchart-n1-9"><text>not a node</text></g>'));
  });

  it('declares the xlink namespace once and keeps the markup balanced', () => {
    assert.match(out, /^<svg xmlns:xlink="http:\/\/www\.w3\.org\/1999\/xlink" id="x1"/);
    assert.equal(
      linkSvgNodes(out, links).match(/xmlns:xlink/g)?.length,
      1,
      'linking twice does not declare twice',
    );
    let depth = 0;
    for (const t of tokenizeSvg(out)) {
      if (t.kind === 'open' && !t.selfClosing) depth++;
      if (t.kind === 'close') depth--;
      assert.ok(depth >= 0);
    }
    assert.equal(depth, 0);
  });

  it('returns the SVG unchanged when there is nothing to link', () => {
    assert.equal(linkSvgNodes(SVG, []), SVG);
  });
});
