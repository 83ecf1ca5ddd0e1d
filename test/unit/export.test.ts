// The documents Export Diagram writes (src/analysis/render/export.ts), without a browser: the SVG here is
// a small hand-written stand-in with Mermaid's node ids. test/webview/export-cli.test.ts
// checks the same documents with a real Mermaid drawing in Chromium.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toDot, toMermaid, toText } from '../../src/analysis/render';
import { ELIXIR_LINK_TEMPLATE, parseLinkTemplate } from '../../src/analysis/render/links';
import { exportDocument } from '../../src/analysis/render/export';
import type { ExportInput } from '../../src/analysis/render/export';
import { formatGraph } from '../../src/cli/format';
import { chromiumMissingMessage, findChromium } from '../../src/cli/render-svg';
import { EXPORT_FORMATS, parseWebviewMessage } from '../../src/webview/protocol';
import { fixture } from './render/fixtures';

const graph = fixture('e1000e-ingress');
const mermaid = toMermaid(graph);
const links = parseLinkTemplate(ELIXIR_LINK_TEMPLATE, '6.12.117');

/** An SVG with one node group per drawn node, named as Mermaid names them. */
function fakeSvg(ids: string[]): string {
  const nodes = ids
    .map(
      (id, i) =>
        `<g class="node default" id="np-export-1-flowchart-${id}-${i}"><rect/><text>${id}</text></g>`,
    )
    .join('');
  return `<svg id="np-export-1" xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g class="nodes">${nodes}</g><script>alert(1)</script></svg>`;
}

const input: ExportInput = {
  graph,
  mermaid,
  svg: fakeSvg(Object.keys(mermaid.nodeIds)),
  links,
  title: 'e1000e ingress',
};

describe('exportDocument', () => {
  it('gives every format a file extension', () => {
    const expected: Record<string, [string, string | undefined]> = {
      mermaid: ['mmd', undefined],
      markdown: ['md', 'markdown'],
      svg: ['svg', 'xml'],
      html: ['html', 'html'],
      dot: ['dot', undefined],
      text: ['txt', 'plaintext'],
      json: ['json', 'json'],
    };
    assert.deepEqual(Object.keys(expected).sort(), [...EXPORT_FORMATS].sort());
    for (const format of EXPORT_FORMATS) {
      const doc = exportDocument(format, input);
      assert.equal(doc.extension, expected[format]?.[0], format);
      assert.equal(doc.languageId, expected[format]?.[1], format);
      assert.ok(doc.content.endsWith('\n'), `${format} ends with a newline`);
    }
  });

  it('writes json, text and dot as the CLI does', () => {
    assert.equal(exportDocument('json', input).content, formatGraph(graph, 'json'));
    assert.equal(exportDocument('text', input).content, `${toText(graph).trimEnd()}\n`);
    assert.equal(exportDocument('dot', input).content.trimEnd(), toDot(graph).trimEnd());
  });

  it('writes Mermaid in its document form with a click line per function', () => {
    const { content } = exportDocument('mermaid', input);
    const plain = toMermaid(graph, { forExport: true }).text;
    assert.ok(content.startsWith(plain), 'the export text of the same diagram');
    assert.doesNotMatch(content, /e\d+@/, 'no panel edge ids');
    const clicks = content.slice(plain.length).trimEnd().split('\n');
    assert.equal(clicks.length, Object.keys(mermaid.nodeIds).length);
    assert.equal(
      clicks[0],
      '  click n0 href "https://elixir.bootlin.com/linux/v6.12.117/source/drivers/net/ethernet/intel/e1000e/netdev.c#L1792"',
    );
  });

  it('writes Markdown: one fenced block GitHub renders, then the source links', () => {
    const { content } = exportDocument('markdown', input);
    const lines = content.split('\n');
    assert.equal(lines[0], '```mermaid');
    assert.deepEqual(lines.slice(1, 4), ['---', 'title: "e1000e ingress"', '---']);
    assert.equal(
      lines.filter((l) => l.startsWith('```')).length,
      2,
      'one fence, opened and closed',
    );
    const close = lines.indexOf('```', 1);
    assert.ok(
      lines
        .slice(1, close)
        .some((l) => l.startsWith('  click n0 href "https://elixir.bootlin.com/')),
    );
    const list = lines.slice(close + 1).join('\n');
    assert.match(list, /<summary>Source lines \(35 functions\)<\/summary>/);
    assert.ok(
      list.includes(
        '- [e1000\\_intr\\_msi](<https://elixir.bootlin.com/linux/v6.12.117/source/drivers/net/ethernet/intel/e1000e/netdev.c#L1792>) drivers/net/ethernet/intel/e1000e/netdev.c:1792',
      ),
    );
  });

  it('keeps the fence closed and the names as text for hostile names', () => {
    const hostile = fixture('hostile-names');
    const hm = toMermaid(hostile);
    const { content } = exportDocument('markdown', { graph: hostile, mermaid: hm, title: 'x' });
    assert.equal(content.split('\n').filter((l) => l.startsWith('```')).length, 2);
    assert.doesNotMatch(content, /<script|<img|<b>/i);
  });

  it('links relative paths by default', () => {
    const { content } = exportDocument('mermaid', { graph, mermaid, title: 't' });
    assert.ok(
      content.includes('  click n0 href "drivers/net/ethernet/intel/e1000e/netdev.c#L1792"'),
    );
  });

  it('follows the direction and node limit of the diagram on screen', () => {
    const large = fixture('large-150');
    const shown = toMermaid(large, { direction: 'LR', maxNodes: 40 });
    assert.ok(shown.stats.omittedNodes > 0);
    const { content } = exportDocument('mermaid', { graph: large, mermaid: shown, title: 'large' });
    assert.match(content, /^flowchart LR$/m);
    assert.match(content, /omitted\{\{"… \d+ more functions not drawn"\}\}/);
    assert.equal(content.match(/^ {2}click /gm)?.length, 40);
  });

  it('refuses a Mermaid result that is not of this graph', () => {
    assert.throws(
      () => exportDocument('markdown', { ...input, mermaid: toMermaid(fixture('plain-callees')) }),
      /does not match its graph/,
    );
  });

  it('needs the drawing for svg and html', () => {
    for (const format of ['svg', 'html'] as const) {
      assert.throws(
        () => exportDocument(format, { graph, mermaid, title: 't' }),
        /needs the drawing/,
      );
      assert.throws(() => exportDocument(format, { ...input, svg: '<html></html>' }), /not an SVG/);
    }
  });

  it('writes SVG as a standalone XML file: declaration, title, links, no script', () => {
    const { content } = exportDocument('svg', input);
    assert.ok(
      content.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns:xlink="http://www.w3.org/1999/xlink" id="np-export-1"',
      ),
    );
    assert.match(content, /^<\?xml[^\n]*\n<svg[^>]*><title>e1000e ingress<\/title>/);
    assert.doesNotMatch(content, /<script/);
    assert.equal(
      content.match(/<a class="np-source-link"/g)?.length,
      Object.keys(mermaid.nodeIds).length,
    );
    assert.ok(
      content.includes(
        'href="https://elixir.bootlin.com/linux/v6.12.117/source/net/core/dev.c#L6943"',
      ),
    );
  });

  it('writes HTML with the linked drawing and a subtitle', () => {
    const { content } = exportDocument('html', input);
    assert.match(content, /^<!DOCTYPE html>/);
    assert.ok(content.includes('<p>35 functions, 35 calls · Linux 6.12.117</p>'));
    assert.equal(content.match(/<a class="np-source-link"/g)?.length, 35);
    assert.equal(content.match(/<script\b/g)?.length, 1, 'only the page script');
  });
});

