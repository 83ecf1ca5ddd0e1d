// The command table: every NetPaths command of the palette, the side bar and the status bar.
// Each entry turns editor state into a PanelQuery (or an index run); the panel does the rest.

import * as vscode from 'vscode';
import type { DriverEntryPoints } from '../analysis/presets';
import { COMMANDS, type CommandId } from './command-ids';
import type { FeatureContext } from './context';
import { driverArgument, splitNodeId } from './drivers-view';
import { runExport } from './export-command';
import { RequestError } from '../server/client';
import { GraphPanel } from './panel';
import type { PanelQuery } from './panel-query';
import type { GraphNode } from '../analysis/graph-json';
import { selectConfig } from './select-config';
import { copyTracingCommand, openTrace, overlayTrace } from './trace-commands';

function warn(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof RequestError && e.cancelled) return;
  void vscode.window.showWarningMessage(`NetPaths: ${message}`);
}

async function pickDriver(
  ctx: FeatureContext,
  direction: 'ingress' | 'egress',
): Promise<string | undefined> {
  const [drivers, mine] = await Promise.all([
    ctx.client.request('drivers', {}),
    driverOfActiveEditor(ctx),
  ]);
  const usable = drivers.filter((d) =>
    direction === 'egress' ? d.xmit.length > 0 : d.poll.length + d.irq.length > 0,
  );
  if (usable.length === 0) {
    void vscode.window.showWarningMessage(
      `NetPaths: no driver with an ${direction} path was found in the index (is drivers/net in netpaths.scope?)`,
    );
    return undefined;
  }
  const describe = (d: DriverEntryPoints): string => {
    const first = (ids: string[]): string => (ids[0] ? splitNodeId(ids[0]).name : '');
    return direction === 'ingress'
      ? [first(d.irq), first(d.poll)].filter(Boolean).join(' → ')
      : first(d.xmit);
  };
  const items: (vscode.QuickPickItem & { driver?: string })[] = [];
  const current = usable.find((d) => d.name === mine);
  if (current)
    items.push(
      { label: 'driver of the open file', kind: vscode.QuickPickItemKind.Separator },
      {
        label: current.name,
        description: current.dir,
        detail: describe(current),
        driver: current.name,
      },
    );
  const rest = usable.filter((d) => d !== current).sort((a, b) => a.name.localeCompare(b.name));
  if (current) items.push({ label: 'all drivers', kind: vscode.QuickPickItemKind.Separator });
  for (const d of rest)
    items.push({ label: d.name, description: d.dir, detail: describe(d), driver: d.name });
  const picked = await vscode.window.showQuickPick(items, {
    title: `NetPaths: Show ${direction === 'ingress' ? 'Ingress' : 'Egress'} Path`,
    placeHolder: `Driver (${usable.length} found)`,
    matchOnDescription: true,
  });
  return picked?.driver;
}

async function driverOfActiveEditor(ctx: FeatureContext): Promise<string | undefined> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  const file = uri && ctx.index.relativePath(uri);
  if (!file) return undefined;
  return (await ctx.client.request('driverOf', { file })) ?? undefined;
}

/** The function at the cursor of the active C editor. */
async function functionAtCursor(ctx: FeatureContext): Promise<GraphNode | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(
      'NetPaths: put the cursor in a function of a kernel C file first.',
    );
    return undefined;
  }
  const file = ctx.index.relativePath(editor.document.uri);
  if (!file) {
    void vscode.window.showInformationMessage(
      'NetPaths: the open file is not inside the kernel tree being indexed.',
    );
    return undefined;
  }
  const position = editor.selection.active;
  const range = editor.document.getWordRangeAtPosition(position, /[A-Za-z_][A-Za-z0-9_]*/);
  const word = range ? editor.document.getText(range) : undefined;
  const node = await ctx.client.request('functionAt', {
    file,
    line: position.line + 1,
    ...(word ? { word } : {}),
  });
  if (!node)
    void vscode.window.showInformationMessage(
      `NetPaths: no indexed function at ${file}:${position.line + 1}.`,
    );
  return node ?? undefined;
}

/**
 * A preset panel's query. A second argument of the command names a route (`netpaths
 * routes`): `executeCommand('netpaths.showIngress', 'e1000e', 'tcp6')`.
 */
function presetQuery(
  driver: string,
  direction: 'ingress' | 'egress',
  depth: number,
  route: unknown,
): PanelQuery {
  return {
    kind: 'preset',
    driver,
    direction,
    depth,
    expand: [],
    ...(typeof route === 'string' ? { route } : {}),
  };
}

