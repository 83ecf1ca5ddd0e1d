// The one object every feature's `register(ctx)` receives: what the extension owns for its
// whole lifetime. Built once in extension.ts.

import type * as vscode from 'vscode';
import type { NetpathsConfig } from './config';
import type { IndexClient } from '../server/client';
import type { KernelIndex } from './kernel-index';

export interface FeatureContext {
  extension: vscode.ExtensionContext;
  client: IndexClient;
  index: KernelIndex;
  log: vscode.LogOutputChannel;
  config(): NetpathsConfig;
  /** The kernel tree's folder, when there is one. */
  kernelRoot(): string | undefined;
}
