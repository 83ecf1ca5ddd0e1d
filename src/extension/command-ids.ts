// The ids of every NetPaths command, as package.json declares them. commands.ts registers
// one handler per id (its table is typed by this list) and test/unit/manifest.test.ts
// checks package.json against it, so a command cannot be declared and not registered.

export const COMMANDS = [
  'netpaths.showIngress',
  'netpaths.showEgress',
  'netpaths.showCallees',
  'netpaths.showCallers',
  'netpaths.showPath',
  'netpaths.exportDiagram',
  'netpaths.reindex',
  'netpaths.openFunction',
  'netpaths.openTrace',
  'netpaths.overlayTrace',
  'netpaths.copyTracingCommand',
  'netpaths.selectConfig',
] as const;

export type CommandId = (typeof COMMANDS)[number];
