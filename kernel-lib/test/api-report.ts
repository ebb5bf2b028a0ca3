/**
 * The API report: every runtime name `import * as nn from 'nnlab'` exposes, namespaces expanded
 * one level, with its kind, its signature and the first sentence of its doc comment, read from
 * the sources with the TypeScript compiler. kernel-lib/api.md is this report; api.test.ts fails
 * when the exported surface changes and api.md was not regenerated:
 *
 *   npm run build:test -w nnlab && node kernel-lib/build-test/test/api-report.js --write
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export const LIB = path.resolve(__dirname, '..', '..');
export const REPORT = path.join(LIB, 'api.md');

/** Namespaces that are other libraries' (listed, not expanded): `nn.tf` is TensorFlow.js itself. */
const NOT_EXPANDED = new Set(['tf']);

export interface ApiEntry {
  /** `batchNorm.fold`, `useDevice`. */
  name: string;
  kind: 'function' | 'class' | 'const' | 'namespace';
  /** The declared signature or type, on one line. */
  signature: string;
  /** First sentence of the doc comment ('' when there is none). */
  doc: string;
  /** Whether the doc comment has an @example tag. */
  example: boolean;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function firstSentence(s: string): string {
  const text = oneLine(s);
  const m = /^(.*?[.:;])(\s|$)/.exec(text);
  return (m ? m[1] : text).slice(0, 200);
}

/** The runtime exports of src/index.ts, namespaces (lessons, data, nets, ...) expanded one level. */
export function apiEntries(): ApiEntry[] {
  const entry = path.join(LIB, 'src', 'index.ts');
  const config = ts.getParsedCommandLineOfConfigFile(path.join(LIB, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  const program = ts.createProgram([entry], config?.options ?? {});
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const out: ApiEntry[] = [];
  const visit = (symbols: ts.Symbol[], prefix: string, depth: number) => {
    for (const exported of symbols) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const name = `${prefix}${exported.getName()}`;
      const flags = symbol.flags;
      if (!(flags & (ts.SymbolFlags.Value | ts.SymbolFlags.ValueModule))) continue; // types only
      const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
      const docs = ts.displayPartsToString(symbol.getDocumentationComment(checker));
      const example = symbol.getJsDocTags(checker).some((t) => t.name === 'example');
      if (flags & ts.SymbolFlags.ValueModule || (decl && ts.isSourceFile(decl))) {
        const members = checker.getExportsOfModule(symbol);
        const values = members.filter((m) => (m.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(m) : m).flags & (ts.SymbolFlags.Value | ts.SymbolFlags.ValueModule));
        out.push({ name, kind: 'namespace', signature: `${values.length} names`, doc: NOT_EXPANDED.has(name) ? 'TensorFlow.js itself: the one instance every lesson shares.' : firstSentence(docs || moduleDoc(decl)), example: false });
        if (depth === 0 && !NOT_EXPANDED.has(name)) visit(members, `${name}.`, depth + 1);
        continue;
      }
      const type = checker.getTypeOfSymbolAtLocation(symbol, decl ?? program.getSourceFile(entry)!);
      const kind: ApiEntry['kind'] = flags & ts.SymbolFlags.Class ? 'class' : flags & ts.SymbolFlags.Function ? 'function' : 'const';
      const signature = kind === 'function'
        ? type.getCallSignatures().map((s) => oneLine(checker.signatureToString(s))).join(' | ')
        : kind === 'class' ? 'class' : oneLine(checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation)).slice(0, 160);
      out.push({ name, kind, signature, doc: firstSentence(docs), example });
    }
  };
  visit(checker.getExportsOfModule(moduleSymbol), '', 0);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The leading /** comment of a module file (its doc), or ''. */
function moduleDoc(decl: ts.Declaration | undefined): string {
  if (!decl || !ts.isSourceFile(decl)) return '';
  const m = /^\/\*\*([\s\S]*?)\*\//.exec(decl.getFullText());
  return m ? m[1].replace(/^\s*\* ?/gm, '') : '';
}

/** api.md's text for `entries`. */
export function apiReport(entries: readonly ApiEntry[]): string {
  const top = entries.filter((e) => !e.name.includes('.'));
  const lines = [
    '# nnlab: the public API',
    '',
    'Generated from `kernel-lib/src/index.ts` by `test/api-report.ts` (regenerate: `npm run build:test -w nnlab && node kernel-lib/build-test/test/api-report.js --write`). `test/api.test.ts` fails when the exported surface and this file disagree.',
    '',
    `${top.length} top-level runtime names; ${entries.length} with the namespaces' members.`,
    '',
    '| name | kind | signature | what it is |',
    '|---|---|---|---|',
    ...entries.map((e) => `| \`${e.name}\` | ${e.kind} | ${e.signature ? `\`${e.signature.replace(/\|/g, '\\|').replace(/`/g, "'")}\`` : ''} | ${e.doc.replace(/\|/g, '\\|')} |`),
    '',
  ];
  return lines.join('\n');
}

if (require.main === module && !process.env.NODE_TEST_CONTEXT) {
  const text = apiReport(apiEntries());
  if (process.argv.includes('--write')) {
    fs.writeFileSync(REPORT, text);
    process.stdout.write(`wrote ${REPORT}\n`);
  } else {
    process.stdout.write(text);
  }
}
