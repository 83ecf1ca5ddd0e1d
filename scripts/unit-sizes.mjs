// The longest functions and classes of src/, by lines as formatted, to keep every unit
// readable in a screen or two. Data tables are variables, not functions, and are not
// counted. `npm run lint` runs it with the limits of ARCHITECTURE.md ("Units"):
//
//   node scripts/unit-sizes.mjs [--top N] [--max-function L] [--max-class L]
//
// With a limit it exits 1 and names each unit over it.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const top = option('--top', 10);
const maxFunction = option('--max-function', Infinity);
const maxClass = option('--max-class', Infinity);

function sourceFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.d.ts'))
    .map((d) => join(d.parentPath, d.name));
}

function nameOf(node, sf) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name))
    return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  return '(anonymous)';
}

const functions = [];
const classes = [];
for (const file of sourceFiles(join(root, 'src'))) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const visit = (node) => {
    const isFunction =
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node);
    const isClass = ts.isClassDeclaration(node) || ts.isClassExpression(node);
    if ((isFunction && node.body) || isClass) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const unit = {
        name: nameOf(node, sf),
        file: relative(root, file),
        line: start + 1,
        lines: end - start + 1,
      };
      (isClass ? classes : functions).push(unit);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

const byLength = (a, b) => b.lines - a.lines;
functions.sort(byLength);
classes.sort(byLength);
const show = (title, units) => {
  if (top === 0) return;
  process.stdout.write(`${title}\n`);
  for (const u of units.slice(0, top))
    process.stdout.write(`  ${String(u.lines).padStart(5)}  ${u.name}  ${u.file}:${u.line}\n`);
};
show(`longest functions (${functions.length})`, functions);
show(`longest classes (${classes.length})`, classes);
const over = [
  ...functions
    .filter((u) => u.lines > maxFunction)
    .map(
      (u) => `function ${u.name} (${u.file}:${u.line}) has ${u.lines} lines, over ${maxFunction}`,
    ),
  ...classes
    .filter((u) => u.lines > maxClass)
    .map((u) => `class ${u.name} (${u.file}:${u.line}) has ${u.lines} lines, over ${maxClass}`),
];
for (const o of over) process.stderr.write(`unit-sizes: ${o}: split it into named steps\n`);
process.exit(over.length > 0 ? 1 : 0);