describe('the export message', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg"></svg>';
  it('carries the drawing for html as for svg', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'html', svg }), {
      type: 'export',
      format: 'html',
      svg,
    });
    assert.equal(parseWebviewMessage({ type: 'export', format: 'html' }), undefined);
    assert.equal(
      parseWebviewMessage({
        type: 'export',
        format: 'html',
        svg: '<html><script>alert(1)</script>',
      }),
      undefined,
    );
    assert.equal(parseWebviewMessage({ type: 'export', format: 'markdown', svg }), undefined);
  });
});

describe('finding Chromium for --format svg|html', () => {
  const only =
    (...paths: string[]) =>
    (p: string): boolean =>
      paths.includes(p);

  it('takes $NETPATHS_CHROMIUM, and only it, when set', () => {
    assert.equal(
      findChromium(
        { NETPATHS_CHROMIUM: '/opt/c/chrome', PATH: '/usr/bin' },
        only('/opt/c/chrome', '/usr/bin/chromium'),
      ),
      '/opt/c/chrome',
    );
    assert.equal(
      findChromium(
        { NETPATHS_CHROMIUM: '/opt/missing', PATH: '/usr/bin' },
        only('/usr/bin/chromium'),
      ),
      undefined,
    );
  });

  it('then /usr/bin/chromium, then chromium or google-chrome on PATH', () => {
    assert.equal(
      findChromium({ PATH: '/a:/b' }, only('/usr/bin/chromium', '/b/chromium')),
      '/usr/bin/chromium',
    );
    assert.equal(
      findChromium({ PATH: '/a:/b' }, only('/b/chromium', '/a/google-chrome')),
      '/a/google-chrome',
    );
    assert.equal(findChromium({ PATH: '/a::/b' }, only('/b/chromium')), '/b/chromium');
    assert.equal(findChromium({ PATH: '/a:/b' }, only()), undefined);
    assert.equal(findChromium({}, only()), undefined);
  });

  it('says in one line what to do when there is none', () => {
    assert.equal(
      chromiumMissingMessage('svg', {}),
      '--format svg needs Chromium; install it (apt-get install chromium) or set NETPATHS_CHROMIUM',
    );
    assert.equal(
      chromiumMissingMessage('html', { NETPATHS_CHROMIUM: '/opt/x' }),
      '--format html needs Chromium; install it (apt-get install chromium) or set NETPATHS_CHROMIUM (NETPATHS_CHROMIUM=/opt/x is not an executable file)',
    );
  });
});
