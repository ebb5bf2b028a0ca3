/** The shape of one `nnlab` subcommand. */
import type { CommandSpec, ParsedArgs } from './args';

export interface Command {
  /** One line for `nnlab --help`. */
  summary: string;
  /** The full `--help` text; its first line is the usage line. */
  usage: string;
  spec: CommandSpec;
  /**
   * The command line's name of each experiment option whose flag is not its kebab-case
   * (`depth` -> `layers`), so a library ArgumentError is told in the command line's words.
   */
  flags?: Readonly<Record<string, string>>;
  /** Runs the command; resolves to the exit status. */
  run(args: ParsedArgs): Promise<number>;
}

/** Writes one line to stdout. */
export const out = (text: string): void => { process.stdout.write(`${text}\n`); };

/** camelCase -> kebab-case: inputWidth -> input-width. */
export const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * An ArgumentError of the library in the command line's words: "depth must be ..." becomes
 * "--layers must be ..." when the command maps depth to --layers (or has --depth itself).
 */
export function cliMessage(command: Command, argument: string, message: string): string {
  const key = argument.replace(/^[\w.]*\.(?=\w+$)/, '').replace(/\[.*$/, '');
  const options = command.spec.options ?? {};
  const flag = command.flags?.[key] ?? (kebab(key) in options ? kebab(key) : key in options ? key : null);
  if (flag === null) return message;
  const at = message.indexOf(argument);
  if (at === 0) return `--${flag}${argument.slice(argument.startsWith(key) ? key.length : argument.length)}${message.slice(argument.length)}`;
  return message.replace(new RegExp(`\\b${key}\\b`), `--${flag}`);
}
