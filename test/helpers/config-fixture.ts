// The configuration fixture tree (test/fixtures/kernel-config) and its inline marks:
//   /* @built full=m:acme small=y */  the file's state (and module) per configuration
//   /* @cdef NAME: full small */      the definition on this line exists in these configurations only
//   /* @cedge FROM -> TO: full */     the call on this line exists in these configurations only

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelConfig } from '../../src/analysis/config/dotconfig';
import { loadConfig } from '../../src/analysis/config/load';
import { listFiles } from './expectations';

export const configRoot = join(__dirname, '../fixtures/kernel-config');
export const CONFIG_NAMES = ['full', 'small'] as const;
export type ConfigName = (typeof CONFIG_NAMES)[number];

export function fixtureConfigPath(name: ConfigName): string {
  return join(configRoot, 'configs', `${name}.config`);
}

export function fixtureConfig(name: ConfigName): KernelConfig {
  const r = loadConfig(fixtureConfigPath(name));
  if ('problem' in r) throw new Error(r.problem);
  return r.config;
}

export interface BuiltMark {
  file: string;
  states: Record<string, { built: string; module?: string }>;
}

export interface PresenceMark {
  kind: 'def' | 'edge';
  file: string;
  line: number;
  name: string;
  to?: string;
  in: string[];
}

export function builtMarks(): BuiltMark[] {
  const out: BuiltMark[] = [];
  for (const file of listFiles(configRoot)) {
    const m = /@built\s+([^*]+)\*\//.exec(readFileSync(join(configRoot, file), 'utf8'));
    if (!m) continue;
    const states: BuiltMark['states'] = {};
    for (const part of (m[1] as string).trim().split(/\s+/)) {
      const [name, value = ''] = part.split('=');
      const [built = '', module] = value.split(':');
      states[name as string] = module ? { built, module } : { built };
    }
    out.push({ file, states });
  }
  return out;
}

export function presenceMarks(): PresenceMark[] {
  const out: PresenceMark[] = [];
  for (const file of listFiles(configRoot)) {
    readFileSync(join(configRoot, file), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const def = /@cdef\s+(\S+):([^*]*)\*\//.exec(text);
        if (def)
          out.push({
            kind: 'def',
            file,
            line: i + 1,
            name: def[1] as string,
            in: (def[2] as string).trim().split(/\s+/).filter(Boolean),
          });
        const edge = /@cedge\s+(\S+)\s*->\s*(\S+):([^*]*)\*\//.exec(text);
        if (edge)
          out.push({
            kind: 'edge',
            file,
            line: i + 1,
            name: edge[1] as string,
            to: edge[2],
            in: (edge[3] as string).trim().split(/\s+/).filter(Boolean),
          });
      });
  }
  return out;
}
