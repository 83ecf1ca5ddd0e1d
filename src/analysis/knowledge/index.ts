// Public API of the kernel knowledge tables: what the path builder, the CLI and the
// extension import. Everything here is pure data and pure functions (no I/O, no vscode).

export {
  readSkbuffDoc,
  readStructDoc,
  type ReadStructOptions,
  type SkbFieldDoc,
  type StructDoc,
  type StructFieldDoc,
} from './skbuff-doc';
export { SKB_FIELDS, type SkbFieldRow } from './skb-fields';
export {
  BH_DISABLE_CALLS,
  BH_ENABLE_CALLS,
  SOFTIRQ_ENTRIES,
  bhRegion,
  inBhRegion,
  type BhRegion,
  type BodyCall,
  type SoftirqEntry,
} from './contexts';
export {
  MAX_HOVER_LINE,
  findHoverTarget,
  hoverAt,
  hoverCitation,
  surroundingLines,
  type HoverLink,
  type HoverOptions,
  type HoverResult,
  type HoverTarget,
} from './hover';
export { CONCEPTS, type ConceptRow } from './concepts';
export { SOCKET_NOTES } from './socket-notes';
export { SKB_LIFE, findSkbLife, skbLifeEffect, type SkbLife, type SkbLifeRow } from './skb-life';
export {
  explain,
  formatExplanation,
  formatSource,
  locateSource,
  type ExplanationSource,
  listTopics,
  type Explanation,
  type ExplanationKind,
  type TopicSummary,
} from './explain';
export {
  SKB_ALLOCATORS,
  SKB_OPS,
  describeSkbOp,
  findSkbOp,
  isSkbAllocator,
  skbOpCall,
  skbOpChanges,
  skbOpEffect,
  type SkbLenMeaning,
  type SkbOpField,
  type SkbOpRow,
} from './skb-ops';
export {
  FUNCTION_NOTES,
  STAGES,
  STAGE_RULES,
  classifyStage,
  stageRuleLabel,
  functionNote,
  globToRegExp,
  matchStageRule,
  type FunctionNote,
  type StageInfo,
  type StageRule,
} from './stages';
export {
  checkCitation,
  definitionText,
  formatCitation,
  formatPlace,
  locateCitation,
  type Citation,
  type CitationCheck,
  type CitedPlace,
  type ReadSource,
} from './sources';
export {
  KNOWLEDGE_RELEASE,
  checkRows,
  releaseNote,
  functionNoteCitations,
  knowledgeCitations,
  skbFieldCitation,
  skbOpCitation,
  type CitedRow,
  type RowCheck,
} from './citations';
export {
  HOOK_CALLS,
  NF_HOOKS,
  NF_PROTOS,
  findHook,
  hooksInvokedBy,
  scanHookCalls,
  type HookCallRow,
  type HookCallSite,
  type NfHookMacro,
  type NfHookRow,
  type NfProtoRow,
} from './netfilter';
