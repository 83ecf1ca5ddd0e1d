import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  code,
  findHoverTarget,
  functionMarkdown,
  hoverAt,
  MAX_HOVER_LINE,
  skbOpDiagram,
  surroundingLines,
  text,
  type HoverOptions,
} from '../../../src/analysis/knowledge/hover';
import { findSkbOp } from '../../../src/analysis/knowledge/skb-ops';
import { readSkbuffDoc, type SkbFieldDoc } from '../../../src/analysis/knowledge/skbuff-doc';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'knowledge', 'mini-skbuff.h');
const doc = readSkbuffDoc(readFileSync(FIXTURE, 'utf8'));
const linkTo = (file: string, line: number): string => `file:///src/linux/${file}#L${line}`;

/** The hover with the cursor inside the `nth` occurrence of `word` in `line` (its second character). */
function at(line: string, word: string, options: HoverOptions = {}, nth = 0) {
  let col = -1;
  for (let i = 0; i <= nth; i++) col = line.indexOf(word, col + 1);
  assert.ok(col >= 0, `${word} in ${line}`);
  return hoverAt(line, col + Math.min(1, word.length - 1), { doc, linkTo, ...options });
}

function targetAt(line: string, word: string, options: HoverOptions = {}) {
  const col = line.indexOf(word);
  assert.ok(col >= 0, `${word} in ${line}`);
  return findHoverTarget(line, col, { doc, ...options });
}

/**
 * Checks the Markdown invariant of hovers: outside code spans and fenced blocks, every
 * character that could start markup (HTML, links, emphasis, code, entities) is escaped.
 */
