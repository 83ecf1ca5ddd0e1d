import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigAttribute } from '../../src/webview/config';
import { buildWebviewHtml, contentSecurityPolicy, escapeHtml } from '../../src/webview/html';

const base = {
  cspSource: 'https://*.vscode-cdn.net',
  nonce: 'c2VjcmV0LW5vbmNlLTEyMzQ1Ng==',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/webview.css',
  title: 'e1000e ingress',
  config: {},
};

describe('buildWebviewHtml', () => {
  it('sets a strict CSP: nothing by default, scripts by nonce only', () => {
    const html = buildWebviewHtml(base);
    const csp =
      /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    assert.equal(
      csp.replace(/&#39;/g, "'"),
      "default-src 'none'; script-src 'nonce-c2VjcmV0LW5vbmNlLTEyMzQ1Ng=='; style-src https://*.vscode-cdn.net 'unsafe-inline'; img-src https://*.vscode-cdn.net data:; font-src https://*.vscode-cdn.net",
    );
    assert.doesNotMatch(csp, /unsafe-eval/);
    assert.equal(contentSecurityPolicy('x', 'n').split('; ').length, 5);
  });

  it('loads exactly one script, a module, by nonce and URI, with no inline code', () => {
    const html = buildWebviewHtml(base);
    const scripts = html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? [];
    assert.equal(scripts.length, 1);
    assert.equal(
      scripts[0],
      `<script type="module" nonce="c2VjcmV0LW5vbmNlLTEyMzQ1Ng==" src="${base.scriptUri}"></script>`,
    );
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handlers');
  });

  it('preloads the chunks of the first drawing as module preloads with the same nonce, escaped', () => {
    const chunk =
      'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/chunks/flowDiagram-A.js';
    const html = buildWebviewHtml({
      ...base,
      preloadUris: [chunk, 'x"><script>alert(1)</script>'],
    });
    const links = html.match(/<link rel="modulepreload"[^>]*>/g) ?? [];
    assert.deepEqual(links, [
      `<link rel="modulepreload" nonce="c2VjcmV0LW5vbmNlLTEyMzQ1Ng==" href="${chunk}">`,
      '<link rel="modulepreload" nonce="c2VjcmV0LW5vbmNlLTEyMzQ1Ng==" href="x&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;">',
    ]);
    assert.equal((html.match(/<script\b/g) ?? []).length, 1);
    assert.equal(buildWebviewHtml(base).includes('modulepreload'), false);
  });

  it('escapes the title and keeps the config in an escaped data attribute', () => {
    const hostile = '</script><script>alert(1)</script>"\'&';
    const html = buildWebviewHtml({
      ...base,
      title: hostile,
      config: { maxTextSize: 20_000, layout: 'elk' },
    });
    assert.ok(!html.includes('<script>alert'));
    assert.ok(
      html.includes('&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#39;&#38;'),
    );
    const attr = /data-config="([^"]*)"/.exec(html)?.[1] ?? '';
    assert.ok(!attr.includes('"') && !attr.includes('<'));
    const decoded = attr.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    assert.deepEqual(parseConfigAttribute(decoded), {
      maxTextSize: 20_000,
      maxEdges: 500,
      layout: 'elk',
    });
  });

  it('refuses a nonce or CSP source that could break out of the policy', () => {
    assert.throws(() => buildWebviewHtml({ ...base, nonce: "abc' 'unsafe-inline" }), /nonce/);
    assert.throws(() => buildWebviewHtml({ ...base, nonce: 'short' }), /nonce/);
    assert.throws(
      () => buildWebviewHtml({ ...base, cspSource: "https://x; script-src 'unsafe-inline'" }),
      /cspSource/,
    );
    assert.throws(
      () => buildWebviewHtml({ ...base, cspSource: "'unsafe-inline' https://x" }),
      /cspSource/,
    );
    assert.throws(() => buildWebviewHtml({ ...base, cspSource: "'self'https://x" }), /cspSource/);
    // code-server's webviews serve resources from 'self' as well as a CDN-like host.
    assert.match(
      buildWebviewHtml({ ...base, cspSource: "'self' https://*.vscode-cdn.net" }),
      /style-src &#39;self&#39; https:\/\/\*\.vscode-cdn\.net &#39;unsafe-inline&#39;/,
    );
  });

  it('escapes the five HTML-significant characters', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });
});

describe('config', () => {
  it('falls back to defaults on malformed JSON and clamps numbers', () => {
    assert.deepEqual(parseConfigAttribute('{not json'), {
      maxTextSize: 50_000,
      maxEdges: 500,
      layout: 'dagre',
    });
    assert.deepEqual(parseConfigAttribute(null), {
      maxTextSize: 50_000,
      maxEdges: 500,
      layout: 'dagre',
    });
    assert.deepEqual(
      parseConfigAttribute('{"maxTextSize": 1e12, "maxEdges": -4, "layout": "<x>", "evil": 1}'),
      { maxTextSize: 2_000_000, maxEdges: 10, layout: 'dagre' },
    );
  });
});
