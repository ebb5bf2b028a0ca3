/**
 * How the nnlab kernel prints an error that ends a cell (issue 16: "a failing check prints one
 * line ... and no internal stack frames"). tslab prints the error it caught with console.error; the
 * kernel launcher (bin/nnlab-kernel.js) passes such errors through {@link cellErrorText} first:
 *  - a failed check (`nn.expect`, {@link CheckFailure}) or a bad argument ({@link ArgumentError}):
 *    its one line, nothing else;
 *  - an error the cell threw itself (`throw new Error(...)` in the cell): its one line, since the
 *    frames under it are only the cell's compiled code, node:vm and tslab;
 *  - any other error (a bug, an error inside tfjs): its message and the frames that point into
 *    code a reader can open, without node:vm, node:internal and tslab's own frames.
 */

/** Frames that are the kernel's machinery, never the reader's or the library's code. */
const INTERNAL_FRAME = /\((?:node:vm|node:internal)|at (?:node:vm|node:internal)|[\\/]tslab[\\/]dist[\\/]|evalmachine\.<anonymous>|at new Promise \(<anonymous>\)|at process\.processTicksAndRejections/;
/** A frame of the cell's own compiled code. */
const CELL_FRAME = /evalmachine\.<anonymous>/;

/**
 * The text the kernel shows for an error that ended a cell. Values that are not errors are
 * returned as `String(value)`.
 *
 * @example
 * cellErrorText(new CheckFailure('std: expected 1 ± 0.01, measured 0.9'))   // 'CheckFailure: std: expected 1 ± 0.01, measured 0.9'
 */
export function cellErrorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const head = `${e.name}: ${e.message}`;
  if (e.name === 'CheckFailure' || e.name === 'ArgumentError') return head;
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  if (frames.length === 0 || CELL_FRAME.test(frames[0])) return head;
  const kept = frames.filter((l) => !INTERNAL_FRAME.test(l));
  return kept.length ? `${head}\n${kept.join('\n')}` : head;
}

/**
 * A console.error that prints errors through {@link cellErrorText} and everything else unchanged:
 * what the kernel launcher installs before tslab starts.
 */
export function cellErrorPrinter(original: (...args: unknown[]) => void): (...args: unknown[]) => void {
  return (...args: unknown[]) => {
    if (args.length === 1 && args[0] instanceof Error) original(cellErrorText(args[0]));
    else original(...args);
  };
}
