// Extraction of one file's facts (see extractor.ts), as the parse stage uses it.

export { Extractor } from './extractor';
export type { InitializerEntry, ObjectMacros } from './object-macros';
export { objectMacros } from './object-macros';
export { EXTRACT_QUERY } from './query';
