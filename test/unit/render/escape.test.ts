import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  escapeDot,
  escapeMermaid,
  plainText,
  singleLine,
  truncate,
} from '../../../src/analysis/render/escape';

describe('escapeMermaid', () => {
  it('keeps identifiers and paths readable', () => {
    assert.equal(escapeMermaid('__netif_receive_skb_core'), '__netif_receive_skb_core');
    assert.equal(escapeMermaid('net/core/dev.c:5386'), 'net/core/dev.c:5386');
  });

  it('writes every character that means something to Mermaid or HTML as an entity code', () => {
    assert.equal(escapeMermaid('"'), '#34;');
    assert.equal(escapeMermaid('#'), '#35;');
    assert.equal(escapeMermaid(';'), '#59;');
    assert.equal(escapeMermaid('|'), '#124;');
    assert.equal(escapeMermaid('[]{}'), '#91;#93;#123;#125;');
    assert.equal(escapeMermaid('<>&'), '#60;#62;#38;');
    assert.equal(escapeMermaid('`'), '#96;');
    assert.equal(escapeMermaid('%%'), '#37;#37;');
    assert.equal(escapeMermaid('</script>'), '#60;/script#62;');
  });

  it('leaves no character that could end a label or start a statement', () => {
    const hostile =
      '"]; click n0 call alert(1) %%{init}%% \n end\r\nsubgraph x["y"] `md` #quot; <b>&amp;</b>';
    const escaped = escapeMermaid(hostile);
    assert.match(escaped, /^(?:[A-Za-z0-9 _.,:/()+=*@$!?~^\u00a1-\u2027\u202a-\uffff-]|#\d+;)*$/u);
    assert.doesNotMatch(escaped, /\n/);
  });

  it('escapes an existing entity code so it shows literally', () => {
    assert.equal(escapeMermaid('#quot;'), '#35;quot#59;');
  });

  it('writes characters outside the BMP as one code', () => {
    assert.equal(escapeMermaid('😀'), '#128512;');
  });
});

describe('singleLine, truncate, plainText, escapeDot', () => {
  it('collapses line breaks and controls', () => {
    assert.equal(singleLine('a\nb\r\n\tc\u2028d\u0000e'), 'a b c d e');
  });

  it('truncates by characters with an ellipsis', () => {
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('abc', 4), 'abc');
  });

  it('makes terminal escapes visible in plain text', () => {
    assert.equal(plainText('a\u001b[31mred'), 'a\\x1b[31mred');
    assert.equal(plainText('two\nlines'), 'two lines');
  });

  it('escapes DOT strings: quotes and backslashes', () => {
    assert.equal(escapeDot('say "hi" \\N'), 'say \\"hi\\" \\\\N');
  });
});
