/** The shape of one `nnlab` subcommand. */
import type { CommandSpec, ParsedArgs } from './args';

export interface Command {
  /** One line for `nnlab --help`. */
  summary: string;
  /** The full `--help` text; its first line is the usage line. */
  usage: string;
  spec: CommandSpec;
  /** Runs the command; resolves to the exit status. */
  run(args: ParsedArgs): Promise<number>;
}

/** Writes one line to stdout. */
export const out = (text: string): void => { process.stdout.write(`${text}\n`); };
