// Inline expectations in C fixtures, in the spirit of anycode's `^` marks: a comment on
// the line it speaks of says what the index must find there.
//   /* @def NAME */                        NAME is defined on this line of this file
//   /* @edge FROM -> TO KIND "via part" */  a call on this line, of that kind, whose `via` contains the text
//   /* @no-edge FROM -> TO */               no such edge from this line's file
// FROM and TO are names (preferring a definition in the fixture's own file) or FILE:NAME.

import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface DefExpectation {
  kind: 'def';
  file: string;
  line: number;
  name: string;
}

export interface EdgeExpectation {
  kind: 'edge' | 'no-edge';
  file: string;
  line: number;
  from: string;
  to: string;
  edgeKind?: string;
  via?: string;
}

export type Expectation = DefExpectation | EdgeExpectation;

export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.[ch]$/.test(e.name)) out.push(relative(root, p).split('\\').join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export function readExpectations(root: string): Expectation[] {
  const out: Expectation[] = [];
  for (const file of listFiles(root)) {
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const line = i + 1;
        for (const m of text.matchAll(/@def\s+(\S+)/g))
          out.push({ kind: 'def', file, line, name: m[1] as string });
        for (const m of text.matchAll(
          /@(edge|no-edge)\s+(\S+)\s*->\s*(\S+)(?:\s+(direct|indirect|async))?(?:\s+"([^"]*)")?/g,
        )) {
          const e: EdgeExpectation = {
            kind: m[1] as 'edge' | 'no-edge',
            file,
            line,
            from: m[2] as string,
            to: m[3] as string,
          };
          if (m[4]) e.edgeKind = m[4];
          if (m[5]) e.via = m[5];
          out.push(e);
        }
      });
  }
  return out;
}
