/**
 * The public API is small, documented and reported: `nn.` has at most 60 top-level runtime
 * names, kernel-lib/api.md is up to date with the exported surface, every exported function has
 * a doc comment with an @example, and every @example type-checks against the real API.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { apiEntries, apiReport, LIB, REPORT } from './api-report';

const entries = apiEntries();

test('import * as nn from "nnlab" exposes at most 60 top-level runtime names', () => {
  const top = entries.filter((e) => !e.name.includes('.')).map((e) => e.name);
  assert.ok(top.length <= 60, `${top.length} names: ${top.join(', ')}`);
});

test('kernel-lib/api.md is the report of the exported surface (regenerate: node kernel-lib/build-test/test/api-report.js --write)', () => {
  assert.equal(fs.readFileSync(REPORT, 'utf8'), apiReport(entries));
});

test('every exported function and namespace has a doc comment', () => {
  const missing = entries.filter((e) => (e.kind === 'function' || e.kind === 'namespace') && e.doc === '').map((e) => e.name);
  assert.deepEqual(missing, []);
});

/** The @example blocks of every exported function, by name, read with the compiler. */
function examples(): { name: string; code: string }[] {
  const entry = path.join(LIB, 'src', 'index.ts');
  const program = ts.createProgram([entry], { strict: true, esModuleInterop: true, skipLibCheck: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS });
  const checker = program.getTypeChecker();
  const out: { name: string; code: string }[] = [];
  const visit = (symbols: ts.Symbol[], prefix: string) => {
    for (const s of symbols) {
      const symbol = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
      if (decl && ts.isSourceFile(decl)) {
        if (!prefix && s.getName() !== 'tf') visit(checker.getExportsOfModule(symbol), `${s.getName()}.`);
        continue;
      }
      if (!(symbol.flags & ts.SymbolFlags.Function)) continue;
      for (const tag of symbol.getJsDocTags(checker)) {
        if (tag.name === 'example' && tag.text) out.push({ name: `${prefix}${s.getName()}`, code: ts.displayPartsToString(tag.text) });
      }
    }
  };
  visit(checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!), '');
  return out;
}

test('every exported function has an @example', () => {
  const withExample = new Set(examples().map((e) => e.name));
  const missing = entries.filter((e) => e.kind === 'function' && !withExample.has(e.name)).map((e) => e.name);
  assert.deepEqual(missing, [], 'functions without an @example');
});

test('every @example of an exported function type-checks against the API (strict)', () => {  // Each example becomes the body of an async function in a file that imports the package as a
  // notebook does (`nn`, and `tf` = nn.tf), then the file is type-checked in strict mode.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-examples-'));
  try {
    const file = path.join(dir, 'examples.ts');
    const body = examples().map((e, i) => `// ${e.name}\nexport async function example${i}(): Promise<void> {\n${e.code.split('\n').map((l) => `  ${l}`).join('\n')}\n}\n`).join('\n');
    fs.writeFileSync(file, `import * as nn from ${JSON.stringify(path.join(LIB, 'src', 'index'))};\nconst tf = nn.tf;\nvoid tf;\n\n${body}`);
    const program = ts.createProgram([file], { strict: true, noEmit: true, esModuleInterop: true, skipLibCheck: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, lib: ['lib.es2020.d.ts', 'lib.dom.d.ts'], types: ['node'], typeRoots: [path.join(LIB, '..', 'node_modules', '@types')] });
    const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file).map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const owner = d.file!.text.split('\n').slice(0, line + 1).reverse().find((l) => l.startsWith('// '))?.slice(3);
      return `${owner}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    assert.deepEqual(errors, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
