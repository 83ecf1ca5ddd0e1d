// The trace commands: Open Trace… draws trace files on the call graph in a panel (from the
// palette or a file's context menu in the explorer), Overlay Trace… puts one on the open
// ingress/egress panel, and Copy Tracing Command copies the pwru, ftrace or bpftrace form of
// what a panel shows. The server reads and joins the traces (src/analysis/trace).

import * as vscode from 'vscode';
import type { ProbeFormat } from '../analysis/trace';
import type { FeatureContext } from './context';
import { GraphPanel } from './panel';
import type { PanelQuery } from './panel-query';

/** What the open dialog offers; any file may be picked (formats are told by content). */
const TRACE_FILTERS = { 'Traces and logs': ['txt', 'log', 'out', 'trace', 'jsonl', 'json'] };

/** The trace files of a command: the explorer's selection, else the ones the user picks. */
async function traceFiles(args: unknown[], title: string): Promise<string[] | undefined> {
  // From the explorer: (clicked, selected[]).
  const selected = Array.isArray(args[1]) ? (args[1] as unknown[]) : [args[0]];
  const uris = selected.filter((u): u is vscode.Uri => u instanceof vscode.Uri);
  if (uris.length > 0) return uris.filter((u) => u.scheme === 'file').map((u) => u.fsPath);
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectMany: true,
    openLabel: 'Draw Trace',
    filters: { ...TRACE_FILTERS, 'All files': ['*'] },
  });
  return picked?.map((u) => u.fsPath);
}

/** Open Trace…; the caller has made sure the tree is indexed, as for every command. */
export function openTrace(show: (q: PanelQuery) => void): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const files = await traceFiles(args, 'NetPaths: Open Trace');
    if (files && files.length > 0) show({ kind: 'trace', files });
  };
}

export function overlayTrace(): () => Promise<void> {
  return async () => {
    const panel = GraphPanel.active();
    if (!panel || panel.currentQuery.kind !== 'preset') {
      void vscode.window.showInformationMessage(
        'NetPaths: open an ingress or egress path first (Show Ingress Path…), then overlay a trace on it.',
      );
      return;
    }
    const files = await traceFiles([], `NetPaths: Overlay Trace on ${panel.title}`);
    if (files && files.length > 0) panel.overlayTrace(files);
  };
}

const PROBE_CHOICES: readonly (vscode.QuickPickItem & { format: ProbeFormat })[] = [
  {
    label: 'pwru',
    description: 'pwru --filter-func for the functions that take an skb',
    format: 'pwru',
  },
  {
    label: 'ftrace',
    description: 'set_ftrace_filter / set_graph_function lines and a trace-cmd command',
    format: 'ftrace',
  },
  { label: 'bpftrace', description: 'a script with a kprobe on each function', format: 'bpftrace' },
];

export function copyTracingCommand(ctx: FeatureContext): () => Promise<void> {
  return async () => {
    const panel = GraphPanel.active();
    const graph = panel?.currentGraph;
    if (!panel || !graph) {
      void vscode.window.showInformationMessage(
        'NetPaths: open a graph first (Show Ingress Path…), then copy the command that traces it.',
      );
      return;
    }
    const picked = await vscode.window.showQuickPick(PROBE_CHOICES, {
      title: `NetPaths: Copy Tracing Command for ${panel.title}`,
      placeHolder: 'Tracer',
    });
    if (!picked) return;
    const script = await ctx.client.request('probeScript', { graph, format: picked.format });
    await vscode.env.clipboard.writeText(script);
    const lines = script.split('\n').filter((l) => l !== '').length;
    ctx.log.info(`${panel.title}: copied the ${picked.label} command (${lines} lines)`);
    void vscode.window.showInformationMessage(
      `NetPaths: copied the ${picked.label} command for ${panel.title} (${lines} lines).`,
    );
  };
}
