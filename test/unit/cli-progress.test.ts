// What the CLI says on stderr while it indexes (src/cli/progress.ts): every phase, the
// parse's progress with an estimate, redrawn in place in a terminal and a line per phase
// and per tenth of the parse elsewhere; and the phases the indexer reports.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type IndexPhase, buildIndex } from '../../src/analysis/index/indexer';
import { IndexProgress, duration } from '../../src/cli/progress';

/** A stderr that records what is written, with a clock the test moves. */
function fakeSink(isTTY: boolean) {
  const sink = { written: '', time: 0, isTTY };
  return {
    sink,
    progress: new IndexProgress(
      { write: (t) => void (sink.written += t), isTTY, now: () => sink.time },
      '/linux, the network scope',
    ),
  };
}

/** Plays a build: walk, parse of `total` files one by one (each taking `msPerFile`), resolve, write. */
function play(progress: IndexProgress, sink: { time: number }, total: number, msPerFile: number) {
  progress.phase('walk', 0);
  sink.time += 500;
  progress.phase('parse', total);
  for (let done = 1; done <= total; done++) {
    sink.time += msPerFile;
    progress.progress(done, total);
  }
  progress.phase('resolve', total + 7);
  sink.time += 4000;
  progress.phase('write', total + 7);
  sink.time += 1000;
  progress.finish();
}

describe('indexing progress', () => {
  it('writes, away from a terminal, one line per phase and one per tenth of the parse', () => {
    const { sink, progress } = fakeSink(false);
    play(progress, sink, 1000, 50);
    const lines = sink.written.trimEnd().split('\n');
    assert.ok(!sink.written.includes('\r'), 'no carriage return in a log');
    assert.equal(lines[0], 'netpaths: indexing /linux, the network scope');
    assert.match(lines[1] ?? '', /^netpaths: walk: /);
    assert.equal(lines[2], 'netpaths: parse: 1,000 files to parse');
    const parsing = lines.filter((l) => /^netpaths: parse: [\d,]+\//.test(l));
    assert.equal(parsing.length, 10, parsing.join('\n'));
    assert.match(parsing[0] ?? '', /^netpaths: parse: 100\/1,000 files \(10%\), about 45 s left$/);
    assert.match(parsing[9] ?? '', /^netpaths: parse: 1,000\/1,000 files \(100%\)$/);
    assert.match(
      lines.at(-3) ?? '',
      /^netpaths: resolve: the calls of 1,007 files \(parsed in 50 s\)$/,
    );
    assert.match(lines.at(-2) ?? '', /^netpaths: write: /);
    assert.equal(lines.at(-1), 'netpaths: indexed 1,007 files (1,000 parsed) in 56 s');
  });

  it('estimates the time left from the rate of the parse, not the workers’ start-up', () => {
    const { sink, progress } = fakeSink(false);
    progress.phase('walk', 0);
    progress.phase('parse', 100);
    sink.time += 30_000;
    for (let done = 1; done <= 10; done++) {
      progress.progress(done, 100);
      sink.time += 1000;
    }
    // Nine files in nine seconds after the first: ninety more take about ninety seconds.
    assert.match(sink.written, /parse: 10\/100 files \(10%\), about 1 min 30 s left\n$/);
  });

  it('redraws one line in a terminal, which moves on to resolve and write after the parse', () => {
    const { sink, progress } = fakeSink(true);
    play(progress, sink, 1000, 50);
    // What the terminal shows: each \r starts the line again; \x1b[K clears the rest.
    const shown = sink.written.split('\n').map((l) => l.split('\r').at(-1)?.replace('\x1b[K', ''));
    assert.deepEqual(shown, [
      'netpaths: indexing /linux, the network scope',
      'netpaths: indexed 1,007 files (1,000 parsed) in 56 s',
      '',
    ]);
    const draws = sink.written.split('\r\x1b[K').map((d) => d.trimEnd());
    const afterParse = draws.slice(draws.indexOf('netpaths: parse: 1,000/1,000 files (100%)') + 1);
    assert.match(afterParse[0] ?? '', /^netpaths: resolve: /);
    assert.match(afterParse[1] ?? '', /^netpaths: write: /);
    // Throttled: a thousand files, one redraw per 200 ms at most.
    const parseDraws = draws.filter((d) => /^netpaths: parse: [\d,]+\//.test(d));
    assert.ok(parseDraws.length <= 251 && parseDraws.length >= 200, String(parseDraws.length));
    assert.ok(parseDraws.some((d) => /about \d+ s left/.test(d)));
  });

  it('keeps a remark of the indexer on a line of its own, then redraws the progress', () => {
    const { sink, progress } = fakeSink(true);
    progress.phase('walk', 0);
    progress.line('netpaths: skipped unreadable drivers/x');
    assert.ok(
      sink.written.endsWith(
        '\r\x1b[Knetpaths: skipped unreadable drivers/x\nnetpaths: walk: looking for new and changed files',
      ),
      JSON.stringify(sink.written),
    );
  });

  it('says nothing when the graph came from the cache, and that it is up to date when nothing changed', () => {
    const quiet = fakeSink(false);
    quiet.progress.finish();
    assert.equal(quiet.sink.written, '');
    const warm = fakeSink(false);
    warm.progress.phase('walk', 0);
    warm.progress.finish();
    assert.match(warm.sink.written, /netpaths: the index is up to date\n$/);
  });

  it('gives durations in seconds, then minutes and tens of seconds', () => {
    assert.equal(duration(400), '0 s');
    assert.equal(duration(42_400), '42 s');
    assert.equal(duration(60_000), '1 min');
    assert.equal(duration(194_000), '3 min 10 s');
    assert.equal(duration(238_000), '4 min');
  });
});

describe('the phases the indexer reports', () => {
  const work = mkdtempSync(join(tmpdir(), 'netpaths-phases-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('walks, parses, resolves and writes a new index, and only walks an unchanged one', async () => {
    const root = join(work, 'linux');
    cpSync(join(__dirname, '../fixtures/kernel-mini'), root, { recursive: true });
    const run = async (): Promise<[IndexPhase, number][]> => {
      const phases: [IndexPhase, number][] = [];
      await buildIndex({
        root,
        cacheDir: join(work, 'cache'),
        workers: 1,
        onPhase: (p, n) => void phases.push([p, n]),
      });
      return phases;
    };
    const cold = await run();
    assert.deepEqual(
      cold.map(([p]) => p),
      ['walk', 'parse', 'resolve', 'write'],
    );
    assert.ok((cold[1]?.[1] ?? 0) > 20, 'the files to parse');
    assert.equal(cold[2]?.[1], cold[1]?.[1]);
    assert.deepEqual(await run(), [['walk', 0]]);
  });
});
