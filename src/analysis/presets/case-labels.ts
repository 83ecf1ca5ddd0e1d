// The `case` labels a call sits under, read from its caller's source (c-body.ts): an XDP
// program's verdict decides which of ixgbe_run_xdp's calls runs (`case XDP_TX:` reaches
// ixgbe_xmit_xdp_ring, `case XDP_REDIRECT:` xdp_do_redirect), and a route draws each as a
// branch named by its verdict. The call graph has no control flow, so the labels are read
// when a path is drawn, for the few calls it shows. Pure: the caller reads the file.

import type { BodyReader, Site } from './body-flow';
import { type Stmt, Parser, findBody, tokenize } from './c-body';

/**
 * The labels of the case group of the innermost `switch` around the call at `site`, in the
 * function whose definition starts on `defLine`: `['XDP_TX']`, `['XDP_ABORTED', 'XDP_DROP']`
 * for labels that share their statements, `['default']`. Empty when the call is in no
 * switch, or before its first label.
 */
export function caseLabelsAt(reader: BodyReader, defLine: number, site: Site): string[] {
  const masked = reader.text;
  const body = findBody(masked, reader.offset(defLine));
  if (!body) return [];
  const at = reader.offset(site.line, site.col);
  if (at < body.start || at >= body.end) return [];
  const tokens = tokenize(masked, body.start + 1, body.end - 1);
  const stmts = new Parser(tokens, body.end - 1).block(0, tokens.length);
  const group = innermostCaseGroup(stmts, at);
  return group.map((s) => label(masked.slice(s.start, s.end)));
}

/** `case XDP_TX:` -> `XDP_TX`; `default:` -> `default`. */
function label(text: string): string {
  return text
    .replace(/^case\b/, '')
    .replace(/:\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function holds(s: Stmt, at: number): boolean {
  return s.start <= at && at < s.end;
}

/** The case statements of the innermost switch over `at` that the statement holding it follows. */
function innermostCaseGroup(stmts: readonly Stmt[], at: number): Stmt[] {
  let found: Stmt[] = [];
  const visit = (list: readonly Stmt[]): void => {
    for (const s of list) {
      if (!holds(s, at)) continue;
      if (s.isSwitch) {
        const cases = s.body[0]?.kind === 'block' ? s.body[0].body : s.body;
        found = groupBefore(cases, at);
      }
      visit(s.body);
      return;
    }
  };
  visit(stmts);
  return found;
}

/**
 * In a switch's statements, the run of `case` labels nearest before the statement holding
 * `at`: the statements between them and it (a goto's `out_failure:` label, the calls
 * before it) are passed over.
 */
function groupBefore(cases: readonly Stmt[], at: number): Stmt[] {
  const index = cases.findIndex((s) => holds(s, at));
  if (index < 0) return [];
  const group: Stmt[] = [];
  for (let i = index; i >= 0; i--) {
    const s = cases[i] as Stmt;
    if (s.kind === 'case') group.unshift(s);
    else if (group.length > 0) break;
  }
  return group;
}
