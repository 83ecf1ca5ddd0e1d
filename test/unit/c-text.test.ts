// The C text scanner: each primitive on the inputs that tell a C reader from a naive one.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  NOT_FOUND,
  blockCommentEnd,
  lineCommentEnd,
  lineEnd,
  literalEnd,
  maskCode,
  maskComments,
  matchingBracket,
  openingBracket,
  skipCommentOrLiteral,
  splitArguments,
} from '../../src/analysis/index/c-text';

/** Index of the `nth` (0-based) occurrence of `needle` in `text`; fails the test when absent. */
function at(text: string, needle: string, nth = 0): number {
  let i = text.indexOf(needle);
  for (let k = 0; k < nth && i >= 0; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${JSON.stringify(needle)} #${nth} in ${JSON.stringify(text)}`);
  return i;
}

describe('blockCommentEnd', () => {
  it('ends a nested-looking comment at its first star-slash', () => {
    const text = '/* a /* b */ c */';
    assert.equal(blockCommentEnd(text, 0), at(text, '*/') + 2);
  });

  it('does not take the star of the opening for a closing one', () => {
    const text = '/*/ x */y';
    assert.equal(blockCommentEnd(text, 0), at(text, 'y'));
  });

  it('returns NOT_FOUND for a comment never closed', () => {
    assert.equal(blockCommentEnd('/* a\n b *', 0), NOT_FOUND);
  });
});

describe('lineCommentEnd', () => {
  it('ends at the newline, whatever the comment holds', () => {
    const text = '// a /* b "c\nd */';
    assert.equal(lineCommentEnd(text, 0), at(text, '\n'));
  });

  it('goes on past a backslash-newline, LF or CR LF', () => {
    const text = '// a \\\n b \\\r\n c\nd';
    assert.equal(lineCommentEnd(text, 0), at(text, '\n', 2));
  });

  it('runs to the end of the text when no newline follows', () => {
    assert.equal(lineCommentEnd('x // y', 2), 6);
  });
});

describe('literalEnd', () => {
  it('reads a double quote in a character literal as its content', () => {
    const text = `'"' x "`;
    assert.equal(literalEnd(text, 0), 3);
  });

  it('ends a string whose last character is an escaped backslash', () => {
    const text = '"\\\\" x "';
    assert.equal(literalEnd(text, 0), 4);
  });

  it('steps over an escaped quote', () => {
    assert.equal(literalEnd(`'\\'' x`, 0), 4);
    assert.equal(literalEnd('"a\\"b" x', 0), 6);
  });

  it('follows a string continued with a backslash-newline', () => {
    const text = '"a\\\nb" x';
    assert.equal(literalEnd(text, 0), at(text, '" x') + 1);
  });

  it('returns NOT_FOUND when the line ends first, even after an escaped backslash', () => {
    assert.equal(literalEnd('"abc\nd"', 0), NOT_FOUND);
    assert.equal(literalEnd('"abc\\\\\nd"', 0), NOT_FOUND);
    assert.equal(literalEnd("'x", 0), NOT_FOUND);
  });

  it('returns NOT_FOUND where no quote stands', () => {
    assert.equal(literalEnd('abc"', 0), NOT_FOUND);
  });
});

describe('skipCommentOrLiteral', () => {
  it('skips a comment or a literal, and nothing elsewhere', () => {
    const text = 'a / b "//" /* x */ // y\nz';
    assert.equal(skipCommentOrLiteral(text, 0), 0);
    assert.equal(skipCommentOrLiteral(text, at(text, '/ b')), at(text, '/ b'));
    assert.equal(skipCommentOrLiteral(text, at(text, '"')), at(text, '" /*') + 1);
    assert.equal(skipCommentOrLiteral(text, at(text, '/*')), at(text, ' // y'));
    assert.equal(skipCommentOrLiteral(text, at(text, '// y')), at(text, '\n'));
  });

  it("reads a stray quote to its line's end and an open comment to the text's end", () => {
    const text = "don't (\n) /* x";
    assert.equal(skipCommentOrLiteral(text, at(text, "'")), at(text, '\n'));
    assert.equal(skipCommentOrLiteral(text, at(text, '/*')), text.length);
  });
});

describe('lineEnd', () => {
  it('runs past backslash-newlines and comments that span lines', () => {
    const text = '#define X a \\\n b /* c\n d */ e\nf';
    assert.equal(lineEnd(text, 0), at(text, '\n', 2));
  });

  it('takes no comment opener inside a string for a comment', () => {
    const text = '#define S "/*"\nint x; /* */\n';
    assert.equal(lineEnd(text, 0), at(text, '\n'));
  });

  it('stops at the newline of a line comment, whatever it holds', () => {
    const text = '#endif // a /* b\nc */ d\n';
    assert.equal(lineEnd(text, 0), at(text, '\n'));
  });
});

describe('matchingBracket', () => {
  it('skips brackets in comments, strings and character literals', () => {
    const text = 'f(a, \')\', ")", /* ) */ b // )\n) x';
    assert.equal(matchingBracket(text, 1), at(text, ') x'));
  });

  it("reads '\"' as a character, not as a string's start", () => {
    const text = `f('"', x) ")"`;
    assert.equal(matchingBracket(text, 1), at(text, ') "'));
  });

  it('opens no comment at a slash-star inside a character literal or string', () => {
    const text = 'f(\'/*\', "/*", 1) */ )';
    assert.equal(matchingBracket(text, 1), at(text, ') */'));
  });

  it('finds no comment inside a string: a // there is text', () => {
    const text = 'f("//", a\n)';
    assert.equal(matchingBracket(text, 1), text.length - 1);
  });

  it('counts only the kind of bracket it starts on', () => {
    const text = '{ a[(] }';
    assert.equal(matchingBracket(text, 0), text.length - 1);
    assert.equal(matchingBracket(text, at(text, '[')), at(text, ']'));
  });

  it('returns NOT_FOUND when unbalanced, when a comment never closes, or on no bracket', () => {
    assert.equal(matchingBracket('f(a, (b)', 1), NOT_FOUND);
    assert.equal(matchingBracket('f(a /* ) */', 1), NOT_FOUND);
    assert.equal(matchingBracket('x(a)', 0), NOT_FOUND);
  });

  it('reads on past a stray quote from the next line', () => {
    const text = "f(a, don't\n) x";
    assert.equal(matchingBracket(text, 1), at(text, ') x'));
  });

  it('gives up at the end given, and at a semicolon past the limit', () => {
    const text = 'f(a; b; c)';
    assert.equal(matchingBracket(text, 1, { end: 6 }), NOT_FOUND);
    assert.equal(matchingBracket(text, 1, { semicolonLimit: 4 }), NOT_FOUND);
    assert.equal(matchingBracket(text, 1, { semicolonLimit: 5 }), text.length - 1);
  });
});

describe('openingBracket', () => {
  it('skips brackets in comments and literals between the two', () => {
    const text = 'g(a) + f(b, ")", \'(\', /* ( */ h(c))->x';
    assert.equal(openingBracket(text, at(text, ')->')), at(text, 'f(') + 1);
  });

  it('reads from the given start', () => {
    const text = '( x ( y )';
    assert.equal(openingBracket(text, text.length - 1), 4);
    assert.equal(openingBracket(text, text.length - 1, 5), NOT_FOUND);
  });

  it('returns NOT_FOUND when unbalanced or when the bracket lies in a comment or literal', () => {
    assert.equal(openingBracket('a) b)', 4), NOT_FOUND);
    assert.equal(openingBracket('(a /* ) */', at('(a /* ) */', ')')), NOT_FOUND);
    assert.equal(openingBracket('("a)")', 3), NOT_FOUND);
  });
});

describe('splitArguments', () => {
  it('splits at top-level commas only', () => {
    const text = 'f(a, g(b, c), "x,y", /* , */ \',\', [1, 2], {3, 4}) + z';
    const list = splitArguments(text, 1);
    assert.deepEqual(
      list.args.map((a) => text.slice(a.from, a.to).trim()),
      ['a', 'g(b, c)', '"x,y"', "/* , */ ','", '[1, 2]', '{3, 4}'],
    );
    assert.equal(list.close, at(text, ') + z'));
  });

  it('gives one empty argument for an empty list', () => {
    assert.deepEqual(splitArguments('f()', 1), { args: [{ from: 2, to: 2 }], close: 2 });
  });

  it('keeps the complete arguments of a list that does not close before the end', () => {
    const text = 'f(a, b, c';
    const list = splitArguments(text, 1);
    assert.deepEqual(
      list.args.map((a) => text.slice(a.from, a.to).trim()),
      ['a', 'b'],
    );
    assert.equal(list.close, NOT_FOUND);
    assert.equal(splitArguments('f(a, b)', 1, 5).close, NOT_FOUND);
  });
});

describe('maskComments', () => {
  it('blanks comments to spaces, keeping every newline and the length', () => {
    const text = 'a /* b\n c */ d // e /* f\ng';
    const out = maskComments(text);
    assert.equal(out, 'a     \n      d          \ng');
  });

  it('leaves a comment opener inside a string alone', () => {
    const text = 'x = "// no /* no"; y; /* yes */';
    assert.equal(maskComments(text), 'x = "// no /* no"; y;          ');
  });

  it('blanks what stands between the quotes with literals, a continued string too', () => {
    const text = 's = "a\\\nb", c = \'"\', d = "\\\\"; /* e */';
    assert.equal(maskComments(text, { literals: true }), `s = "  \n ", c = ' ', d = "  ";        `);
  });

  it("blanks a stray quote's line to its end, and no further", () => {
    const text = "#error don't\nint x; // y";
    assert.equal(maskComments(text, { literals: true }), "#error don' \nint x;     ");
  });

  it('returns the text itself when there is nothing to mask', () => {
    const text = 'int a = b / c;';
    assert.equal(maskComments(text), text);
  });

  it('blanks a comment of several lines ending in CR LF to spaces, the newlines kept', () => {
    const text = 'a /* b\r\n c\r\n */ d';
    // The CR of each line is blanked with the comment: only the LF stays.
    assert.equal(maskComments(text), `a${' '.repeat(6)}\n${' '.repeat(3)}\n${' '.repeat(4)}d`);
  });
});

describe('maskCode', () => {
  it('masks as maskComments with literals, for each text it is given, again and again', () => {
    const texts = Array.from({ length: 80 }, (_, i) => `f(${i}, "s${i}"); /* c${i} */`);
    for (const round of [1, 2])
      for (const text of texts)
        assert.equal(
          maskCode(text),
          maskComments(text, { literals: true }),
          `round ${round}: ${text}`,
        );
  });
});
