// Prints, as JSON, every function in the web client's TypeScript longer than a limit:
// [{file, line, name, lines}]. Run by tests/client/test_client_layout.py with
// `node function_lengths.mjs CLIENT_DIR LIMIT`; it reads the sources with the TypeScript
// compiler that client/node_modules holds (a parser, so braces in strings and regexes count
// for nothing).
import { createRequire } from "node:module";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const [webArg, limitArg] = process.argv.slice(2);
const webDir = resolve(webArg);
const limit = Number(limitArg);
const ts = createRequire(join(webDir, "package.json"))("typescript");

function* sources(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.tsx?$/.test(name) && !/\.gen\.tsx?$/.test(name) && !name.endsWith(".d.ts"))
      yield path;
  }
}

function nameOf(node, file) {
  if (node.name) return node.name.getText(file);
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(file);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(file);
  if (parent && ts.isPropertyDeclaration(parent)) return parent.name.getText(file);
  return "(anonymous)";
}

const long = [];
for (const path of sources(join(webDir, "src"))) {
  const text = readFileSync(path, "utf8");
  const kind = path.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const last = file.getLineAndCharacterOfPosition(node.end).line;
      const lines = last - first + 1;
      if (lines > limit)
        long.push({ file: relative(webDir, path), line: first + 1, name: nameOf(node, file), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}
process.stdout.write(JSON.stringify(long));
