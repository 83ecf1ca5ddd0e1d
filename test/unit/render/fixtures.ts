// Loads the graph fixtures of the renderer tests and small helpers they share. The e1000e,
// path and callees graphs are fixed inputs in test/fixtures/graphs/render/ (their stages,
// lines and macro nodes are what these tests were written for); the hand-written hostile
// and large graphs are shared with the webview tests.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphJson } from '../../../src/analysis/graph-json';

export function fixture(
  name:
    | 'e1000e-ingress'
    | 'e1000e-egress'
    | 'hostile-names'
    | 'large-150'
    | 'path-napi-to-ip-rcv'
    | 'plain-callees',
): GraphJson {
  const fixed = name === 'hostile-names' || name === 'large-150' ? '' : 'render';
  return JSON.parse(
    readFileSync(join(__dirname, '../../fixtures/graphs', fixed, `${name}.json`), 'utf8'),
  ) as GraphJson;
}

export const ALL_FIXTURES = [
  'e1000e-ingress',
  'e1000e-egress',
  'hostile-names',
  'large-150',
  'path-napi-to-ip-rcv',
  'plain-callees',
] as const;

/** Every line of a Mermaid text matching `pattern`, trimmed. */
export function linesMatching(text: string, pattern: RegExp): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => pattern.test(l));
}
