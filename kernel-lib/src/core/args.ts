/**
 * A strict argument parser for the nnlab CLI: every command declares its flags, options and
 * positionals; anything else is an error (unknown options are never ignored).
 */

export interface CommandSpec {
  /** Boolean switches, e.g. ['json', 'quick']. */
  flags?: readonly string[];
  /** Options that take a value, with the allowed values when the set is closed. */
  options?: Readonly<Record<string, readonly string[] | null>>;
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
        if (allowed && !allowed.includes(value)) throw new UsageError(`${command}: --${name} must be one of ${allowed.join(', ')}, got "${value}"`);
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
