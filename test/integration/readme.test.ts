// The README's example outputs are what the tree gives today: scripts/readme-examples.mjs
// makes them from the CLI's answers, and this checks them, so a new Debian release (line
// numbers move) or a change of ranking that the README does not show fails here.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
    // Every example of the README was checked, however many there are.
    const examples = readFileSync(join(repoRoot, 'README.md'), 'utf8').match(/<!-- example: /g);
    assert.ok(examples && examples.length > 0, 'the README has no generated example');
    assert.match(r.stdout, new RegExp(`\\b${examples.length} examples match the tree`));
  });
});
