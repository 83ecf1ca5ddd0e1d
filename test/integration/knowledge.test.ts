// Checks the kernel knowledge tables against a real Linux 6.12 tree, so they fail when the
// knowledge rots: every explained sk_buff field exists, every function we annotate is defined
// where we say, every skb operation has its length argument where we say, every netfilter hook
// site is where we say. Set NETPATHS_KERNEL to the tree (see scripts/kernel.sh); without it
// every test here fails on purpose.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { NETWORK_SCOPE } from '../../src/analysis/index/kernel-layout';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  CONCEPTS,
  FUNCTION_NOTES,
  HOOK_CALLS,
  NF_HOOKS,
  NF_PROTOS,
  SKB_FIELDS,
  SKB_LIFE,
  SKB_OPS,
  SOCKET_NOTES,
  explain,
  readSkbuffDoc,
  readStructDoc,
  type SkbFieldDoc,
} from '../../src/analysis/knowledge';
import { kernelTreeProblem } from '../../src/analysis/index/walk';

const KERNEL = process.env.NETPATHS_KERNEL;

/** The kernel root, or a failing assertion that says how to provide it. */
function kernel(): string {
  assert.ok(
    KERNEL,
    'NETPATHS_KERNEL is not set: point it at a Linux 6.12 source tree, e.g. NETPATHS_KERNEL=$(bash scripts/kernel.sh) npm run test:integration',
  );
  const problem = kernelTreeProblem(KERNEL);
  assert.equal(problem, undefined, `NETPATHS_KERNEL=${KERNEL} is not a kernel tree: ${problem}`);
  return KERNEL;
}

const cache = new Map<string, string>();
function read(rel: string): string {
  let text = cache.get(rel);
  if (text === undefined) {
    text = readFileSync(join(kernel(), rel), 'utf8');
    cache.set(rel, text);
  }
  return text;
}

// ---------------------------------------------------------------------------------------
// A small definition index: functions (with a body), function-like and object-like macros,
// and enumerators, for the identifiers the tables name.

interface Definition {
  file: string;
  line: number;
  kind: 'function' | 'macro' | 'enumerator';
  /** Parameter names of a function or function-like macro. */
  params?: string[];
}

function blankComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
}

function matchParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

function paramNames(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of `${list},`) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      const fnPtr = /\(\s*\*\s*(\w+)\s*\)/.exec(cur);
      const name = fnPtr?.[1] ?? /(\w+)\s*(?:\[[^\]]*\])?\s*$/.exec(cur.trim())?.[1];
      if (name && name !== 'void') out.push(name);
      cur = '';
    } else cur += c;
  }
  return out;
}

function definitionsIn(file: string, text: string, wanted: RegExp): Map<string, Definition[]> {
  const found = new Map<string, Definition[]>();
  const code = blankComments(text);
  const add = (name: string, d: Definition): void => {
    const list = found.get(name) ?? [];
    list.push(d);
    found.set(name, list);
  };
  const lineAt = (offset: number): number => code.slice(0, offset).split('\n').length;
  wanted.lastIndex = 0;
  for (let m = wanted.exec(code); m; m = wanted.exec(code)) {
    const name = m[1] ?? '';
    const lineStart = code.lastIndexOf('\n', m.index) + 1;
    const before = code.slice(lineStart, m.index);
    const after = code.slice(m.index + name.length);
    if (/^\s*#\s*define\s+$/.test(before)) {
      const params = after.startsWith('(')
        ? paramNames(after.slice(1, after.indexOf(')')))
        : undefined;
      add(name, { file, line: lineAt(m.index), kind: 'macro', ...(params ? { params } : {}) });
      continue;
    }
    if (/^\s*$/.test(before) && /^\s*(?:=[^,\n]*)?,/.test(after)) {
      add(name, { file, line: lineAt(m.index), kind: 'enumerator' });
      continue;
    }
    // A function definition: the name starts the line or follows type words, and the
    // parameter list is followed (after attributes) by a body.
    if (!/^(?:[A-Za-z_][\w]*[\s*]+)*$/.test(before)) continue;
    const open = code.indexOf('(', m.index);
    if (!/^\s*$/.test(code.slice(m.index + name.length, open))) continue;
    const close = matchParen(code, open);
    if (close < 0) continue;
    let rest = code.slice(close + 1, close + 400);
    rest = rest.replace(/^(?:\s*\w+(?:\s*\([^()]*(?:\([^()]*\)[^()]*)*\))?)*\s*/, '');
    if (!rest.startsWith('{')) continue;
    add(name, {
      file,
      line: lineAt(m.index),
      kind: 'function',
      params: paramNames(code.slice(open + 1, close)),
    });
  }
  return found;
}

