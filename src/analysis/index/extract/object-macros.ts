// Object-like macros whose bodies name fields, read from a file's text before it is parsed
// (the parser sees a macro's body only as text): field paths that type chains follow, and
// designated-initializer entries that ops tables expand.

import { lineEnd, maskComments } from '../c-text';

/**
 * One `.field = fn` entry of an initializer macro, with the line it stands on, or another
 * initializer macro named in its body (mac80211_hwsim's `HWSIM_COMMON_OPS` ends with
 * `HWSIM_DEBUGFS_OPS`).
 */
export type InitializerEntry = { field: string; value: string; line: number } | { macro: string };

/** What the file's object-like macros tell extraction and resolution. */
export interface ObjectMacros {
  /**
   * Macros that stand for a path of fields (include/net/sock.h: `#define sk_prot
   * __sk_common.skc_prot`), so that `sk->sk_prot->recvmsg` can be typed through them.
   */
  fields?: Record<string, string[]>;
  /**
   * Macros whose body is designated-initializer entries, expanded by the ops tables of the
   * same file: `#define X550_COMMON_MAC .fw_recovery_mode = &fn, \` ... then
   * `static const struct ixgbe_mac_operations mac_ops_X550 = { X550_COMMON_MAC ... }`.
   */
  initializers?: Map<string, InitializerEntry[]>;
}

const OBJECT_MACRO = /#[ \t]*define[ \t]+([A-Za-z_]\w*)(?=[ \t]|\\\n)/g;
const FIELD_PATH = /^[A-Za-z_]\w*(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)+$/;
const ENTRY = /\.[ \t]*([a-z_]\w*)[ \t]*=[ \t\\\n]*&?[ \t]*([A-Za-z_]\w*)[ \t]*(?=,|\\|\n|$)/g;
/** An upper-case name standing alone among the entries: another initializer macro. */
const NESTED = /(?:^|[\\\n,{])[ \t]*([A-Z_][A-Z0-9_]*)[ \t]*(?=\\|\n|,|$)/g;

/** One pass over the file's object-like macros whose bodies name fields (see ObjectMacros). */
export function objectMacros(text: string): ObjectMacros {
  const out: ObjectMacros = {};
  let counted = 0; // Lines are counted once, up to the macro at hand.
  let countedLine = 1;
  OBJECT_MACRO.lastIndex = 0;
  for (let m = OBJECT_MACRO.exec(text); m; m = OBJECT_MACRO.exec(text)) {
    const name = m[1] as string;
    const body = text.slice(m.index + m[0].length, lineEnd(text, m.index));
    if (!body.includes('.')) continue;
    const path = maskComments(body).trim();
    if (/^[a-z_]/.test(name) && FIELD_PATH.test(path)) {
      (out.fields ??= {})[name] = path.split('.').map((f) => f.trim());
      continue;
    }
    for (
      let nl = text.indexOf('\n', counted);
      nl >= 0 && nl < m.index;
      nl = text.indexOf('\n', nl + 1)
    )
      countedLine++;
    counted = m.index;
    let line = countedLine;
    let at = 0;
    const entries: InitializerEntry[] = [];
    ENTRY.lastIndex = 0;
    for (let e = ENTRY.exec(body); e; e = ENTRY.exec(body)) {
      for (
        let nl = body.indexOf('\n', at);
        nl >= 0 && nl < e.index;
        nl = body.indexOf('\n', nl + 1)
      )
        line++;
      at = e.index;
      entries.push({ field: e[1] as string, value: e[2] as string, line });
    }
    NESTED.lastIndex = 0;
    for (let n = NESTED.exec(body); n; n = NESTED.exec(body))
      if (n[1] !== name) entries.push({ macro: n[1] as string });
    if (entries.length > 0) (out.initializers ??= new Map()).set(name, entries);
  }
  return out;
}
