// Which module a driver source file is built into, read from the kernel's own Makefiles:
// `obj-$(CONFIG_E1000E) += e1000e.o` with `e1000e-objs := ... netdev.o ...` makes
// drivers/net/ethernet/intel/e1000e/netdev.c part of module e1000e. The module name is the
// driver's name as `lsmod` and `ethtool -i` show it, and tells apart the several drivers that
// share one folder (drivers/net/ethernet/realtek holds r8169, 8139too and 8139cp). Pure:
// the caller supplies the Makefile text.

/** The modules one Makefile builds: module name -> object paths relative to its folder (`en/txrx.o`). */
export type KbuildModules = Map<string, string[]>;

const NOT_MODULES = new Set([
  'obj',
  'lib',
  'ccflags',
  'subdir',
  'asflags',
  'ldflags',
  'extra',
  'always',
  'targets',
  'hostprogs',
  'clean',
  'userprogs',
  'CFLAGS',
  'AFLAGS',
]);

/** Parses the module definitions of one kbuild Makefile (or Kbuild file). */
export function parseKbuild(text: string): KbuildModules {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim());
  const composite = new Map<string, string[]>();
  const single: string[] = [];
  for (const line of lines) {
    const m = /^(\S+?)\s*(?::=|\+=|\?=|=)\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, lhs = '', rest = ''] = m;
    const objects = rest.split(/\s+/).filter((w) => w.endsWith('.o'));
    if (lhs === 'obj' || lhs.startsWith('obj-')) {
      single.push(...objects);
      continue;
    }
    // `NAME-objs`, `NAME-y`, `NAME-$(CONFIG_X)`, optionally followed by `-y` or `-$(CONFIG_Y)`.
    const parts = /^(.+?)-(?:objs|y|m|\$\([^)]*\))(?:-(?:y|\$\([^)]*\)))?$/.exec(lhs);
    const head = parts?.[1];
    if (!head || NOT_MODULES.has(head) || head.startsWith('CFLAGS_') || !/^[\w-]+$/.test(head))
      continue;
    const list = composite.get(head) ?? [];
    list.push(...objects);
    composite.set(head, list);
  }
  const modules: KbuildModules = new Map();
  for (const o of single) {
    if (o.includes('/')) continue;
    const name = o.slice(0, -2);
    modules.set(name, composite.get(name) ?? [o]);
  }
  return modules;
}

/** A file's module: its name, the folder of the Makefile that builds it, and the module's sources. */
export interface ModuleOf {
  name: string;
  dir: string;
  sources: string[];
}

/**
 * Finds the modules a source file (relative to the kernel root) is built into, looking in the
 * Makefiles of its folder and up to `levels` parents (`mlx5/core/Makefile` lists `en/txrx.o`).
 * Usually one; an object linked into several modules (ti's cpsw_priv.o) gives each.
 */
export function modulesOf(
  file: string,
  makefile: (dir: string) => KbuildModules | undefined,
  levels = 3,
): ModuleOf[] {
  const parts = file.split('/');
  const object = `${parts.pop() ?? ''}`.replace(/\.c$/, '.o');
  for (let up = 0; up <= levels && parts.length > 0; up++) {
    const dir = parts.join('/');
    const rel = [...file.split('/').slice(parts.length, -1), object].join('/');
    const found: ModuleOf[] = [];
    for (const [name, objects] of makefile(dir) ?? []) {
      if (objects.includes(rel))
        found.push({ name, dir, sources: objects.map((o) => `${dir}/${o.replace(/\.o$/, '.c')}`) });
    }
    if (found.length > 0) return found;
    parts.pop();
  }
  return [];
}

/** The first module a source file is built into (see modulesOf). */
export function moduleOf(
  file: string,
  makefile: (dir: string) => KbuildModules | undefined,
  levels = 3,
): ModuleOf | undefined {
  return modulesOf(file, makefile, levels)[0];
}
