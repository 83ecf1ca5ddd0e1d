// The index cache's two versions (scripts/lib/index-versions.mjs): a change to the
// resolver changes the graph version alone, so the cache keeps every file's facts; a
// change to anything that decides facts changes both.

import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  INDEX_DIR,
  graphOnlyFilesParsingReads,
  indexVersions,
} from '../../scripts/lib/index-versions.mjs';

const project = join(__dirname, '../..');
let dir: string;

/** The versions after `change` is made to a copy of the index folder, and those before. */
function versionsAround(change: () => void): {
  before: { facts: string; graph: string };
  after: { facts: string; graph: string };
} {
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(project, INDEX_DIR), dir, { recursive: true });
  const before = indexVersions(dir);
  change();
  return { before, after: indexVersions(dir) };
}

describe('index cache versions', () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'netpaths-versions-'));
    dir = join(work, 'index');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('changes only the graph version when the resolver or the graph layout changes', () => {
    for (const file of ['resolve.ts', 'graph.ts', 'graph-file.ts', 'kernel-layout.ts']) {
      const v = versionsAround(() => appendFileSync(join(dir, file), '\n// changed\n'));
      assert.equal(v.after.facts, v.before.facts, file);
      assert.notEqual(v.after.graph, v.before.graph, file);
    }
    const added = versionsAround(() => {
      mkdirSync(join(dir, 'resolve'), { recursive: true });
      writeFileSync(join(dir, 'resolve', 'new-stage.ts'), 'export {};\n');
    });
    assert.equal(added.after.facts, added.before.facts);
    assert.notEqual(added.after.graph, added.before.graph);
  });

  it('changes both versions when what decides a file facts changes', () => {
    for (const file of [
      'extract.ts',
      'kernel-idioms.ts',
      'preprocess.ts',
      'facts.ts',
      'cache.ts',
    ]) {
      const v = versionsAround(() => appendFileSync(join(dir, file), '\n// changed\n'));
      assert.notEqual(v.after.facts, v.before.facts, file);
      assert.notEqual(v.after.graph, v.before.graph, file);
    }
    const query = versionsAround(() => {
      mkdirSync(join(dir, 'extract'), { recursive: true });
      writeFileSync(join(dir, 'extract', 'calls.scm'), '(call_expression) @call\n');
    });
    assert.notEqual(query.after.facts, query.before.facts);
  });

  it('finds no file the facts version leaves out among what the parse worker bundles', async () => {
    assert.deepEqual(await graphOnlyFilesParsingReads(project), []);
  });
});
