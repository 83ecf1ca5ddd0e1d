import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  STANDALONE_SCRIPT,
  standaloneCsp,
  standaloneHtml,
} from '../../../src/analysis/render/html-page';
import { base64, cspHash, sha256 } from '../../../src/analysis/render/sha256';
import { isSafeLink, sanitizeSvg, tokenizeSvg } from '../../../src/analysis/render/svg-markup';

const nodeHash = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('base64');

describe('sha256', () => {
  it('matches node:crypto, across block boundaries and for non-ASCII text', () => {
    for (const text of [
      '',
      'abc',
      'x'.repeat(55),
      'x'.repeat(56),
      'x'.repeat(63),
      'x'.repeat(64),
      'x'.repeat(1000),
      'héllo → ⇄ ◆ 😀',
      STANDALONE_SCRIPT,
    ]) {
      assert.equal(base64(sha256(text)), nodeHash(text), `${text.length} characters`);
    }
  });

  it('encodes a lone surrogate as U+FFFD, as TextEncoder does', () => {
    assert.equal(base64(sha256('a\ud800b')), nodeHash('a\ufffdb'));
  });

  it('pads base64', () => {
    assert.equal(base64(Uint8Array.from([1])), Buffer.from([1]).toString('base64'));
    assert.equal(base64(Uint8Array.from([1, 2])), Buffer.from([1, 2]).toString('base64'));
  });
});

const SVG =
  '<svg id="d" xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100"><style>#d .node > rect{fill:#fff}</style><g class="node"><rect width="10" height="10"/><text>e1000_intr_msi</text></g></svg>';

