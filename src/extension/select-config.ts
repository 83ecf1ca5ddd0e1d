// NetPaths: Select Kernel Configuration…: a quick pick of the configurations the machine
// offers (the tree's .config, /proc/config.gz, /boot/config-*, installed linux-config-*
// packages; src/analysis/editor/candidates.ts finds them), a file chosen by hand, or none
// (every configuration). It writes the `netpaths.config` setting of the workspace; the
// settings listener in extension.ts then applies it.

import * as vscode from 'vscode';
import { type ConfigCandidate, configCandidates } from '../analysis/editor/candidates';
import { SECTION } from './config';
import type { FeatureContext } from './context';

type Item = vscode.QuickPickItem & { value?: string; browse?: true };

const KIND_TITLES: Record<ConfigCandidate['kind'], string> = {
  tree: 'this tree',
  running: 'the running kernel',
  boot: 'installed kernels',
  package: 'configuration packages',
};

/** The value the setting holds now, as the analysis server will read it. */
function activeValue(ctx: FeatureContext): string {
  return ctx.index.configSetting(ctx.config());
}

export function selectConfig(ctx: FeatureContext): () => Promise<void> {
  return async () => {
    const active = activeValue(ctx);
    const applied = ctx.index.configuration()?.source;
    const items: Item[] = [];
    let kind: ConfigCandidate['kind'] | undefined;
    for (const c of configCandidates(ctx.kernelRoot())) {
      if (c.kind !== kind) {
        kind = c.kind;
        items.push({ label: KIND_TITLES[c.kind], kind: vscode.QuickPickItemKind.Separator });
      }
      const current = c.path === active || (active === '' && c.path === applied);
      items.push({
        label: c.label,
        description: `${c.description}${current ? ' · active' : ''}`,
        detail: c.path,
        value: c.path,
      });
    }
    items.push(
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: 'Browse…', description: 'a .config, .gz or .xz file', browse: true },
      {
        label: 'None (every configuration)',
        description: `both sides of every #if, every file${active === 'none' ? ' · active' : ''}`,
        value: 'none',
      },
    );
    const picked = await vscode.window.showQuickPick(items, {
      title: 'NetPaths: Select Kernel Configuration',
      placeHolder: 'The configuration whose kernel NetPaths draws, hovers and dims',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked) return;
    let value = picked.value;
    if (picked.browse) {
      const chosen = await vscode.window.showOpenDialog({
        title: 'Kernel configuration (.config, .gz or .xz)',
        canSelectMany: false,
        canSelectFolders: false,
        openLabel: 'Use This Configuration',
      });
      value = chosen?.[0]?.fsPath;
    }
    if (value === undefined) return;
    const target = vscode.workspace.workspaceFolders?.length
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    ctx.log.info(`kernel configuration selected: ${value}`);
    // The same value again changes no setting, so nothing would re-apply it: do it here.
    if (value === ctx.config().config) ctx.index.reconfigure();
    else await vscode.workspace.getConfiguration(SECTION).update('config', value, target);
  };
}