function walk(root: string, rel: string, out: string[]): void {
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(root, p, out);
    else if (/\.[ch]$/.test(e.name)) out.push(p);
  }
}

let index: Map<string, Definition[]> | undefined;

/**
 * Definitions of `names` under net/, include/ and kernel/ of the tree, and in the single
 * files of the network scope (fs/read_write.c, fs/eventpoll.c).
 */
function definitions(names: readonly string[]): Map<string, Definition[]> {
  if (index) return index;
  const root = kernel();
  const files: string[] = NETWORK_SCOPE.filter((g) => !g.includes('*'));
  for (const dir of ['net', 'include', 'kernel']) walk(root, dir, files);
  const unique = [...new Set(names)].sort((a, b) => b.length - a.length);
  const wanted = new RegExp(
    `(?<![\\w>.])(${unique.map((n) => n.replace(/[$]/g, '\\$&')).join('|')})\\b`,
    'g',
  );
  const quick = new RegExp(`\\b(?:${unique.join('|')})\\b`);
  index = new Map();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    if (!quick.test(text)) continue;
    for (const [name, defs] of definitionsIn(file, text, wanted))
      index.set(name, [...(index.get(name) ?? []), ...defs]);
  }
  return index;
}

const IDENTIFIERS = [
  ...FUNCTION_NOTES.map((n) => n.name),
  ...SOCKET_NOTES.map((n) => n.name),
  ...SKB_OPS.map((o) => o.name),
  ...SKB_LIFE.map((o) => o.name),
  ...HOOK_CALLS.flatMap((h) => [h.function, ...(h.okfn ? [h.okfn] : [])]),
  ...SKB_FIELDS.flatMap((r) => r.seeAlso ?? []),
  ...CONCEPTS.flatMap((c) => c.seeAlso ?? []),
];

// ---------------------------------------------------------------------------------------

describe('kernel tree', () => {
  test('NETPATHS_KERNEL points at a Linux 6.12 tree', () => {
    const makefile = read('Makefile');
    assert.match(
      makefile,
      /^VERSION = 6\nPATCHLEVEL = 12\n/m,
      'the knowledge tables are written for Linux 6.12',
    );
  });
});