describe('standaloneHtml', () => {
  const page = standaloneHtml({
    svg: SVG,
    title: 'e1000e ingress',
    subtitle: '35 functions, 35 calls',
  });

  it('has a strict CSP that allows its one script by hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1];
    assert.equal(csp, standaloneCsp());
    assert.equal(
      csp,
      `default-src 'none'; script-src 'sha256-${nodeHash(STANDALONE_SCRIPT)}'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'`,
    );
    assert.equal(cspHash(STANDALONE_SCRIPT), `'sha256-${nodeHash(STANDALONE_SCRIPT)}'`);
    const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.equal(
      scripts[0]?.[1],
      STANDALONE_SCRIPT,
      'the hashed text is exactly the script element',
    );
  });

  it('loads nothing from the network', () => {
    assert.doesNotMatch(page, /\b(?:src|href)=["']?(?:https?:)?\/\//i);
    assert.doesNotMatch(page, /@import|url\(/i);
  });

  it('puts the SVG inline, with the title and subtitle as text', () => {
    assert.ok(page.includes(SVG), 'the SVG is kept as it is');
    assert.ok(page.includes('<title>e1000e ingress</title>'));
    assert.ok(page.includes('<h1>e1000e ingress</h1>'));
    assert.ok(page.includes('<p>35 functions, 35 calls</p>'));
  });

  it('escapes a hostile title', () => {
    const hostile = standaloneHtml({
      svg: SVG,
      title: '</title></script><script>alert(1)</script> "q" `b` & <b>',
      subtitle: '<img src=x onerror=alert(2)>',
    });
    assert.equal(hostile.match(/<script\b/g)?.length, 1);
    assert.ok(
      hostile.includes(
        '<title>&lt;/title&gt;&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; `b` &amp; &lt;b&gt;</title>',
      ),
    );
    assert.ok(hostile.includes('aria-label="&lt;/title&gt;'));
    assert.doesNotMatch(hostile, /<img/);
  });

  it('refuses something that is not an SVG drawing', () => {
    assert.throws(
      () => standaloneHtml({ svg: '<html><body>no</body></html>', title: 't' }),
      /not an SVG/,
    );
    assert.throws(
      () => standaloneHtml({ svg: '<script>alert(1)</script>', title: 't' }),
      /not an SVG/,
    );
  });

  it('offers the source-link hint only when the drawing has links', () => {
    assert.doesNotMatch(page, /click a function/);
    const linked = standaloneHtml({
      svg: SVG.replace(
        '<g class="node">',
        '<a class="np-source-link" href="net/core/dev.c#L1"><g class="node">',
      ).replace('</g></svg>', '</g></a></svg>'),
      title: 't',
    });
    assert.match(linked, /click a function for its source/);
  });
});

describe('sanitizeSvg', () => {
  const hostile = [
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" id="d">',
    '<script>alert(2)</script>',
    '<SCRIPT type="text/javascript">alert(3)</SCRIPT>',
    '<g onclick="alert(4)" OnMouseOver=\'alert(5)\' class="node"><text>kept text &lt;/script&gt;</text></g>',
    '<a href="javascript:alert(6)"><text>a1</text></a>',
    '<a xlink:href="&#106;avascript:alert(7)"><text>a2</text></a>',
    '<a href="java&#x09;script:alert(8)"><text>a3</text></a>',
    '<a href=" JAVASCRIPT:alert(9)"><text>a4</text></a>',
    '<a href="data:text/html,x"><text>a5</text></a>',
    '<a href="//evil.example/x"><text>a6</text></a>',
    '<a href="https://elixir.bootlin.com/linux/v6.12/source/net/core/dev.c#L1"><text>good</text></a>',
    '<a href="net/core/dev.c#L1"><text>relative</text></a>',
    '<animate attributeName="href" values="javascript:alert(10)"/>',
    '<set attributeName="onmouseover" to="alert(11)"></set>',
    '<foreignObject><iframe src="https://evil.example"></iframe><div>fo</div></foreignObject>',
    '<use href="https://evil.example/sprite.svg#x"/><use href="#local"/>',
    '<image href="https://evil.example/t.png"/>',
    '<rect style="fill: url(javascript:alert(12))"/><rect style="fill:#fff"/>',
    '<!-- a comment --><?pi x?><![CDATA[<b>cdata</b>]]>',
    '</svg>',
  ].join('');
  const clean = sanitizeSvg(hostile);

  it('removes script, event attributes and non-http(s) links', () => {
    assert.doesNotMatch(clean, /<script/i);
    assert.doesNotMatch(clean, /alert/);
    assert.doesNotMatch(clean, /\son[a-z]+=/i);
    assert.doesNotMatch(clean, /<(?:animate|set|iframe)\b/i);
    assert.doesNotMatch(clean, /evil\.example/);
  });

  it('keeps the drawing: text, shapes, http(s) and relative links, local references', () => {
    for (const kept of [
      '<g class="node"><text>kept text &lt;/script&gt;</text></g>',
      '<a href="https://elixir.bootlin.com/linux/v6.12/source/net/core/dev.c#L1"><text>good</text></a>',
      '<a href="net/core/dev.c#L1"><text>relative</text></a>',
      '<use href="#local"/>',
      '<rect style="fill:#fff"/>',
      '<div>fo</div>',
    ]) {
      assert.ok(clean.includes(kept), kept);
    }
    for (const text of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'])
      assert.ok(
        clean.includes(`<text>${text}</text>`),
        `the text of a refused link (${text}) stays`,
      );
  });

  it('writes CDATA as escaped text and drops comments and processing instructions', () => {
    assert.ok(clean.includes('&lt;b&gt;cdata&lt;/b&gt;'));
    assert.doesNotMatch(clean, /<!--|<\?|CDATA/);
  });

  it('makes the markup valid XML: no &nbsp;, bare & or control characters', () => {
    const out = sanitizeSvg(
      '<svg><text title="a&nbsp;b &amp; c & d">x&nbsp;y & z \u0007 &#7; &#x1F600;</text></svg>',
    );
    assert.equal(
      out,
      '<svg><text title="a&#160;b &amp; c &amp; d">x&#160;y &amp; z \ufffd \ufffd &#128512;</text></svg>',
    );
  });

  it('undoes the codes Mermaid leaves as text in export titles and edge labels, left to right', () => {
    // `<x>` drawn with htmlLabels off: Mermaid writes the text `&#60;x&#62;`.
    assert.equal(
      sanitizeSvg('<svg><text>a &amp;#60;x&amp;#62;</text></svg>'),
      '<svg><text>a &#60;x&#62;</text></svg>',
    );
    // The text `&#60;` itself (escapeMermaid: `#38;#35;60#59;`) stays that text.
    assert.equal(
      sanitizeSvg('<svg><text>&amp;#38;&amp;#35;60&amp;#59;</text></svg>'),
      '<svg><text>&#38;&#35;60&#59;</text></svg>',
    );
  });

  it('is idempotent', () => {
    assert.equal(sanitizeSvg(clean), clean);
  });

  it('never throws and keeps no tag from arbitrary input', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pieces = [
      '<',
      '>',
      '/',
      '"',
      "'",
      '=',
      ' ',
      'script',
      'svg',
      'a',
      'href',
      'onload',
      'javascript:',
      '&',
      '#',
      ';',
      '<!--',
      '-->',
      '<![CDATA[',
      ']]>',
      'x',
    ];
    for (let n = 0; n < 500; n++) {
      const input = Array.from(
        { length: 1 + Math.floor(random() * 40) },
        () => pieces[Math.floor(random() * pieces.length)] ?? '',
      ).join('');
      assert.equal(
        tokenizeSvg(input)
          .map((t) => t.raw)
          .join(''),
        input,
        'the tokens cover the input',
      );
      const out = sanitizeSvg(input);
      for (const token of tokenizeSvg(out)) {
        assert.notEqual(token.kind, 'other', `no comment or CDATA is left: ${input}`);
        if (token.kind !== 'open' && token.kind !== 'close') continue;
        assert.match(token.name, /^[A-Za-z_][A-Za-z0-9_.:-]*$/, input);
        assert.notEqual(token.name.toLowerCase(), 'script', input);
        if (token.kind === 'open')
          for (const a of token.attrs)
            assert.ok(
              !a.name.toLowerCase().startsWith('on') &&
                (!/href$/i.test(a.name) || isSafeLink(a.value ?? '')),
              input,
            );
      }
      assert.equal(sanitizeSvg(out), out, input);
    }
  });
});

describe('isSafeLink', () => {
  it('accepts http(s), relative and fragment links only', () => {
    for (const ok of [
      'https://x.example/a',
      'HTTP://x.example',
      'net/core/dev.c#L1',
      '/abs/path',
      '#frag',
      '?q=1',
      'a/b:c',
    ])
      assert.equal(isSafeLink(ok), true, ok);
    for (const bad of [
      'javascript:x',
      ' javascript:x',
      'java\nscript:x',
      'jav&#x61;script:x',
      'data:x',
      'file:///etc',
      'mailto:a@b',
      '//evil',
      '\\\\evil',
      'vbscript:x',
    ])
      assert.equal(isSafeLink(bad), false, bad);
  });
});
