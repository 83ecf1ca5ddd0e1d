// Every NetPaths setting, read in this one place. The names, types and defaults here are
// the ones package.json declares under `contributes.configuration`; a unit test keeps
// the two in step.

import * as vscode from 'vscode';

export const SECTION = 'netpaths';

export type ExportFormatSetting = 'markdown' | 'svg' | 'html' | 'mermaid';

export interface NetpathsConfig {
  /** The Linux tree: absolute, or relative to the first workspace folder; empty = that folder. */
  kernelRoot: string;
  /** Globs relative to the kernel root; empty = the whole tree. */
  scope: string[];
  /** Levels of side branches shown by the presets and of calls shown by Show Calls/Callers. */
  defaultDepth: number;
  exportFormat: ExportFormatSetting;
  /** Where exported diagrams link source lines: `{path}`, `{line}`, `{version}` placeholders. */
  linkTemplate: string;
  callHierarchy: boolean;
  hover: boolean;
  /** Parse workers; 0 = one per core. */
  workers: number;
  /** Heap of the analysis server in MiB. */
  serverMemoryMiB: number;
  /**
   * The kernel configuration: a .config/.gz/.xz file (absolute, or relative to the first
   * workspace folder), `none` for every configuration, empty for the default order.
   */
  config: string;
  /** Dim the code the configuration leaves out. */
  dimExcluded: boolean;
}

const EXPORT_FORMATS: readonly ExportFormatSetting[] = ['markdown', 'svg', 'html', 'mermaid'];

function clamp(value: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : fallback;
}

/** Reads the settings, repairing values a hand-edited settings.json may hold. */
export function readConfig(scope?: vscode.ConfigurationScope): NetpathsConfig {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const format = c.get<string>('export.format', 'markdown');
  const scopeGlobs = c.get<unknown>('scope', []);
  return {
    kernelRoot: (c.get<string>('kernelRoot', '') ?? '').trim(),
    scope: Array.isArray(scopeGlobs)
      ? scopeGlobs
          .filter((g): g is string => typeof g === 'string' && g.trim() !== '')
          .map((g) => g.trim())
      : [],
    defaultDepth: clamp(c.get<number>('defaultDepth', 1), 1, 6, 1),
    exportFormat: (EXPORT_FORMATS as readonly string[]).includes(format)
      ? (format as ExportFormatSetting)
      : 'markdown',
    linkTemplate: c.get<string>('export.linkTemplate', '') ?? '',
    callHierarchy: c.get<boolean>('callHierarchy.enabled', false) === true,
    hover: c.get<boolean>('hover.enabled', true) !== false,
    workers: clamp(c.get<number>('workers', 0), 0, 16, 0),
    serverMemoryMiB: clamp(c.get<number>('serverMemoryMiB', 6144), 1024, 65536, 6144),
    config: String(c.get<string>('config', '') ?? '').trim(),
    dimExcluded: c.get<boolean>('dimExcluded', true) !== false,
  };
}

/** Whether a settings change chooses another kernel configuration (applied without parsing again). */
export function affectsKernelConfig(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.config`);
}

/** Whether a configuration change touches settings that need a new index. */
export function affectsIndex(e: vscode.ConfigurationChangeEvent): boolean {
  return ['kernelRoot', 'scope', 'workers', 'serverMemoryMiB'].some((k) =>
    e.affectsConfiguration(`${SECTION}.${k}`),
  );
}