describe('readSkbuffDoc on include/linux/skbuff.h', () => {
  let fields: SkbFieldDoc[] = [];
  let lines: string[] = [];
  before(() => {
    if (!KERNEL) return;
    const text = read('include/linux/skbuff.h');
    fields = readSkbuffDoc(text, { includePrivate: true });
    lines = text.split('\n');
  });
  const get = (name: string): SkbFieldDoc => {
    kernel();
    const f = fields.find((x) => x.name === name);
    assert.ok(f, `struct sk_buff has no ${name}`);
    return f;
  };

  test('key members have their declared types, lines and kernel-doc', () => {
    const expected: [string, string, RegExp][] = [
      ['data', 'unsigned char *', /^\s*\*data;$/],
      ['head', 'unsigned char *', /^\s*unsigned char\s+\*head,$/],
      ['len', 'unsigned int', /^\s*unsigned int\s+len,$/],
      ['data_len', 'unsigned int', /^\s*data_len;$/],
      ['protocol', '__be16', /^\s*__be16\s+protocol;$/],
      ['network_header', '__u16', /^\s*__u16\s+network_header;$/],
      ['tail', 'sk_buff_data_t', /^\s*sk_buff_data_t\s+tail;$/],
      ['dev', 'struct net_device *', /^\s*struct net_device\s+\*dev;$/],
      ['cloned', '__u8', /^\s*__u8\s+cloned:1,$/],
      ['pkt_type', '__u8', /^\s*__u8\s+pkt_type:3;/],
      ['cb', 'char[48]', /^\s*char\s+cb\[48\] __aligned\(8\);$/],
    ];
    for (const [name, type, declLine] of expected) {
      const f = get(name);
      assert.equal(f.type, type, `${name} type`);
      assert.ok(f.line !== undefined && f.line > 0, `${name} line`);
      assert.match(
        lines[(f.line ?? 0) - 1] ?? '',
        declLine,
        `${name}: line ${f.line} is its declaration`,
      );
      assert.ok(f.description && f.description.length > 0, `${name} kernel-doc`);
      assert.match(
        lines[(f.docLine ?? 0) - 1] ?? '',
        new RegExp(`@${name}:`),
        `${name}: docLine ${f.docLine}`,
      );
    }
    assert.equal(get('pkt_type').group, 'headers');
    assert.equal(get('protocol').group, 'headers');
    assert.equal(get('data').group, undefined);
    assert.equal(get('dev').union, true);
    assert.equal(get('__pkt_type_offset').private, true);
  });

  test('every member line holds its name, and every kernel-doc entry matches a member', () => {
    kernel();
    for (const f of fields) {
      if (f.line === undefined)
        assert.fail(`@${f.name} is documented but not declared (parser missed it?)`);
      assert.match(
        lines[f.line - 1] ?? '',
        new RegExp(`\\b${f.name}\\b`),
        `${f.name} at ${f.line}`,
      );
    }
    assert.ok(fields.length > 80, `${fields.length} members`);
  });

  test('napi_struct and net_device parse too', () => {
    const text = read('include/linux/netdevice.h');
    const napi = readStructDoc(text, 'napi_struct');
    assert.ok(napi);
    assert.equal(
      napi.fields.find((f) => f.name === 'poll')?.type,
      'int (*)(struct napi_struct *, int)',
    );
    assert.equal(
      napi.fields.find((f) => f.name === 'gro_hash')?.type,
      'struct gro_list[GRO_HASH_BUCKETS]',
    );
    const dev = readStructDoc(text, 'net_device');
    assert.ok(dev && dev.fields.length > 150, 'net_device members');
    assert.equal(dev.summary, 'The DEVICE structure.');
    assert.equal(
      dev.fields.find((f) => f.name === 'netdev_ops')?.type,
      'const struct net_device_ops *',
    );
    assert.equal(dev.fields.find((f) => f.name === 'priv_flags')?.group, 'priv_flags_fast');
    const nLines = text.split('\n');
    for (const s of [napi, dev]) {
      for (const f of s.fields) {
        if (f.line === undefined) continue;
        const last = f.name.split('.').pop() ?? f.name;
        assert.match(
          nLines[f.line - 1] ?? '',
          new RegExp(`\\b${last}\\b`),
          `${s.name}.${f.name} at ${f.line}`,
        );
      }
    }
  });
});

