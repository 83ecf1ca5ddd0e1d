// The Drivers side-bar view: every network driver the index found, with its entry points
// (IRQ handler, NAPI poll, ndo_start_xmit, RX ring refill, TX clean) one click from the
// source, and its ingress/egress paths one click from a graph. A welcome view (package.json)
// stands in while nothing is indexed.

import * as vscode from 'vscode';
import type { DriverEntryPoints } from '../analysis/presets';
import type { FeatureContext } from './context';

const ROLES: readonly {
  key: keyof Pick<DriverEntryPoints, 'irq' | 'poll' | 'xmit' | 'refill' | 'txClean'>;
  label: string;
  icon: string;
}[] = [
  { key: 'irq', label: 'IRQ handler', icon: 'zap' },
  { key: 'poll', label: 'NAPI poll', icon: 'sync' },
  { key: 'refill', label: 'RX ring refill', icon: 'arrow-circle-down' },
  { key: 'xmit', label: 'xmit (ndo_start_xmit)', icon: 'arrow-circle-up' },
  { key: 'txClean', label: 'TX clean', icon: 'trash' },
];

type Item =
  | { kind: 'driver'; driver: DriverEntryPoints }
  | { kind: 'entry'; driver: string; role: string; icon: string; nodeId: string };

/** `FILE:NAME` or `FILE:NAME:LINE` -> its parts. */
export function splitNodeId(id: string): { file: string; name: string } {
  const parts = id.split(':');
  if (parts.length >= 3 && /^\d+$/.test(parts[parts.length - 1] ?? '')) parts.pop();
  const name = parts.pop() ?? id;
  return { file: parts.join(':'), name };
}

class DriversProvider implements vscode.TreeDataProvider<Item> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private drivers: Promise<DriverEntryPoints[]> | undefined;

  constructor(private readonly ctx: FeatureContext) {}

  refresh(): void {
    this.drivers = undefined;
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  getTreeItem(item: Item): vscode.TreeItem {
    if (item.kind === 'driver') {
      const d = item.driver;
      const t = new vscode.TreeItem(d.name, vscode.TreeItemCollapsibleState.Collapsed);
      t.id = `driver:${d.name}`;
      t.description = d.dir;
      t.tooltip = `${d.name} (${d.dir})${d.aliases.length ? `\nalso: ${d.aliases.join(', ')}` : ''}`;
      t.iconPath = new vscode.ThemeIcon('circuit-board');
      t.contextValue = `driver${d.poll.length + d.irq.length > 0 ? '.rx' : ''}${d.xmit.length > 0 ? '.tx' : ''}`;
      return t;
    }
    const { name, file } = splitNodeId(item.nodeId);
    const t = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
    t.id = `entry:${item.driver}:${item.role}:${item.nodeId}`;
    t.description = item.role;
    t.tooltip = `${item.role}: ${name}\n${file}`;
    t.iconPath = new vscode.ThemeIcon(item.icon);
    t.contextValue = 'entry';
    t.command = {
      command: 'netpaths.openFunction',
      title: 'Open Function',
      arguments: [item.nodeId],
    };
    return t;
  }

  async getChildren(item?: Item): Promise<Item[]> {
    if (item?.kind === 'entry') return [];
    if (item?.kind === 'driver') {
      const d = item.driver;
      return ROLES.flatMap((r) =>
        d[r.key].map((nodeId): Item => ({
          kind: 'entry',
          driver: d.name,
          role: r.label,
          icon: r.icon,
          nodeId,
        })),
      );
    }
    if (!this.ctx.index.isReady()) return [];
    this.drivers ??= this.ctx.client
      .request('drivers', {})
      .then((list) => [...list].sort((a, b) => a.name.localeCompare(b.name)));
    try {
      return (await this.drivers).map((driver): Item => ({ kind: 'driver', driver }));
    } catch (e) {
      this.drivers = undefined;
      this.ctx.log.warn(`drivers view: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }
}

/** The driver name a tree item or a command argument stands for. */
export function driverArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null) {
    const a = arg as { kind?: unknown; driver?: unknown };
    if (a.kind === 'driver' && typeof a.driver === 'object' && a.driver !== null) {
      const name = (a.driver as { name?: unknown }).name;
      return typeof name === 'string' ? name : undefined;
    }
    if (a.kind === 'entry' && typeof a.driver === 'string') return a.driver;
  }
  return undefined;
}

export function register(ctx: FeatureContext): void {
  const provider = new DriversProvider(ctx);
  const view = vscode.window.createTreeView('netpaths.drivers', {
    treeDataProvider: provider,
    showCollapseAll: true,
  });
  ctx.extension.subscriptions.push(
    provider,
    view,
    ctx.index.onDidChange(() => provider.refresh()),
  );
}
