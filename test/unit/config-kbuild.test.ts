// The Kbuild reader on the configuration fixture tree (each .c file says what it is built
// as in each configuration) and on makefile idioms of the real tree.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDotConfig } from '../../src/analysis/config/dotconfig';
import { buildMap } from '../../src/analysis/config/kbuild';
import { kernelTextReader } from '../../src/analysis/kernel-text';
import { CONFIG_NAMES, builtMarks, configRoot, fixtureConfig } from '../helpers/config-fixture';

const read = kernelTextReader(configRoot);

describe('the Kbuild reader on the fixture tree', () => {
  for (const name of CONFIG_NAMES) {
    it(`builds each .c file as its @built mark says with ${name}.config`, () => {
      const map = buildMap(fixtureConfig(name), read);
      const marks = builtMarks().filter((m) => m.file.endsWith('.c'));
      assert.ok(marks.length >= 10);
      for (const mark of marks) {
        const want = mark.states[name];
        assert.ok(want, `${mark.file} has no mark for ${name}`);
        const got = map.files.get(mark.file);
        assert.equal(got?.built ?? 'n', want.built, `${mark.file} with ${name}`);
        if (want.module) assert.deepEqual(got?.modules, [want.module], mark.file);
      }
    });
  }

  it('says which makefile line builds a file, and the composite line of a part', () => {
    const map = buildMap(fixtureConfig('full'), read);
    const dcb = map.files.get('drivers/net/acme/acme_dcb.c');
    assert.deepEqual(dcb?.reason, {
      makefile: 'drivers/net/acme/Makefile',
      line: 1,
      text: 'obj-$(CONFIG_ACME) += acme.o',
    });
    assert.equal(dcb?.composite?.text, 'acme-$(CONFIG_ACME_DCB) += acme_dcb.o');
    assert.equal(map.dirs.get('drivers/net/acme')?.built, 'm');
    assert.equal(map.dirs.get('net/netfilter')?.reason?.text, 'obj-y += netfilter/');
    assert.ok(map.options.has('CONFIG_ACME_DCB'));
  });
});

function config(text: string) {
  const r = parseDotConfig(`CONFIG_X86=y\nCONFIG_64BIT=y\n${text}`, 't');
  if ('problem' in r) throw new Error(r.problem);
  return r.config;
}

/** A tree of makefiles in memory: the top Kbuild descends into `d/`. */
function tree(makefile: string): (path: string) => string | undefined {
  const files: Record<string, string> = { Kbuild: 'obj-y += d/\n', 'd/Makefile': makefile };
  return (p) => files[p];
}

describe('Make as Kbuild makefiles use it', () => {
  const built = (makefile: string, cfg: string, file: string): string =>
    buildMap(config(cfg), tree(makefile)).files.get(file)?.built ?? 'n';

  it('substitution references and functions: $(CONFIG_X:m=y), subst, filter, if', () => {
    const mk = [
      'obj-y += a.o',
      'a-y := a1.o',
      'a-$(CONFIG_FCOE:m=y) += a2.o',
      'obj-$(subst m,y,$(CONFIG_H)) += h.o',
      'obj-$(if $(CONFIG_I),y) += i.o',
      'obj-y += $(filter-out f2.o,f1.o f2.o)',
      'obj-y += b_$(BITS).o',
    ].join('\n');
    const cfg = 'CONFIG_FCOE=m\nCONFIG_H=m\nCONFIG_I=y\n';
    assert.equal(built(mk, cfg, 'd/a2.c'), 'y');
    assert.equal(built(mk, cfg, 'd/h.c'), 'y');
    assert.equal(built(mk, cfg, 'd/i.c'), 'y');
    assert.equal(built(mk, cfg, 'd/f1.c'), 'y');
    assert.equal(built(mk, cfg, 'd/f2.c'), 'n');
    assert.equal(built(mk, cfg, 'd/b_64.c'), 'y');
    assert.equal(built(mk, '# CONFIG_I is not set\n', 'd/i.c'), 'n');
  });

  it('ifeq, ifneq, ifdef, else ifeq chains; an undecidable test keeps both branches', () => {
    const mk = [
      'ifeq ($(CONFIG_A),y)',
      'obj-y += a.o',
      'else ifneq ($(CONFIG_B),)',
      'obj-y += b.o',
      'else',
      'obj-y += c.o',
      'endif',
      'ifdef CONFIG_D',
      'obj-y += d.o',
      'endif',
      'ifneq ($(call cc-option,-mfoo),)',
      'obj-y += e.o',
      'else',
      'obj-y += f.o',
      'endif',
    ].join('\n');
    assert.equal(built(mk, 'CONFIG_A=y\nCONFIG_B=y\n', 'd/a.c'), 'y');
    assert.equal(built(mk, 'CONFIG_A=y\nCONFIG_B=y\n', 'd/b.c'), 'n');
    assert.equal(built(mk, 'CONFIG_B=m\n', 'd/b.c'), 'y');
    assert.equal(built(mk, 'CONFIG_B=m\n', 'd/c.c'), 'n');
    assert.equal(built(mk, 'CONFIG_Z=y\n', 'd/c.c'), 'y');
    assert.equal(built(mk, 'CONFIG_D=y\n', 'd/d.c'), 'y');
    assert.equal(built(mk, 'CONFIG_Z=y\n', 'd/d.c'), 'n');
    assert.equal(built(mk, 'CONFIG_Z=y\n', 'd/e.c'), 'y');
    assert.equal(built(mk, 'CONFIG_Z=y\n', 'd/f.c'), 'y');
  });

  it('a module composite takes its -m parts, a built-in one does not', () => {
    const mk = ['obj-$(CONFIG_M) += m.o', 'm-y := m1.o', 'm-$(CONFIG_P) += m2.o'].join('\n');
    assert.equal(built(mk, 'CONFIG_M=m\nCONFIG_P=m\n', 'd/m2.c'), 'm');
    assert.equal(built(mk, 'CONFIG_M=y\nCONFIG_P=m\n', 'd/m2.c'), 'n');
    assert.equal(built(mk, 'CONFIG_M=y\nCONFIG_P=m\n', 'd/m1.c'), 'y');
  });

  it('continuation lines, comments, rules and recipes', () => {
    const mk = [
      'obj-y += one.o \\',
      '\ttwo.o # three.o',
      '$(obj)/gen.o: $(src)/gen.c',
      '\tobj-y += recipe.o',
    ].join('\n');
    assert.equal(built(mk, '', 'd/two.c'), 'y');
    assert.equal(built(mk, '', 'd/three.c'), 'n');
    assert.equal(built(mk, '', 'd/recipe.c'), 'n');
  });
});