describe('SKB_FIELDS against the tree', () => {
  test('every sk_buff field we explain exists in struct sk_buff', () => {
    // Members by a rule of the test's own, not readSkbuffDoc: a name declared in the body of
    // struct sk_buff, followed by an array size, bit width or attribute and then `;` or `,`.
    const text = read('include/linux/skbuff.h');
    const start = text.indexOf('\nstruct sk_buff {\n');
    assert.ok(start >= 0, 'struct sk_buff is defined');
    const struct = text.slice(start, text.indexOf('\n};\n', start));
    const members = new Set(
      [...struct.matchAll(/[\s*](\w+)\s*(?:\[[^\]]*\])?\s*(?::\s*\d+|__\w+\(\w+\))?\s*[;,]/g)].map(
        (m) => m[1] as string,
      ),
    );
    const missing = SKB_FIELDS.filter((r) => r.struct === 'sk_buff' && !members.has(r.field)).map(
      (r) => r.field,
    );
    assert.deepEqual(missing, [], 'explained fields missing from struct sk_buff');
    for (const r of SKB_FIELDS.filter((x) => x.struct === 'derived')) {
      for (const rel of r.related ?? [])
        if (!explain(rel)) assert.fail(`${r.field}: related ${rel} unknown`);
      const fromMembers = (r.related ?? []).filter((x) => members.has(x));
      assert.ok(fromMembers.length >= 2, `${r.field} is computed from real members`);
    }
  });

  test('every skb_shared_info field we explain exists in struct skb_shared_info', () => {
    const shinfo = readStructDoc(read('include/linux/skbuff.h'), 'skb_shared_info');
    assert.ok(shinfo);
    const members = new Set(shinfo.fields.map((f) => f.name));
    const missing = SKB_FIELDS.filter(
      (r) => r.struct === 'skb_shared_info' && !members.has(r.field),
    ).map((r) => r.field);
    assert.deepEqual(missing, []);
  });

  test('explain() merges the real kernel-doc', () => {
    const doc = readSkbuffDoc(read('include/linux/skbuff.h'));
    for (const r of SKB_FIELDS.filter((x) => x.struct === 'sk_buff')) {
      const e = explain(`skb->${r.field}`, doc);
      assert.ok(e?.type && e.line && e.kernelDoc, `${r.field}: type, line and kernel-doc`);
    }
  });
});

describe('identifiers named by the tables exist in the tree', () => {
  test('every seeAlso identifier of fields and concepts is defined', () => {
    const defs = definitions(IDENTIFIERS);
    const names = [
      ...SKB_FIELDS.flatMap((r) => r.seeAlso ?? []),
      ...CONCEPTS.flatMap((c) => c.seeAlso ?? []),
    ];
    const missing = [...new Set(names)].filter((n) => !defs.has(n));
    assert.deepEqual(missing, [], 'not defined under net/, include/ or kernel/');
  });

  test('every FUNCTION_NOTES function is defined in its file', () => {
    const defs = definitions(IDENTIFIERS);
    const wrong = [...FUNCTION_NOTES, ...SOCKET_NOTES]
      .filter(
        (n) => !(defs.get(n.name) ?? []).some((d) => d.file === n.file && d.kind !== 'enumerator'),
      )
      .map(
        (n) =>
          `${n.name} (said ${n.file}; found ${(defs.get(n.name) ?? []).map((d) => `${d.file}:${d.line}`).join(', ') || 'nowhere'})`,
      );
    assert.deepEqual(wrong, []);
  });

  test('every skb operation is defined in its file with the parameters we list', () => {
    const defs = definitions(IDENTIFIERS);
    for (const op of SKB_OPS) {
      const def = (defs.get(op.name) ?? []).find(
        (d) => d.file === op.file && d.params !== undefined,
      );
      assert.ok(def, `${op.name} is not defined in ${op.file}`);
      assert.deepEqual(
        def.params,
        [...op.params],
        `${op.name} parameters at ${def.file}:${def.line}`,
      );
    }
  });

  test("every call in an skb's life is defined in its file with the parameters we list", () => {
    const defs = definitions(IDENTIFIERS);
    const wrong: string[] = [];
    for (const row of SKB_LIFE) {
      const def = (defs.get(row.name) ?? []).find(
        (d) => d.file === row.file && d.params !== undefined,
      );
      if (!def) wrong.push(`${row.name} is not defined in ${row.file}`);
      else if (def.params?.join() !== row.params.join())
        wrong.push(`${row.name}(${def.params?.join(', ') ?? ''}) at ${def.file}:${def.line}`);
    }
    assert.deepEqual(wrong, []);
  });
});

