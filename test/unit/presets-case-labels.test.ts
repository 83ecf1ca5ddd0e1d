// The `case` labels a call sits under (presets/case-labels.ts), on a driver's XDP run
// written in the kernel's idioms (test/fixtures/routes/xdp_run.c).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BodyReader } from '../../src/analysis/presets/body-flow';
import { caseLabelsAt } from '../../src/analysis/presets/case-labels';

const text = readFileSync(join(__dirname, '../fixtures/routes/xdp_run.c'), 'utf8');
const lines = text.split('\n');
const reader = new BodyReader(text);
const defLine = lines.findIndex((l) => l.includes('acme_run_xdp(')) + 1;

/** The labels over the first call of `callee` in the fixture. */
function labelsOf(callee: string): string[] {
  const i = lines.findIndex((l) => l.includes(`${callee}(`));
  assert.ok(i >= 0, `${callee} is not called in the fixture`);
  return caseLabelsAt(reader, defLine, {
    line: i + 1,
    col: (lines[i] as string).indexOf(callee) + 1,
  });
}

describe('case labels of a call', () => {
  it('names the verdict each call of an XDP run sits under', () => {
    assert.deepEqual(labelsOf('acme_xmit_xdp_ring'), ['XDP_TX']);
    assert.deepEqual(labelsOf('xdp_do_redirect'), ['XDP_REDIRECT']);
    assert.deepEqual(labelsOf('bpf_warn_invalid_xdp_action'), ['default']);
  });

  it('passes over a statement label and keeps labels that share their statements', () => {
    assert.deepEqual(labelsOf('trace_xdp_exception'), ['XDP_ABORTED']);
    assert.deepEqual(labelsOf('acme_recycle'), ['XDP_DROP', 'ACME_XDP_DROP_TOO']);
  });

  it('gives none outside a switch, or for a line outside the function', () => {
    assert.deepEqual(labelsOf('bpf_prog_run_xdp'), []);
    assert.deepEqual(caseLabelsAt(reader, defLine, { line: 1, col: 1 }), []);
    assert.deepEqual(caseLabelsAt(reader, 1, { line: defLine + 7, col: 2 }), []);
  });
});
