// scripts/chromium.sh, which gives the demo its headless Chromium: found where the CLI
// looks, else installed with apt-get as root, else one clear line saying how. Played on a
// machine of stubs: a PATH holding only the tools the script needs and a fake apt-get.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';

const script = join(__dirname, '../../scripts/chromium.sh');

describe('scripts/chromium.sh', () => {
  const work = mkdtempSync(join(tmpdir(), 'netpaths-chromium-'));
  const bin = join(work, 'bin');
  const system = join(work, 'usr-bin-chromium');
  const aptLog = join(work, 'apt.log');
  after(() => rmSync(work, { recursive: true, force: true }));

  const stub = (name: string, body: string): void => {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };

  /** A machine with no Chromium: root (uid 0) unless `uid` says otherwise, apt-get that installs one. */
  beforeEach(() => {
    rmSync(bin, { recursive: true, force: true });
    rmSync(system, { force: true });
    rmSync(aptLog, { force: true });
    mkdirSync(bin);
    for (const tool of ['dirname', 'env', 'chmod'])
      symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    stub('id', 'echo "${STUB_UID:-0}"');
    stub('apt-cache', 'exit 0');
    stub(
      'apt-get',
      `echo "$*" >> ${JSON.stringify(aptLog)}\n[[ $1 == install ]] && printf '#!/bin/sh\\n' > ${JSON.stringify(system)} && chmod +x ${JSON.stringify(system)}\nexit 0`,
    );
  });

  const run = (env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync('/bin/bash', [script], {
      encoding: 'utf8',
      env: { PATH: bin, NETPATHS_SYSTEM_CHROMIUM: system, ...env },
    });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  it('installs Debian’s chromium with apt-get as root and prints its path', () => {
    const r = run();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${system}\n`);
    assert.match(readFileSync(aptLog, 'utf8'), /^install -y --no-install-recommends chromium$/m);
    assert.match(r.stderr, /installing chromium with apt-get/);
  });

  it('uses a Chromium already there, and installs nothing', () => {
    stub('chromium', 'exit 0');
    const r = run();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${join(bin, 'chromium')}\n`);
    assert.ok(!existsSync(aptLog));
  });

  it('says in one line how to install it when it may not be root', () => {
    const r = run({ STUB_UID: '1000' });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      /^chromium\.sh: error: no Chromium here\. Install it with: sudo sh -c '.*apt-get install .*chromium'/,
    );
    assert.ok(!existsSync(aptLog));
  });

  it('says so when there is no apt-get, and names NETPATHS_CHROMIUM', () => {
    rmSync(join(bin, 'apt-get'));
    const r = run();
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no apt-get .*NETPATHS_CHROMIUM/);
  });

  it('takes NETPATHS_CHROMIUM as is, and refuses one that is not an executable', () => {
    stub('my-chrome', 'exit 0');
    assert.equal(
      run({ NETPATHS_CHROMIUM: join(bin, 'my-chrome') }).stdout,
      `${join(bin, 'my-chrome')}\n`,
    );
    const r = run({ NETPATHS_CHROMIUM: join(work, 'nothing') });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /NETPATHS_CHROMIUM=.*nothing is not an executable file/);
  });
});