describe('facts the skb timeline relies on', () => {
  function body(file: string, fn: string): string {
    const code = blankComments(read(file));
    const m = new RegExp(`^[^\\n;]*\\b${fn}\\([^;{]*\\)\\s*\\{`, 'm').exec(code);
    assert.ok(m, `${fn} not found in ${file}`);
    const start = m.index + m[0].length - 1;
    let depth = 0;
    for (let i = start; i < code.length; i++) {
      if (code[i] === '{') depth++;
      else if (code[i] === '}' && --depth === 0) return code.slice(start, i + 1);
    }
    return assert.fail(`${fn}: unbalanced body`);
  }

  test('eth_type_trans pulls ETH_HLEN through eth_skb_pull_mac', () => {
    assert.match(
      body('net/ethernet/eth.c', 'eth_type_trans'),
      /skb_reset_mac_header\(skb\);\s*eth = eth_skb_pull_mac\(skb\);/,
    );
    assert.match(
      body('include/linux/etherdevice.h', 'eth_skb_pull_mac'),
      /skb_pull_inline\(skb, ETH_HLEN\)/,
    );
  });

  test('ip_rcv_core checks the IP header in place; ip_local_deliver_finish pulls it', () => {
    const core = body('net/ipv4/ip_input.c', 'ip_rcv_core');
    assert.match(core, /pskb_may_pull\(skb, sizeof\(struct iphdr\)\)/);
    assert.match(core, /pskb_may_pull\(skb, iph->ihl\*4\)/);
    assert.match(core, /pskb_trim_rcsum\(skb, len\)/);
    assert.match(core, /skb->transport_header = skb->network_header \+ iph->ihl\*4;/);
    assert.doesNotMatch(core, /\bskb_pull|__skb_pull/, 'ip_rcv_core does not move skb->data');
    assert.match(
      body('net/ipv4/ip_input.c', 'ip_local_deliver_finish'),
      /__skb_pull\(skb, skb_network_header_len\(skb\)\)/,
    );
  });

  test('TCP and UDP pull their headers just before queueing to the socket', () => {
    assert.match(
      body('net/ipv4/tcp_input.c', 'tcp_data_queue'),
      /__skb_pull\(skb, tcp_hdr\(skb\)->doff \* 4\)/,
    );
    assert.match(
      body('net/ipv4/tcp_input.c', 'tcp_rcv_established'),
      /__skb_pull\(skb, tcp_header_len\)/,
    );
    assert.match(body('net/ipv4/udp.c', 'udp_queue_rcv_one_skb'), /udp_csum_pull_header\(skb\);/);
    assert.match(
      body('include/net/udp.h', 'udp_csum_pull_header'),
      /skb_pull_rcsum\(skb, sizeof\(struct udphdr\)\)/,
    );
  });

  test('__netif_receive_skb_core sets the network header and mac_len', () => {
    const core = body('net/core/dev.c', '__netif_receive_skb_core');
    assert.match(
      core,
      /skb_reset_network_header\(skb\);\s*if \(!skb_transport_header_was_set\(skb\)\)\s*skb_reset_transport_header\(skb\);\s*skb_reset_mac_len\(skb\);/,
    );
  });
});

