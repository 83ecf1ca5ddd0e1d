// Public API of the packet-path presets: what the CLI and the extension import. Pure: no
// vscode, no DOM, no I/O of its own (kernel files are read through a ReadText callback).

export { walkChain, type Chain, type Leg } from './chain';
export { PresetContext, type DriverStore } from './context';
export {
  addDrops,
  dropPoints,
  formatDropList,
  listDrops,
  type DropList,
  type ListedDrop,
} from './drops';
export {
  buildPreset,
  milestonesFor,
  requireDriver,
  requireRoute,
  routeLack,
  takesBacklog,
  PRESET_ROWS,
  type Direction,
  type PresetOptions,
} from './build';
export {
  discoverDrivers,
  findDriver,
  reachedRole,
  type Driver,
  type DriverDiscovery,
  type DriverRecord,
  type ReadText,
  type Registration,
} from './drivers';
export {
  countDrivers,
  entryPoints,
  listDrivers,
  summarise,
  type Completeness,
  type DriverEntryPoints,
  type DriverSummary,
} from './summary';
export { formatDriverTable } from './table';
export { moduleOf, modulesOf, parseKbuild, type KbuildModules, type ModuleOf } from './kbuild';
export {
  DEFAULT_ROUTE,
  ROUTES,
  findRoute,
  routeIds,
  type Route,
  type RouteDirection,
} from './routes';
export { drawnRoutes, routeComplete } from './route-coverage';
export {
  BACKLOG_RECEIVE,
  EGRESS,
  EGRESS_BRANCHES,
  INGRESS,
  INGRESS_BRANCHES,
  INGRESS_LEGACY,
  NAPI_RECEIVE,
} from './segments';
export {
  ROLE_CITATIONS,
  ROLE_NAMES,
  ROLE_NOTES,
  ROLE_SLOTS,
  ROLE_STAGES,
  type BranchRow,
  type DriverRole,
  roleCitations,
  type MilestoneRow,
} from './rows';
