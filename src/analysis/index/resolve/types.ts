// Type inference: the struct type of the object an expression denotes (a TypeChain),
// from the declarations of the whole tree: typedefs followed, fields walked, a field that
// is a macro for a path of fields followed along it, and of two structs of one name the
// nearest to the file by directory (e1000 and e1000e both have `struct e1000_adapter`).

import type { FileFacts, TypeChain } from '../facts';
import { dirOf } from '../graph';
import type { NameResolver, Nodes } from './names';

/**
 * A struct type as resolution keys it: `key` tells apart structs of one name
 * (`e1000_adapter@drivers/net/ethernet/intel/e1000e/e1000.h`), `name` is what users read.
 */
export interface StructRef {
  key: string;
  name: string;
}

interface StructDef {
  file: string;
  fields: Record<string, string>;
}

/** The tree's typedefs, structs, globals and field macros, first definition of a name first. */
export class TypeIndex {
  private readonly typedefs = new Map<string, string>();
  private readonly structs = new Map<string, StructDef[]>();
  private readonly globals = new Map<string, string>();
  /** `sk_prot` -> ['__sk_common', 'skc_prot']: fields that a macro names (FileFacts.fieldMacros). */
  private readonly fieldMacros = new Map<string, string[]>();

  constructor(
    private readonly files: readonly FileFacts[],
    private readonly nodes: Nodes,
    private readonly names: NameResolver,
  ) {
    for (const f of files) {
      for (const [alias, target] of Object.entries(f.typedefs))
        if (!this.typedefs.has(alias)) this.typedefs.set(alias, target);
      for (const s of f.structs) {
        const list = this.structs.get(s.name);
        const def = { file: f.path, fields: s.fields };
        if (!list) this.structs.set(s.name, [def]);
        else if (!list.some((d) => d.file === f.path)) list.push(def);
      }
      for (const [name, type] of Object.entries(f.globals))
        if (!this.globals.has(name)) this.globals.set(name, type);
      for (const [name, path] of Object.entries(f.fieldMacros ?? {}))
        if (!this.fieldMacros.has(name)) this.fieldMacros.set(name, path);
    }
  }

  /** The struct of the object `chain` denotes, seen from file `fi`. */
  chainStruct(chain: TypeChain, fi: number): StructRef | undefined {
    const from = (this.files[fi] as FileFacts).path;
    let type = this.rootType(chain.root, fi);
    if (!type) return undefined;
    type = this.normalize(type);
    for (const field of chain.path) {
      const next = this.structDef(type, from)?.fields[field];
      if (next) {
        type = this.normalize(next);
        continue;
      }
      // A field that is a macro for a path of fields (`sk->sk_prot`): follow the path.
      const macro = this.fieldMacros.get(field);
      if (!macro) return undefined;
      for (const f of macro) {
        const step = this.structDef(type, from)?.fields[f];
        if (!step) return undefined;
        type = this.normalize(step);
      }
    }
    const def = this.structDef(type, from);
    return { key: def?.key ?? type, name: type };
  }

  /** The declared type a chain starts from: a type, a global's, a function's return. */
  private rootType(root: TypeChain['root'], fi: number): string | undefined {
    if ('t' in root) return root.t;
    if ('g' in root) return this.globals.get(root.g);
    if ('c' in root) {
      for (const n of this.names.resolve(root.c, fi)) {
        const r = this.nodes.fact(n).returns;
        if (r) return r;
      }
    }
    return undefined;
  }

  /** A type name with typedefs followed (a few steps, as typedef loops exist in odd code). */
  private normalize(t: string): string {
    for (let i = 0; i < 6; i++) {
      const next = this.typedefs.get(t);
      if (!next || next === t) break;
      t = next;
    }
    return t;
  }

  /** The struct definition of `name` seen from `fromPath`: the nearest by directory. */
  private structDef(
    name: string,
    fromPath: string,
  ): { key: string; fields: Record<string, string> } | undefined {
    const defs = this.structs.get(name);
    if (!defs || defs.length === 0) return undefined;
    if (defs.length === 1) return { key: name, fields: (defs[0] as StructDef).fields };
    let best = defs[0] as StructDef;
    let bestLen = -1;
    for (const d of defs) {
      const len = d.file.startsWith('include/')
        ? 0.5
        : commonPrefixLength(dirOf(d.file), dirOf(fromPath));
      if (len > bestLen) {
        bestLen = len;
        best = d;
      }
    }
    return { key: `${name}@${best.file}`, fields: best.fields };
  }
}

function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