describe('netfilter against the tree', () => {
  test('hook and family constants match include/uapi/linux/netfilter.h', () => {
    const uapi = blankComments(read('include/uapi/linux/netfilter.h'));
    const enumBody = (name: string): string[] => {
      const m = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(uapi);
      assert.ok(m, name);
      return (m[1] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    };
    const inet = enumBody('nf_inet_hooks');
    for (const h of NF_HOOKS.filter((x) => x.family === 'inet' && x.id !== 'NF_INET_INGRESS'))
      assert.equal(inet.indexOf(h.id), h.value, h.id);
    assert.ok(inet.includes('NF_INET_INGRESS = NF_INET_NUMHOOKS'));
    assert.equal(
      inet.indexOf('NF_INET_NUMHOOKS'),
      NF_HOOKS.find((h) => h.id === 'NF_INET_INGRESS')?.value,
    );
    const dev = enumBody('nf_dev_hooks');
    for (const h of NF_HOOKS.filter((x) => x.family === 'netdev'))
      assert.equal(dev.indexOf(h.id), h.value, h.id);
    for (const p of NF_PROTOS)
      assert.match(uapi, new RegExp(`\\b${p.id}\\s*=\\s*${p.value}\\s*,`), p.id);
    const bridge = blankComments(read('include/uapi/linux/netfilter_bridge.h'));
    for (const h of NF_HOOKS.filter((x) => x.family === 'bridge'))
      assert.match(bridge, new RegExp(`#define ${h.id}\\s+${h.value}\\b`), h.id);
  });

  test('every HOOK_CALLS row is a real call site', () => {
    // Read by a rule of the test's own, not scanHookCalls: the row's function is defined in
    // its file, and its body (to the first `}` in column 0) calls the macro with the row's
    // family, hook and continuation.
    for (const row of HOOK_CALLS) {
      const lines = read(row.file).split('\n');
      const head = lines.findIndex(
        (t) => /^\w/.test(t) && new RegExp(`\\b${row.function}\\(`).test(t) && !t.endsWith(';'),
      );
      assert.ok(head >= 0, `${row.function} is not defined in ${row.file}`);
      const end = lines.findIndex((t, i) => i > head && t.startsWith('}'));
      const body = lines.slice(head, end).join(' ').replace(/\s+/g, ' ');
      // A hook passed in a variable is one of the constants assigned to it in the body.
      const hook = row.hookVariable ?? row.hook;
      if (row.hookVariable)
        assert.match(body, new RegExp(`\\b${row.hookVariable} = ${row.hook};`), row.function);
      const call =
        row.macro === 'nf_hook_ingress' || row.macro === 'nf_hook_egress'
          ? `\\b${row.macro}\\(`
          : row.macro === 'nf_hook_state_init'
            ? `\\b${row.macro}\\(&\\w+, ?${hook}, ?${row.proto},[^;]*\\b${row.okfn ?? ''}\\b`
            : `\\b${row.macro}\\( ?${row.proto}, ?${hook},[^;]*\\b${row.okfn ?? ''}\\b`;
      assert.match(body, new RegExp(call), `${row.function} in ${row.file}`);
    }
  });

  test('every inet hook site in the core IP files is in HOOK_CALLS', () => {
    const files = [
      'net/ipv4/ip_input.c',
      'net/ipv4/ip_forward.c',
      'net/ipv4/ip_output.c',
      'net/ipv6/ip6_input.c',
      'net/ipv6/ip6_output.c',
      'net/ipv6/output_core.c',
    ];
    // The sites by a rule of the test's own, not scanHookCalls: a hook macro whose first two
    // arguments are an IP family and an NF_INET_ hook, in the function whose head last began
    // a line in column 0.
    const sites = files.flatMap((f) => {
      const lines = read(f).split('\n');
      let fn = '?';
      return lines.flatMap((text, i) => {
        const head = /^(?!#|\s|EXPORT_|static_assert)[^;=]*?\b(\w+)\(/.exec(text);
        if (head && !text.trimEnd().endsWith(';')) fn = head[1] as string;
        const call =
          /\b(?:NF_HOOK|NF_HOOK_COND|NF_HOOK_LIST|nf_hook)\(\s*NFPROTO_IPV[46],\s*(NF_INET_\w+)/.exec(
            `${text} ${lines[i + 1] ?? ''}`.replace(/\s+/g, ' '),
          );
        return call && /\b(?:NF_HOOK\w*|nf_hook)\(/.test(text)
          ? [{ file: f, line: i + 1, fn, hook: call[1] as string }]
          : [];
      });
    });
    assert.ok(sites.length >= 10, `${sites.length} hook sites found`);
    const known = new Set(HOOK_CALLS.map((r) => `${r.file}/${r.function}/${r.hook}`));
    const unknown = sites
      .filter((s) => !known.has(`${s.file}/${s.fn}/${s.hook}`))
      .map((s) => `${s.file}:${s.line} ${s.fn} ${s.hook}`);
    assert.deepEqual(unknown, []);
  });
});