export function register(ctx: FeatureContext): void {
  const show = (query: PanelQuery, focus?: string): void => {
    GraphPanel.show(ctx, runExport(ctx), query, focus);
  };
  /** Wraps a command: the index first, every failure as one warning. */
  const indexed =
    (body: (...args: unknown[]) => Promise<void>) =>
    async (...args: unknown[]): Promise<void> => {
      try {
        if (await ctx.index.ensureIndexed()) await body(...args);
      } catch (e) {
        warn(e);
      }
    };
  const preset = (direction: 'ingress' | 'egress') =>
    indexed(async (arg, route) => {
      const driver = driverArgument(arg) ?? (await pickDriver(ctx, direction));
      if (driver) show(presetQuery(driver, direction, ctx.config().defaultDepth, route));
    });
  const neighbourhood = (direction: 'callees' | 'callers') =>
    indexed(async () => {
      const node = await functionAtCursor(ctx);
      if (node)
        show(
          { kind: 'neighbourhood', specs: [node.id], direction, depth: ctx.config().defaultDepth },
          node.id,
        );
    });

  const table: Record<CommandId, (...args: unknown[]) => unknown> = {
    'netpaths.showIngress': preset('ingress'),
    'netpaths.showEgress': preset('egress'),
    'netpaths.showCallees': neighbourhood('callees'),
    'netpaths.showCallers': neighbourhood('callers'),
    'netpaths.showPath': indexed(async () => {
      const here = vscode.window.activeTextEditor
        ? await functionAtCursor(ctx).catch(() => undefined)
        : undefined;
      const ask = async (prompt: string, value?: string): Promise<string | undefined> => {
        const answer = await vscode.window.showInputBox({
          title: 'NetPaths: Show Path Between…',
          prompt,
          ...(value !== undefined ? { value } : {}),
          placeHolder: 'function name, or FILE:NAME',
          validateInput: (text) =>
            /^\s*$/.test(text)
              ? 'a function name is needed'
              : /\s/.test(text.trim())
                ? 'one function, without spaces'
                : undefined,
        });
        return answer?.trim();
      };
      const from = await ask('From which function?', here?.name);
      if (!from) return;
      const to = await ask(`From ${from} to which function?`);
      if (!to) return;
      show({ kind: 'path', from: [from], to: [to], paths: 1 });
    }),
    'netpaths.exportDiagram': async () => {
      const panel = GraphPanel.active();
      if (!panel) {
        void vscode.window.showInformationMessage(
          'NetPaths: open a graph first (Show Ingress Path…), then export it.',
        );
        return;
      }
      const formats = [
        { label: 'Markdown', description: 'a ```mermaid block GitHub renders', format: 'markdown' },
        {
          label: 'SVG',
          description: 'image with text labels, light theme for print',
          format: 'svg',
        },
        { label: 'HTML', description: 'standalone page with pan and zoom', format: 'html' },
        { label: 'Mermaid', description: 'the diagram text alone', format: 'mermaid' },
        { label: 'Graphviz DOT', format: 'dot' },
        { label: 'JSON', description: 'the netpaths JSON contract', format: 'json' },
      ] as const;
      const preferred = ctx.config().exportFormat;
      const ordered = [...formats].sort(
        (a, b) => Number(b.format === preferred) - Number(a.format === preferred),
      );
      const picked = await vscode.window.showQuickPick(ordered, {
        title: `NetPaths: Export ${panel.title}`,
        placeHolder: 'Format',
      });
      if (picked) panel.requestExport(picked.format);
    },
    // Refreshes in place: only changed files are parsed again, and open panels keep
    // answering from the old graph until the new one is loaded.
    'netpaths.reindex': () => ctx.index.index(),
    'netpaths.openTrace': indexed(openTrace((q) => show(q))),
    'netpaths.overlayTrace': indexed(overlayTrace()),
    'netpaths.copyTracingCommand': indexed(copyTracingCommand(ctx)),
    'netpaths.selectConfig': selectConfig(ctx),
    'netpaths.openFunction': indexed(async (arg) => {
      if (typeof arg !== 'string') return;
      const { file, name } = splitNodeId(arg);
      const node = await ctx.client.request('functionAt', {
        file,
        line: Number.MAX_SAFE_INTEGER,
        word: name,
      });
      const uri = node && ctx.index.uri(node.file);
      if (!node || !uri) return;
      const position = new vscode.Position(node.line - 1, 0);
      await vscode.window.showTextDocument(uri, {
        selection: new vscode.Range(position, position),
      });
    }),
  };
  for (const id of COMMANDS)
    ctx.extension.subscriptions.push(vscode.commands.registerCommand(id, table[id]));
}
