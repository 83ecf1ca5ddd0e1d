// The kernel configuration the analysis server applies: chosen as the CLI chooses
// (load.ts's chooseConfig, with the `netpaths.config` setting in the place of --config),
// read once per `open`, and asked by the editor's hovers (an option's value) and dimming
// (what a file leaves out). A file that cannot be read is one line in the summary, and
// every configuration is drawn instead: the editor keeps working and says why.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelConfig } from '../analysis/config/dotconfig';
import { type ExcludedCode, excludedCode } from '../analysis/editor/excluded';
import { explainFile } from '../analysis/config/explain';
import type { BuildMap, ReadText } from '../analysis/config/kbuild';
import { chooseConfig, loadConfig } from '../analysis/config/load';
import {
  type KconfigDeclaration,
  kconfigDeclarations,
  optionInfo,
} from '../analysis/editor/option-info';
import { treeBuildMap } from '../analysis/index/configured';
import type { ConfigurationSummary, Requests } from './protocol';

export class ServerConfiguration {
  private build: BuildMap | undefined;

  constructor(
    readonly root: string,
    readonly config: KernelConfig | undefined,
    readonly summary: ConfigurationSummary,
  ) {}

  /** What the configuration leaves out of `file`, whose text is `text`; null without one. */
  excluded(file: string, text: string): ExcludedCode | null {
    if (!this.config) return null;
    this.build ??= treeBuildMap(this.root, this.config);
    const read: ReadText = (p) => {
      try {
        return readFileSync(join(this.root, p), 'utf8');
      } catch {
        return undefined;
      }
    };
    return excludedCode(this.config, explainFile(this.config, this.build, read, file), text);
  }

  /** An option's value here and its Kconfig entry (the tree's Kconfig is read once per tree). */
  option(name: string): Requests['configOption']['result'] {
    const declarations = kconfigOf(this.root);
    return {
      info: optionInfo(name, this.config, declarations),
      ...(this.config ? { source: this.config.source } : {}),
      kconfigRead: true,
    };
  }
}

let kconfig: { root: string; declarations: Map<string, KconfigDeclaration[]> } | undefined;

function kconfigOf(root: string): Map<string, KconfigDeclaration[]> {
  if (kconfig?.root !== root) kconfig = { root, declarations: kconfigDeclarations(root) };
  return kconfig.declarations;
}

/**
 * The configuration of an `open`: `setting` (a path, `none`, or empty for the default
 * order), else `env` ($NETPATHS_CONFIG), else the tree's .config, else none.
 */
export function chooseConfiguration(
  root: string,
  setting: string | undefined,
  env: string | undefined,
): ServerConfiguration {
  const treeConfig = join(root, '.config');
  const flag = setting === undefined || setting.trim() === '' ? undefined : setting.trim();
  const choice = chooseConfig(flag, env, existsSync(treeConfig) ? treeConfig : undefined);
  if ('none' in choice) {
    const why = choice.why
      .replace('--config none', 'netpaths.config is none')
      .replace('no --config', 'no netpaths.config');
    return new ServerConfiguration(root, undefined, { chosen: why, warnings: [] });
  }
  const chosen = choice.from === '--config' ? 'netpaths.config' : choice.from;
  const read = loadConfig(choice.path);
  if ('problem' in read)
    return new ServerConfiguration(root, undefined, {
      chosen,
      warnings: [],
      problem: read.problem,
    });
  const c = read.config;
  return new ServerConfiguration(root, c, {
    source: c.source,
    chosen,
    ...(c.arch !== undefined ? { arch: c.arch } : {}),
    set: c.values.size,
    unset: c.unset.size,
    warnings: [],
  });
}
