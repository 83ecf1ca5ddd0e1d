// What each drop reason means, read from the tree's own include/net/dropreason-core.h:
// `enum skb_drop_reason`, whose members are documented in kernel-doc comments
// (`@SKB_DROP_REASON_NO_SOCKET: no valid socket that can be used. ...`). The reader is
// given the header's text; a tree without it (before 6.0) simply has no meanings.

/** The header that documents the core drop reasons, relative to the kernel root. */
export const DROP_REASON_HEADER = 'include/net/dropreason-core.h';

export interface DropReason {
  /** The enumerator, e.g. `SKB_DROP_REASON_NO_SOCKET`. */
  name: string;
  /** Its value: its place in the enum, or the value it is given. */
  value: number;
  /** 1-based line of the enumerator in the header. */
  line: number;
  /** What its kernel-doc says, on one line; '' when it has none. */
  meaning: string;
}

export interface DropReasons {
  file: string;
  /** By enumerator name. */
  byName: Map<string, DropReason>;
  byValue: Map<number, DropReason>;
}

const PREFIX = 'SKB_DROP_REASON_';

/** The kernel-doc entries of a comment: `@NAME: text`, each to the next `@` entry or the end. */
function docEntries(comment: string): Map<string, string> {
  const body = comment
    .replace(/^\/\*\*?/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, ''))
    .join('\n');
  const out = new Map<string, string>();
  const re = /@(\w+):([\s\S]*?)(?=\n\s*@\w+:|$)/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    if (m[1]) out.set(m[1], (m[2] ?? '').replace(/\s+/g, ' ').trim());
  }
  return out;
}

/** The drop reasons of `text` (dropreason-core.h), with their meanings. */
export function readDropReasons(text: string, file = DROP_REASON_HEADER): DropReasons {
  const reasons: DropReasons = { file, byName: new Map(), byValue: new Map() };
  const start = /\benum\s+skb_drop_reason\s*\{/.exec(text);
  if (!start) return reasons;
  const docs = new Map<string, string>();
  let line = text.slice(0, start.index + start[0].length).split('\n').length;
  let value = 0;
  let i = start.index + start[0].length;
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      const comment = text.slice(i, stop);
      for (const [k, v] of docEntries(comment)) docs.set(k, v);
      line += comment.split('\n').length - 1;
      i = stop;
      continue;
    }
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
      continue;
    }
    const ch = text[i];
    if (ch === '\n') {
      line++;
      i++;
      continue;
    }
    if (ch === '}') break;
    const m = /^([A-Za-z_]\w*)\s*(?:=\s*([^,}/]+?))?\s*(?=,|\}|\/|\n)/.exec(text.slice(i, i + 300));
    if (m?.[1]) {
      const given = m[2] !== undefined ? Number(m[2].trim()) : NaN;
      if (Number.isFinite(given)) value = given;
      const reason: DropReason = { name: m[1], value, line, meaning: '' };
      reasons.byName.set(m[1], reason);
      if (!reasons.byValue.has(value)) reasons.byValue.set(value, reason);
      value++;
      i += m[0].length;
      continue;
    }
    i++;
  }
  for (const [name, meaning] of docs) {
    const r = reasons.byName.get(name);
    if (r) r.meaning = meaning;
  }
  return reasons;
}

/**
 * The reason a tracer printed: the enumerator (`SKB_DROP_REASON_NO_SOCKET`), its short form
 * (`NO_SOCKET`, as nettrace and the kfree_skb tracepoint print it), or its value (`12`).
 */
export function findDropReason(reasons: DropReasons, printed: string): DropReason | undefined {
  const text = printed.trim();
  if (/^\d+$/.test(text)) return reasons.byValue.get(Number(text));
  return reasons.byName.get(text) ?? reasons.byName.get(`${PREFIX}${text}`);
}
