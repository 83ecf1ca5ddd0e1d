// The README's example outputs are what the tree gives today: scripts/readme-examples.mjs
// makes them from the CLI's answers, and this checks them, so a new Debian release (line
// numbers move) or a change of ranking that the README does not show fails here.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kernelRoot, repoRoot, runCli, testCacheDir } from '../helpers/kernel';

describe('the README', () => {
  it('shows the example outputs the tree gives today', () => {
    assert.equal(runCli(['index']).status, 0);
    const r = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'scripts/readme-examples.mjs'),
        '--check',
        '--kernel',
        kernelRoot(),
        '--cache-dir',
        testCacheDir,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /3 examples match the tree/);
  });
});
