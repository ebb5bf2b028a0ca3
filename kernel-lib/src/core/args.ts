import { ArgumentError, describe } from './errors';
import type { Field } from './options';

/**
 * A strict argument parser for the nnlab CLI: every command declares its flags, options and
 * positionals; anything else is an error (unknown options are never ignored).
 */

export interface CommandSpec {
  /** Boolean switches, e.g. ['json', 'quick']. */
  flags?: readonly string[];
  /**
   * Options that take a value: the allowed values when the set is closed, a declared option
   * (core/options.ts: the experiment's own field, so its kind and range are checked while the
   * command line is parsed, before a backend starts), or null for free text (a path).
   */
  options?: Readonly<Record<string, readonly string[] | Field | null>>;
  /** Names of positional arguments; a trailing '?' marks one as optional. */
  positionals?: readonly string[];
}

export interface ParsedArgs {
  flags: Set<string>;
  options: Record<string, string>;
  positionals: string[];
  help: boolean;
}

/** A usage error: the CLI prints it with the command's help and exits with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The value of an option as a number, or undefined when it was not given. `whole` asks for a
 * whole number >= 0 (digits only: seeds, counts). A bad value is a UsageError naming the command,
 * the option and the value: `dropout: --p must be a number, got "x"`.
 */
export function numberOption(raw: string | undefined, command: string, name: string, kind: 'number' | 'whole' = 'number'): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (kind === 'whole') {
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(v)) throw new UsageError(`${command}: --${name} must be a whole number >= 0, got "${raw}"`);
  } else if (!DECIMAL.test(raw.trim()) || !Number.isFinite(v)) {
    // decimal notation only: Number() would also take "0x10" (16), "0b11", "" (0) and "Infinity"
    throw new UsageError(`${command}: --${name} must be a decimal number (such as 0.5 or 1e-3), got "${raw}"`);
  }
  return v;
}

/**
 * The value of a declared option as the experiment takes it: "12" -> 12 for an int, "0.5" for a
 * number, "-1,1" -> [-1, 1] for a range, "a,b" -> ['a', 'b'] for a list. A bad value is a
 * UsageError naming --name and the text as typed.
 */
export function optionValue(command: string, name: string, text: string, field: Field): unknown {
  const fail = (allowed: string): never => { throw new UsageError(`${command}: --${name} must be ${allowed}, got "${text}"`); };
  const scalar = (t: string, f: Field): unknown => {
    switch (f.kind) {
      case 'int': case 'seed':
        if (!/^[+-]?\d+$/.test(t.trim())) fail(`an integer${bounds(f)}`);
        return Number(t);
      case 'number': case 'probability':
        if (!DECIMAL.test(t.trim())) fail(`a decimal number${bounds(f)} (such as 0.5 or 1e-3)`);
        return Number(t);
      case 'boolean':
        if (t !== 'true' && t !== 'false') fail('true or false');
        return t === 'true';
      default:
        return t;
    }
  };
  let value: unknown;
  if (field.kind === 'range') {
    const parts = text.split(',');
    if (parts.length !== 2) fail('LO,HI (such as -1,1)');
    value = parts.map((p) => scalar(p, { kind: 'number', check: (_n, v) => v }));
  } else if (field.kind === 'list') {
    value = text.split(',').map((p) => scalar(p.trim(), field.of as Field));
  } else {
    value = scalar(text, field);
  }
  try {
    return field.check(`--${name}`, value);
  } catch (err) {
    if (err instanceof ArgumentError) {
      const tail = `, got ${describe(err.value)}`;
      const message = err.message.endsWith(tail) ? err.message.slice(0, -tail.length) : err.message;
      throw new UsageError(`${command}: ${message}, got "${text}"`);
    }
    throw err;
  }
}

/**
 * The value options a command line gave, each checked and converted by its declared field
 * (`optionValue`), keyed by flag; flags not given are left out.
 */
export function optionValues(command: string, a: ParsedArgs, fields: Readonly<Record<string, Field>>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(fields)) {
    if (a.options[flag] !== undefined) o[flag] = optionValue(command, flag, a.options[flag], field);
  }
  return o;
}

function bounds(f: Field): string {
  if (f.kind === 'seed') return ' >= 0';
  if (f.kind === 'probability') {
    const open = f.open ?? 'none';
    return ` in ${open === 'low' || open === 'both' ? '(' : '['}0, 1${open === 'high' || open === 'both' ? ')' : ']'}`;
  }
  if (f.min !== undefined && f.max !== undefined) return ` in [${f.min}, ${f.max}]`;
  return '';
}

/** A number written in decimal: 3, -0.5, .5, 1e-3, 2.5E+4. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses `argv` against `spec`; `--help`/`-h` is accepted everywhere. An option given twice is an
 * error (which value was meant?), not "the last one wins".
 */
export function parseArgs(command: string, argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const flags = new Set<string>();
  const options: Record<string, string> = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') { help = true; continue; }
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
      if (spec.flags?.includes(name)) {
        if (inline !== undefined) throw new UsageError(`${command}: --${name} takes no value, got "${arg}"`);
        if (flags.has(name)) throw new UsageError(`${command}: --${name} is given twice; give it once`);
        flags.add(name);
      } else if (spec.options && name in spec.options) {
        const value = inline ?? argv[++i];
        if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${command}: --${name} needs a value`);
        const allowed = spec.options[name];
        if (Array.isArray(allowed) && !allowed.includes(value)) throw new UsageError(`${command}: --${name} must be one of ${allowed.join(', ')}, got "${value}"`);
        if (allowed && !Array.isArray(allowed)) optionValue(command, name, value, allowed as Field);
        if (name in options) throw new UsageError(`${command}: --${name} is given twice ("${options[name]}" and "${value}"); give it once`);
        options[name] = value;
      } else {
        const known = [...(spec.flags ?? []), ...Object.keys(spec.options ?? {})].map((n) => `--${n}`);
        throw new UsageError(`${command}: unknown option "${arg}"${known.length ? ` (known: ${known.join(', ')}, --help)` : ' (it takes none but --help)'}`);
      }
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`${command}: unknown option "${arg}"`);
    } else {
      positionals.push(arg);
    }
  }
  if (!help) {
    const names = spec.positionals ?? [];
    const required = names.filter((n) => !n.endsWith('?')).length;
    if (positionals.length < required) throw new UsageError(`${command}: missing <${names[positionals.length].replace('?', '')}>`);
    if (positionals.length > names.length) throw new UsageError(`${command}: unexpected argument "${positionals[names.length]}"`);
  }
  return { flags, options, positionals, help };
}
