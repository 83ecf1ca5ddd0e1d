import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  readSkbuffDoc,
  readStructDoc,
  type StructFieldDoc,
} from '../../../src/analysis/knowledge/skbuff-doc';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'knowledge', 'mini-skbuff.h');
const text = readFileSync(FIXTURE, 'utf8');
const lines = text.split('\n');

/** 1-based line of the only line that contains `needle`. */
function lineOf(needle: string): number {
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  assert.equal(hits.length, 1, `fixture must contain ${JSON.stringify(needle)} exactly once`);
  return hits[0] ?? 0;
}

function field(fields: readonly StructFieldDoc[], name: string): StructFieldDoc {
  const f = fields.find((x) => x.name === name);
  assert.ok(f, `field ${name} not found; got ${fields.map((x) => x.name).join(', ')}`);
  return f;
}

describe('readSkbuffDoc on a fixture header', () => {
  const fields = readSkbuffDoc(text);

  test('lists the members of struct sk_buff in declaration order, then stale doc entries', () => {
    assert.deepEqual(
      fields.map((f) => f.name),
      [
        'next',
        'prev',
        'dev',
        'dev_scratch',
        'rbnode',
        'sk',
        'cb',
        'destructor',
        'len',
        'data_len',
        'cloned',
        'nohdr',
        'pkt_type',
        'ip_summed',
        'csum',
        'csum_start',
        'csum_offset',
        'debug_only',
        'release_only',
        'protocol',
        'network_header',
        'adj',
        'adj.upper',
        'adj.lower',
        'inline_doc',
        'undocumented',
        'tail',
        'end',
        'head',
        'data',
        'users',
        'gone',
      ],
    );
  });

  test('ignores the decoy struct sk_buff_head, the forward declaration and the comment', () => {
    assert.equal(
      fields.find((f) => f.name === 'qlen'),
      undefined,
    );
    assert.equal(
      fields.find((f) => f.name === 'not_a_member'),
      undefined,
    );
  });

  test('merges type, declaration line and kernel-doc', () => {
    assert.deepEqual(field(fields, 'data'), {
      name: 'data',
      description: 'Packet start',
      type: 'unsigned char *',
      decl: 'unsigned char *data',
      line: lineOf('*data;'),
      docLine: lineOf('@data:'),
    });
    assert.deepEqual(field(fields, 'len'), {
      name: 'len',
      description: 'Byte count',
      type: 'unsigned int',
      decl: 'unsigned int len',
      line: lineOf('unsigned int\t\tlen,'),
      docLine: lineOf('@len:'),
    });
    const dataLen = field(fields, 'data_len');
    assert.equal(dataLen.type, 'unsigned int');
    assert.equal(dataLen.line, lineOf('data_len;'));
    assert.equal(field(fields, 'head').type, 'unsigned char *');
    assert.equal(field(fields, 'tail').type, 'sk_buff_data_t');
    assert.equal(field(fields, 'tail').line, lineOf('sk_buff_data_t\t\ttail;'));
  });

  test('reads descriptions that continue on following lines', () => {
    assert.equal(field(fields, 'cb').description, 'Scratch area for layers');
    assert.equal(
      field(fields, 'dev_scratch').description,
      '(aka @dev) scratch use of the device slot',
    );
    assert.equal(
      field(fields, 'users').description,
      'References',
      'the paragraph after a blank line is not part of @users',
    );
  });

  test('handles arrays with attributes, function pointers and bitfields', () => {
    assert.equal(field(fields, 'cb').type, 'char[48]');
    assert.equal(field(fields, 'cb').decl, 'char cb[48]');
    assert.equal(field(fields, 'destructor').type, 'void (*)(struct sk_buff *skb)');
    assert.equal(field(fields, 'destructor').decl, 'void (*destructor)(struct sk_buff *skb)');
    const cloned = field(fields, 'cloned');
    assert.equal(cloned.type, '__u8');
    assert.equal(cloned.bits, 1);
    assert.equal(cloned.decl, '__u8 cloned:1');
    assert.equal(field(fields, 'nohdr').bits, 1);
    assert.equal(field(fields, 'nohdr').line, lineOf('nohdr:1;'));
    assert.equal(field(fields, 'pkt_type').bits, 3);
  });

  test('flags union members and struct_group members', () => {
    for (const name of ['next', 'prev', 'dev', 'dev_scratch', 'rbnode', 'csum', 'csum_start'])
      assert.equal(field(fields, name).union, true, name);
    for (const name of ['sk', 'len', 'protocol', 'data'])
      assert.equal(field(fields, name).union, undefined, name);
    for (const name of ['pkt_type', 'ip_summed', 'csum', 'protocol', 'network_header'])
      assert.equal(field(fields, name).group, 'headers', name);
    assert.equal(field(fields, 'cloned').group, undefined);
    assert.equal(field(fields, 'tail').group, undefined);
  });

  test('records preprocessor conditions', () => {
    assert.deepEqual(field(fields, 'debug_only').conditions, ['CONFIG_TEST_DEBUG']);
    assert.deepEqual(field(fields, 'release_only').conditions, ['!CONFIG_TEST_DEBUG']);
    assert.equal(field(fields, 'protocol').conditions, undefined);
    assert.equal(
      field(fields, 'cloned').conditions,
      undefined,
      'the #ifdef __BIG_ENDIAN_BITFIELD block above it is closed',
    );
  });

  test('hides private markers unless asked', () => {
    assert.equal(
      fields.find((f) => f.name.startsWith('__')),
      undefined,
    );
    const all = readSkbuffDoc(text, { includePrivate: true });
    const marker = field(all, '__pkt_type_offset');
    assert.equal(marker.private, true);
    assert.equal(marker.type, '__u8[0]');
    assert.equal(marker.line, lineOf('__pkt_type_offset[0];'));
    assert.equal(field(all, '__cloned_offset').private, true);
    assert.equal(field(all, 'cloned').private, undefined, 'public: ends the private section');
  });

  test('names members of a named nested struct with a dotted prefix', () => {
    assert.equal(field(fields, 'adj').type, 'struct {...}');
    assert.equal(field(fields, 'adj.upper').type, 'struct list_head');
    assert.equal(field(fields, 'adj').description, 'Adjacent lists');
  });

  test('reads inline kernel-doc and keeps undocumented and stale entries apart', () => {
    assert.equal(
      field(fields, 'inline_doc').description,
      'Documented inline, next to its declaration',
    );
    assert.equal(field(fields, 'undocumented').description, undefined);
    const gone = field(fields, 'gone');
    assert.equal(gone.line, undefined);
    assert.equal(gone.type, undefined);
    assert.equal(gone.docLine, lineOf('@gone:'));
  });

  test('every declared line contains the member name', () => {
    for (const f of readSkbuffDoc(text, { includePrivate: true })) {
      if (f.line === undefined) continue;
      const last = f.name.split('.').pop() ?? f.name;
      assert.match(
        lines[f.line - 1] ?? '',
        new RegExp(`\\b${last}\\b`),
        `${f.name} at line ${f.line}`,
      );
    }
  });
});

