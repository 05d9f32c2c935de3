/**
 * The longest functions in the given folders (default src/), by physical lines from signature to closing brace
 * (blank lines and comments included, so the figures are a little above what ESLint's max-lines-per-function
 * counts). `npm run sizes` prints the ten longest; `npm run sizes -- --top 30 src web/src` for more.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

interface FunctionSize {
  readonly name: string;
  readonly file: string;
  readonly lines: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry) ? [path] : [];
  });
}

/** A function's own name, or the name it is bound to, or the call it is passed to. */
function nameOf(node: ts.FunctionLikeDeclaration): string {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (ts.isCallExpression(parent)) return `<callback of ${parent.expression.getText().slice(0, 40)}>`;
  return '<anonymous>';
}

function functionSizes(file: string): FunctionSize[] {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, kind);
  const sizes: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      sizes.push({ name: nameOf(node as ts.FunctionLikeDeclaration), file, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sizes;
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 10;
const dirs = args.filter((a, i) => a !== '--top' && i !== topAt + 1);
const sizes = (dirs.length > 0 ? dirs : ['src']).flatMap(sourceFiles).flatMap(functionSizes);
for (const s of sizes.sort((a, b) => b.lines - a.lines).slice(0, top)) console.log(`${String(s.lines).padStart(5)}  ${s.name}  ${s.file}`);
