// Loads the graph fixtures of test/fixtures/graphs (written for these tests; see each
// file's title) and small helpers shared by the renderer tests.

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
  return JSON.parse(
    readFileSync(join(__dirname, '../../fixtures/graphs', `${name}.json`), 'utf8'),
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