describe('readStructDoc', () => {
  test('returns the struct position and summary', () => {
    const doc = readStructDoc(text, 'sk_buff');
    assert.ok(doc);
    assert.equal(
      doc.line,
      lines.indexOf('struct sk_buff {') + 1,
      'the real definition, not the decoy in the comment',
    );
    assert.ok(doc.line > lineOf('decoy in a comment'));
    assert.equal(doc.summary, 'test buffer');
    assert.equal(doc.docLine, lineOf('struct sk_buff - test buffer') - 1);
    assert.equal(lines[doc.endLine - 1], '};');
  });

  test('reads another struct: macro markers, DECLARE_BITMAP, struct_group_tagged', () => {
    const doc = readStructDoc(text, 'mini_napi');
    assert.ok(doc);
    assert.equal(doc.summary, 'a second struct for readStructDoc');
    assert.deepEqual(
      doc.fields.map((f) => [f.name, f.type, f.group]),
      [
        ['poll', 'int (*)(struct mini_napi *, int)', undefined],
        ['state', 'unsigned long', undefined],
        ['flags', 'unsigned long[]', undefined],
        ['a', 'int', 'grp'],
        ['b', 'int', 'grp'],
      ],
    );
    assert.equal(field(doc.fields, 'poll').description, 'Poll callback');
  });

  test('the decoy sk_buff_head is found by its own name', () => {
    const doc = readStructDoc(text, 'sk_buff_head');
    assert.deepEqual(
      doc?.fields.map((f) => f.name),
      ['next', 'qlen'],
    );
    assert.equal(doc?.summary, 'a decoy whose name starts like the real one');
  });

  test('absent structs and bad names give undefined', () => {
    assert.equal(readStructDoc(text, 'net_device'), undefined);
    assert.equal(readStructDoc(text, 'sk_buff {'), undefined);
    assert.deepEqual(readSkbuffDoc('struct other { int a; };'), []);
  });

  test('keeps working on an unterminated struct', () => {
    assert.equal(readStructDoc('struct sk_buff {\n\tint a;\n', 'sk_buff'), undefined);
  });
});