function assertInert(markdown: string): void {
  const lines = markdown.split('\n');
  let fence: string | undefined;
  for (const line of lines) {
    if (fence !== undefined) {
      if (line === fence) fence = undefined;
      continue;
    }
    const open = /^(`{3,})text$/.exec(line);
    if (open) {
      fence = open[1];
      continue;
    }
    // A link we made ourselves, ending its line (a whole line, or after a list item's text):
    // label checked below, destination must stay in its parentheses.
    const rest = line.replace(
      /(?<!\\)\[((?:\\.|[^\\\]])*)\]\(([^()\s]*)\)$/,
      (_m, label: string) => label,
    );
    let i = 0;
    while (i < rest.length) {
      const c = rest[i] ?? '';
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '`') {
        const run = /^`+/.exec(rest.slice(i))?.[0] ?? '`';
        const close = rest.indexOf(run, i + run.length);
        assert.ok(close > 0, `unclosed code span in ${line}`);
        assert.notEqual(
          rest[close + run.length],
          '`',
          `code span closed by a longer run in ${line}`,
        );
        i = close + run.length;
        continue;
      }
      if (c === '*' || c === '_') {
        // Our own emphasis markers: `**title**` and `*skbuff.h:*`.
        const own = /^(\*\*[^*]+\*\*|\*[^*]+\*)/.exec(rest.slice(i));
        assert.ok(own, `stray ${c} in ${line}`);
        i += own[0].length;
        continue;
      }
      assert.ok(!/[<>[\]&!|~#]/.test(c), `unescaped ${c} in ${line}`);
      i++;
    }
  }
  assert.equal(fence, undefined, 'every fence closed');
}

/** Positions of the `|` markers on the before and after bars of a diagram. */
function bars(diagram: string): { before: number[]; after: number[] } {
  const positions = (prefix: string): number[] => {
    const row = diagram.split('\n').find((l) => l.startsWith(prefix)) ?? '';
    return [...row.slice(8)].flatMap((c, i) => (c === '|' ? [i] : []));
  };
  return { before: positions('before  '), after: positions('after   ') };
}

describe('hover targets: sk_buff members', () => {
  test('an object named like an skb', () => {
    for (const [line, word, object] of [
      ['\tlen = nskb->len;', 'len;', 'nskb'],
      ['\tif ((*pskb)->protocol == htons(ETH_P_IP))', 'protocol', '(*pskb)'],
      ['\thdr = (void *)(head_skb->data + off);', 'data', 'head_skb'],
      ['\ttotal += rx_buf->skb->len;', 'len', 'skb'],
      ['\tskbs[i]->dev = dev;', 'dev', 'skbs[i]'],
      ['\tif (((struct sk_buff *)ptr)->cloned)', 'cloned', '((struct sk_buff *)ptr)'],
    ] as const) {
      const t = targetAt(line, word);
      assert.equal(t?.kind, 'skb-field', line);
      assert.equal(t.kind === 'skb-field' && t.object, object, line);
      assert.equal(t.kind === 'skb-field' && t.struct, 'sk_buff', line);
    }
  });

  test('the range is the member name on the hovered line', () => {
    const line = '\tlen = nskb->len;';
    const t = findHoverTarget(line, line.indexOf('len;') + 2);
    assert.deepEqual(t && [t.start, t.end], [line.indexOf('len;'), line.indexOf('len;') + 3]);
    // The position just after the name still counts, as in VS Code's word ranges.
    assert.equal(findHoverTarget(line, line.indexOf(';'))?.kind, 'skb-field');
  });

  test('an object declared struct sk_buff * above, in parameters or a declaration list', () => {
    const before = [
      'static void merge_lists(struct sk_buff *first, struct net_device *dev)',
      '{',
      '\tstruct sk_buff *cur = NULL, *last;',
    ];
    for (const [line, word] of [
      ['\tfirst->len += 1;', 'len'],
      ['\tlast->data_len = 0;', 'data_len'],
      ['\tcur->next = first;', 'next'],
    ] as const) {
      assert.equal(targetAt(line, word, { before })?.kind, 'skb-field', line);
    }
    assert.equal(
      targetAt('\tlast->len = 0;', 'len'),
      undefined,
      'not declared, not named like an skb',
    );
    assert.equal(
      targetAt('\tdev->len = 0;', 'len', { before }),
      undefined,
      'declared as another struct',
    );
  });

  test('a declaration beats the name', () => {
    const before = ['\tstruct netdev_queue *skbq = txq;'];
    assert.equal(targetAt('\tskbq->dev = NULL;', 'dev', { before }), undefined);
    assert.equal(
      targetAt('\tskbq->dev = NULL;', 'dev')?.kind,
      'skb-field',
      'without the declaration the name decides',
    );
  });

  test('an expression split over lines', () => {
    const t = targetAt('\t\t->protocol;', 'protocol', { before: ['\tproto = nskb'] });
    assert.equal(t?.kind, 'skb-field');
    assert.equal(t.kind === 'skb-field' && t.object, 'nskb');
    assert.deepEqual([t.start, t.end], [4, 12]);
  });

  test('members of something else are not sk_buff members', () => {
    assert.equal(
      targetAt('\tname = skb->dev->name;', 'name'),
      undefined,
      'skb->dev is a net_device',
    );
    assert.equal(
      targetAt('\tseq = TCP_SKB_CB(skb)->seq;', 'seq'),
      undefined,
      'a macro call, not an skb',
    );
    assert.equal(targetAt('\tx = skb->not_a_member;', 'not_a_member'), undefined);
    assert.equal(targetAt('\tx = adapter->len;', 'len'), undefined);
    assert.equal(
      targetAt('\tn = skb.len;', 'len'),
      undefined,
      'sk_buffs are used through pointers',
    );
  });

  test("members known only from the user's skbuff.h", () => {
    assert.equal(targetAt('\tskb->inline_doc = 1;', 'inline_doc')?.kind, 'skb-field');
    assert.equal(targetAt('\tskb->inline_doc = 1;', 'inline_doc', { doc: [] }), undefined);
  });

  test('skb_shinfo() members', () => {
    const t = targetAt('\tskb_shinfo(skb)->nr_frags = 0;', 'nr_frags');
    assert.equal(t?.kind === 'skb-field' && t.struct, 'skb_shared_info');
    assert.equal(
      targetAt('\tskb_shinfo(skb)->len = 0;', 'len'),
      undefined,
      'len is no skb_shared_info member',
    );
  });
});

describe('hover targets: brackets around the object', () => {
  test('brackets in comments and literals inside the object do not count', () => {
    for (const line of [
      '\tskb_shinfo(skb /* ) */)->nr_frags = 0;',
      "\tskb_shinfo(pick(skb, ')'))->nr_frags = 0;",
    ]) {
      const t = targetAt(line, 'nr_frags');
      assert.equal(t?.kind === 'skb-field' && t.struct, 'skb_shared_info', line);
    }
  });

  test('lines above that start inside a comment, with a stray quote, do not hide it', () => {
    const t = targetAt('	skb_shinfo(skb)->nr_frags = 0;', 'nr_frags', {
      before: ["	 * see f( it's (odd", '	 */'],
    });
    assert.equal(t?.kind === 'skb-field' && t.struct, 'skb_shared_info');
  });
});

describe('hover content: sk_buff members', () => {
  test('type, our text, the kernel-doc and a link to the declaration', () => {
    const h = at('\tptr = skb->data;', 'data');
    assert.ok(h);
    assert.deepEqual(h.link, { file: 'include/linux/skbuff.h', line: 130 });
    assert.match(h.markdown, /`unsigned char \*`/);
    assert.match(h.markdown, /skb\\_pull\\\(\\\)/, 'our explanation, escaped');
    assert.match(h.markdown, /Packet start/, 'the kernel-doc of the fixture');
    assert.match(h.markdown, /\]\(file:\/\/\/src\/linux\/include\/linux\/skbuff\.h#L130\)/);
    assertInert(h.markdown);
  });

  test('no link text without a way to make one, but the target is reported', () => {
    const h = hoverAt('\tn = skb->len;', 11, { doc });
    assert.deepEqual(h?.link, { file: 'include/linux/skbuff.h', line: 78 });
    assert.doesNotMatch(h.markdown, /\]\(/);
  });

  test("without the user's skbuff.h: our text only", () => {
    const h = hoverAt('\tn = skb->len;', 11);
    assert.ok(h);
    assert.equal(h.link, undefined);
    assert.match(h.markdown, /Total packet bytes/);
    assert.doesNotMatch(h.markdown, /skbuff\.h/);
  });

  test('a member under a config option says so', () => {
    const h = at('\tif (skb->debug_only)', 'debug_only');
    assert.match(h?.markdown ?? '', /Only with\* `CONFIG_TEST_DEBUG`/);
    assert.match(h?.markdown ?? '', /#L109\)/);
  });

  test('a bitfield shows its width', () => {
    assert.match(at('\tif (skb->cloned)', 'cloned')?.markdown ?? '', /`__u8:1`/);
  });
});

describe('hover targets and content: skb operations', () => {
  test('the length argument as written', () => {
    for (const [line, name, len] of [
      ['\tskb_pull(skb, ETH_HLEN);', 'skb_pull', 'ETH_HLEN'],
      ['\treturn skb_pull(skb, hdr_len) != NULL;', 'skb_pull', 'hdr_len'],
      ['\thdr = __skb_push(skb, sizeof(*hdr));', '__skb_push', 'sizeof(*hdr)'],
      [
        '\tif (!pskb_may_pull(skb, min_t(u32, hlen, skb->len)))',
        'pskb_may_pull',
        'min_t(u32, hlen, skb->len)',
      ],
      ['\tskb_put_data(skb, "a,b", n /* , bytes */);', 'skb_put_data', 'n'],
      [
        '\tskb_reserve(nskb,   NET_SKB_PAD +\tNET_IP_ALIGN);',
        'skb_reserve',
        'NET_SKB_PAD + NET_IP_ALIGN',
      ],
    ] as const) {
      const t = targetAt(line, name);
      assert.equal(t?.kind, 'skb-op', line);
      assert.equal(t.kind === 'skb-op' && t.lenText, len, line);
    }
  });

  test('a call split over lines reads its length from the lines below', () => {
    const t = targetAt('\tskb_put_data(skb, desc->buf,', 'skb_put_data', {
      after: ['\t\t     desc->used + FCS_LEN);'],
    });
    assert.equal(t?.kind === 'skb-op' && t.lenText, 'desc->used + FCS_LEN');
    const cut = targetAt('\tskb_put_data(skb, desc->buf,', 'skb_put_data');
    assert.equal(
      cut?.kind === 'skb-op' && cut.lenText,
      undefined,
      'not written on the lines given',
    );
  });

  test('a definition or a mention has no length argument', () => {
    for (const line of [
      'void *skb_pull(struct sk_buff *skb, unsigned int len)',
      'static inline void *__skb_pull(struct sk_buff *skb, unsigned int len)',
      'EXPORT_SYMBOL(skb_pull);',
    ]) {
      const t = targetAt(line, 'skb_pull');
      assert.equal(t?.kind, 'skb-op', line);
      assert.equal(t.kind === 'skb-op' && t.lenText, undefined, line);
    }
    assert.match(
      at('void *skb_pull(struct sk_buff *skb, unsigned int len)', 'skb_pull')?.markdown ?? '',
      /`skb_pull\(skb, LEN\)`/,
    );
  });

  test('what moves, with the length as written', () => {
    const md = at('\tskb_pull(skb, ETH_HLEN);', 'skb_pull')?.markdown ?? '';
    assert.match(md, /`skb_pull\(skb, ETH_HLEN\)`/);
    assert.match(md, /`data \+= ETH_HLEN` · `len -= ETH_HLEN`/);
    assert.match(md, /\^\^\^\^\^ ETH_HLEN/);
    assertInert(md);
    const compound = at('\tskb_put(skb, hlen + 4);', 'skb_put')?.markdown ?? '';
    assert.match(
      compound,
      /`tail \+= \(hlen \+ 4\)`/,
      'a compound length is parenthesised after an operator',
    );
    const still = at('\tif (!pskb_may_pull(skb, ETH_HLEN))', 'pskb_may_pull')?.markdown ?? '';
    // pskb_may_pull moves no member it names, but may move the packet to a new head.
    assert.doesNotMatch(still, /data, tail and len do not change/);
    assert.match(still, /may move the packet to a new head/);
    assert.match(
      still,
      /\*Source:\* include\\\/linux\\\/skbuff\\\.h \\\(pskb\\_may\\_pull\\_reason/,
    );
    assert.doesNotMatch(still, /```/, 'no diagram when nothing moves');
  });

  test('the diagram moves the pointers the way the operation does', () => {
    const diagram = (name: string, len = 'LEN'): ReturnType<typeof bars> => {
      const row = findSkbOp(name);
      assert.ok(row, name);
      const d = skbOpDiagram(row, len);
      assert.ok(d, name);
      return bars(d);
    };
    // Bars are head, data, tail, end.
    const pull = diagram('skb_pull');
    assert.ok((pull.after[1] ?? 0) > (pull.before[1] ?? 0), 'pull moves data right');
    assert.equal(pull.after[2], pull.before[2], 'pull leaves tail');
    const push = diagram('skb_push');
    assert.ok((push.after[1] ?? 0) < (push.before[1] ?? 0), 'push moves data left');
    const put = diagram('skb_put');
    assert.equal(put.after[1], put.before[1], 'put leaves data');
    assert.ok((put.after[2] ?? 0) > (put.before[2] ?? 0), 'put moves tail right');
    const trim = diagram('skb_trim');
    assert.ok((trim.after[2] ?? 0) < (trim.before[2] ?? 0), 'trim moves tail left');
    const reserve = diagram('skb_reserve');
    assert.equal(reserve.before.length, 2, 'an empty skb: data and tail at head');
    assert.equal(reserve.after.length, 3, 'after: data and tail together, away from head');
    const row = findSkbOp('pskb_may_pull');
    assert.ok(row);
    assert.equal(skbOpDiagram(row, 'LEN'), undefined);
  });

  test('header marks: eth_type_trans marks the MAC header where data was', () => {
    const row = findSkbOp('eth_type_trans');
    assert.ok(row);
    const d = skbOpDiagram(row, 'ETH_HLEN') ?? '';
    const b = bars(d);
    const mark = d.split('\n').find((l) => l.includes('mac_header')) ?? '';
    assert.equal(mark.indexOf('^') - 8, b.before[1], 'at the old data');
    const set = findSkbOp('skb_set_network_header');
    assert.ok(set);
    const back = skbOpDiagram(set, '-ETH_HLEN') ?? '';
    const nh = back.split('\n').find((l) => l.includes('network_header')) ?? '';
    assert.ok(
      nh.indexOf('^') - 8 < (bars(back).after[1] ?? 0),
      'a negative offset marks before data',
    );
  });
});

describe('hover targets and content: functions', () => {
  test('a call of a path function: stage, context and note', () => {
    const md = at('\treturn ip_rcv_finish(net, sk, skb);', 'ip_rcv_finish')?.markdown ?? '';
    assert.match(md, /`ip_rcv_finish\(\)` · IPv4\\, softirq context/);
    assert.match(md, /PRE\\_ROUTING/);
    assertInert(md);
    assert.match(
      at('\tnapi_schedule(&adapter->napi);', 'napi_schedule')?.markdown ?? '',
      /hardirq context/,
    );
  });

  test('a name passed as a callback counts only with our note on it', () => {
    assert.equal(targetAt('\t\t       ip_rcv_finish);', 'ip_rcv_finish')?.kind, 'function');
    assert.equal(
      targetAt('\tgro_count = 0;', 'gro_count'),
      undefined,
      'a variable that a name rule would match',
    );
  });

  test('a definition: rules on the file apply', () => {
    const line = 'static int sample_helper(struct sk_buff *skb)';
    const def = targetAt(line, 'sample_helper');
    assert.equal(def?.kind === 'function' && def.definition, true);
    assert.match(
      at(line, 'sample_helper', { file: 'net/core/dev.c' })?.markdown ?? '',
      /Networking core/,
    );
    assert.equal(
      at(line, 'sample_helper', { file: 'drivers/net/ethernet/acme/main.c' }),
      undefined,
      'nothing known: no hover',
    );
    assert.equal(
      at('\tsample_helper(skb);', 'sample_helper', { file: 'net/core/dev.c' }),
      undefined,
      'a call is not defined here',
    );
    const deref = targetAt('\tx = *sample_helper(skb);', 'sample_helper');
    assert.equal(
      deref?.kind === 'function' && deref.definition,
      false,
      'a dereferenced call is no definition',
    );
  });

  test('keywords, members called through pointers and numbers are nothing', () => {
    assert.equal(targetAt('\tif (skb)', 'if'), undefined);
    assert.equal(
      targetAt('\trc = dev->netdev_ops->ndo_start_xmit(skb, dev);', 'ndo_start_xmit'),
      undefined,
    );
    assert.equal(targetAt('\tops.ndo_open(dev);', 'ndo_open'), undefined);
    assert.equal(findHoverTarget('\tx = 0x1f;', 6), undefined);
    assert.equal(findHoverTarget('\t  ;', 2), undefined);
  });

  test('an unknown function gives no hover', () => {
    assert.equal(functionMarkdown('acme_frobnicate'), undefined);
    assert.equal(at('\tacme_frobnicate(skb);', 'acme_frobnicate'), undefined);
  });

  test('very long lines are skipped', () => {
    const line = `\tskb_pull(skb, ETH_HLEN);${' '.repeat(MAX_HOVER_LINE)}`;
    assert.equal(findHoverTarget(line, 3), undefined);
  });
});

describe('hostile text renders as text', () => {
  const evil =
    '<img src=x onerror=alert(1)> [run](command:workbench.action.quit) `x` **b** &lt; | ~~s~~ # h';

  test('kernel-doc and types from a tampered skbuff.h', () => {
    const tampered: SkbFieldDoc[] = [
      { name: 'len', description: evil, type: 'unsigned ``int`` `', line: 7 },
      {
        name: 'evil_member',
        description: `line one\n# heading\n\`\`\`\ncode`,
        type: '<b>',
        line: 9,
        conditions: ['CONFIG_`X`'],
      },
    ];
    for (const line of ['\tn = skb->len;', '\tn = skb->evil_member;']) {
      const h = hoverAt(line, line.indexOf('->') + 3, { doc: tampered, linkTo });
      assert.ok(h, line);
      assertInert(h.markdown);
      assert.doesNotMatch(h.markdown, /\]\(command:/);
      assert.doesNotMatch(h.markdown, /\n#/);
    }
  });

  test('length arguments and links', () => {
    const line = '\tskb_pull(skb, LEN_`</code><script>alert(1)</script>` [a](command:x) *y*);';
    const h = at(line, 'skb_pull');
    assert.ok(h);
    assertInert(h.markdown);
    const fence = /^(`{3,})text$/m.exec(h.markdown)?.[1] ?? '';
    assert.ok(fence.length >= 3);
    const body = h.markdown.slice(h.markdown.indexOf(`${fence}text`) + fence.length + 5);
    assert.ok(body.includes(`\n${fence}`), 'the block closes with its own fence');
    const dollars = at('\tskb_pull(skb, $&$1);', 'skb_pull')?.markdown ?? '';
    assert.match(dollars, /`data \+= \(\$&\$1\)`/, 'replacement patterns stay literal');
    const link =
      hoverAt('\tn = skb->len;', 11, { doc, linkTo: () => 'file:///a b/(x)<y>.h#L1' })?.markdown ??
      '';
    assert.match(link, /\]\(file:\/\/\/a%20b\/%28x%29%3Cy%3E\.h#L1\)$/);
  });

  test('text() and code() helpers', () => {
    assert.equal(text('a_b <c> [d](e)'), 'a\\_b \\<c\\> \\[d\\]\\(e\\)');
    assert.equal(text('one\n\n# two'), 'one \\# two');
    assert.equal(code('plain'), '`plain`');
    assert.equal(code('a`b'), '``a`b``');
    assert.equal(code('`x'), '`` `x ``');
    assert.equal(code('a\u0000b'), '`a b`');
  });
});

describe('surroundingLines', () => {
  const file = [
    'int a;',
    '}',
    'static void f(struct sk_buff *skb)',
    '{',
    '\tskb_pull(skb,',
    '\t\t ETH_HLEN);',
    '\treturn;',
    '}',
    'x'.repeat(MAX_HOVER_LINE + 1),
  ];
  const at = (i: number): string => file[i] ?? '';

  test('reads up to the previous function and a few lines down', () => {
    assert.deepEqual(surroundingLines(at, file.length, 4), {
      before: ['static void f(struct sk_buff *skb)', '{'],
      after: ['\t\t ETH_HLEN);', '\treturn;', '}'],
    });
  });

  test('blanks over-long lines instead of reading them', () => {
    assert.deepEqual(surroundingLines(at, file.length, 7).after, ['']);
    assert.deepEqual(surroundingLines(at, file.length, 0), {
      before: [],
      after: ['}', 'static void f(struct sk_buff *skb)', '{'],
    });
  });
});

describe('hover sources', () => {
  const skbuffH = [
    'static inline enum skb_drop_reason',
    'pskb_may_pull_reason(struct sk_buff *skb, unsigned int len)',
    '{',
    '\tif (unlikely(len > skb->len))',
    '\t\treturn SKB_DROP_REASON_PKT_TOO_SMALL;',
    '\tif (unlikely(!__pskb_pull_tail(skb, len - skb_headlen(skb))))',
    '\t\treturn SKB_DROP_REASON_NOMEM;',
    '\treturn SKB_NOT_DROPPED_YET;',
    '}',
  ].join('\n');
  const readSource = (file: string): string | undefined =>
    file === 'include/linux/skbuff.h' ? skbuffH : undefined;

  test('an skb operation links the definition it cites, at its line in the tree read', () => {
    const md =
      at('\tif (!pskb_may_pull(skb, ETH_HLEN))', 'pskb_may_pull', { readSource })?.markdown ?? '';
    assert.match(md, /\*Source:\* \[include\\\/linux\\\/skbuff\\\.h\\:2\\-9 /);
    assert.match(md, /\\_\\_pskb\\_pull\\_tail at 6/);
    assert.match(md, /\]\(file:\/\/\/src\/linux\/include\/linux\/skbuff\.h#L2\)$/);
  });

  test('a path function links the place that backs its stage and context, found in the tree read', () => {
    // net_rx_action is a softirq by its stage rule, backed by its registration in net_dev_init.
    const devC = [
      'static int __init net_dev_init(void)', // 1
      '{', // 2
      '\topen_softirq(NET_TX_SOFTIRQ, net_tx_action);', // 3
      '\topen_softirq(NET_RX_SOFTIRQ, net_rx_action);', // 4
      '\treturn 0;', // 5
      '}', // 6
    ].join('\n');
    const md =
      at('\tnet_rx_action(h);', 'net_rx_action', {
        readSource: (file) => (file === 'net/core/dev.c' ? devC : undefined),
      })?.markdown ?? '';
    assert.match(md, /softirq context/);
    assert.match(
      md,
      /\*Stage source:\* \[net\\\/core\\\/dev\\\.c\\:1\\-6 \\\(net\\_dev\\_init\\: open/,
    );
    assert.match(md, /net\\_rx\\_action\\\) at 4/);
    assert.match(md, /\]\(file:\/\/\/src\/linux\/net\/core\/dev\.c#L1\)$/);
    // A tree where the registration is gone says so, without a link.
    const gone =
      at('\tnet_rx_action(h);', 'net_rx_action', {
        readSource: () => 'static int __init net_dev_init(void)\n{\n}\n',
      })?.markdown ?? '';
    assert.match(gone, /\*Stage source:\* net.*does not hold in this tree/);
  });

  test('a citation that does not hold in the tree read is said so, without a link', () => {
    const md =
      at('\tif (!pskb_may_pull(skb, ETH_HLEN))', 'pskb_may_pull', {
        readSource: () => 'int other(void)\n{\n}\n',
      })?.markdown ?? '';
    assert.match(md, /does not hold in this tree/);
    assert.doesNotMatch(md, /\*Source:\* \[/);
  });
});

describe('hover of the members the skb life changes', () => {
  const skbuffC = [
    'static struct sk_buff *__skb_clone(struct sk_buff *n, struct sk_buff *skb)',
    '{',
    '\tn->cloned = 1;',
    '\trefcount_set(&n->users, 1);',
    '\tatomic_inc(&(skb_shinfo(skb)->dataref));',
    '\tskb->cloned = 1;',
    '\treturn n;',
    '}',
  ].join('\n');
  const readSource = (file: string): string | undefined =>
    file === 'net/core/skbuff.c' ? skbuffC : undefined;

  test('skb_shinfo(skb)->dataref lists the events that change it, the clone linked at its line', () => {
    const line = '\tatomic_read(&skb_shinfo(skb)->dataref);';
    const md = at(line, 'dataref', { readSource })?.markdown ?? '';
    assertInert(md);
    assert.match(md, /\*Changed by:\*\n- /);
    // The clone's increment is line 5 of the file read, linked there.
    assert.match(
      md,
      /skb\\_clone\\\(\\\) takes one more.*\(file:\/\/\/src\/linux\/net\/core\/skbuff\.c#L5\)$/m,
    );
    // Events whose file the tree lacks are named without a link.
    assert.match(
      md,
      /pskb\\_expand\\_head\\\(\\\) gives the skb a new buffer.*does not hold in this tree/,
    );
  });

  test('skb->cloned and skb->users name clone, skb_get and the frees', () => {
    const cloned = at('\tif (skb->cloned)', 'cloned')?.markdown ?? '';
    assert.match(cloned, /\*Changed by:\*/);
    assert.match(cloned, /\\_\\_tcp\\_transmit\\_skb/);
    const users = at('\trefcount_read(&skb->users)', 'users')?.markdown ?? '';
    for (const name of ['skb\\_get', 'consume\\_skb', 'kfree\\_skb\\_reason'])
      assert.ok(users.includes(name), `${name} in ${users}`);
  });
});
