/**
 * The import rules of kernel-lib/src (architecture.json), read from the sources themselves: every
 * relative `import ... from`, `export ... from`, `import(...)` and `require(...)` is resolved to
 * a file and checked against the folder rules. Used by architecture.test.ts on the real sources
 * and on a fixture that breaks each rule once.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface ArchitectureConfig {
  folders: Record<string, { may: string[]; role: string }>;
  importTime: { entryScripts: string[] };
}

export interface ImportEdge { from: string; to: string; spec: string }

/** Every .ts file under `dir`, as paths relative to it with forward slashes, sorted. */
export function sourceFiles(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(dir, path.posix.join(rel, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path.posix.join(rel, e.name)] : []))
    .sort();
}

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]*)\1/gm;

/** The relative imports of every source file under `srcDir`, resolved to files (relative paths). */
export function importEdges(srcDir: string): ImportEdge[] {
  return sourceFiles(srcDir).flatMap((from) => {
    const text = fs.readFileSync(path.join(srcDir, from), 'utf8');
    return [...text.matchAll(IMPORT)].map((m) => {
      const base = path.posix.join(path.posix.dirname(from), m[2]);
      const to = [`${base}.ts`, `${base}/index.ts`].find((c) => fs.existsSync(path.join(srcDir, c)));
      if (!to) throw new Error(`${from}: cannot resolve "${m[2]}"`);
      return { from, to, spec: m[2] };
    });
  });
}

/** The folder a file belongs to for the rules: its first path segment ('' for files in src/ itself). */
export function folderOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.indexOf('/')) : '';
}

/** lessons/<name>/... -> <name>; null for anything else (lessons/registry.ts included). */
function lessonOf(file: string): string | null {
  const parts = file.split('/');
  return parts[0] === 'lessons' && parts.length > 2 ? parts[1] : null;
}

/** Every import that breaks a rule, as one readable line each (empty when the layering holds). */
export function violations(srcDir: string, config: ArchitectureConfig): string[] {
  const out: string[] = [];
  for (const { from, to } of importEdges(srcDir)) {
    const [src, dst] = [folderOf(from), folderOf(to)];
    if (src === '' || src === dst && src !== 'lessons') continue;
    const rule = config.folders[src];
    if (!rule) {
      out.push(`${from}: folder ${src}/ has no rule in architecture.json`);
      continue;
    }
    if (src === 'lessons' && dst === 'lessons') {
      const [a, b] = [lessonOf(from), lessonOf(to)];
      if (a !== null && a !== b) out.push(`${from} imports ${to}: a lesson never imports another lesson (move what both need to nets/ or core/)`);
      continue;
    }
    if (!rule.may.includes('*') && !rule.may.includes(dst)) {
      out.push(`${from} imports ${to}: ${src}/ may import only ${rule.may.length ? rule.may.map((f) => `${f}/`).join(', ') : 'itself'}`);
    }
  }
  return out;
}
