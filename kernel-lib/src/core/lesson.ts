/**
 * What a lesson declares about itself, as data: its number, title, notebook, CLI commands,
 * homework exercises and the figure of each of its experiments. The registry
 * (lessons/registry.ts) lists them; `nnlab list`, the CLI dispatch, `nn.check`, the grader,
 * `nn.show(record)`, the notebook tests and the README's lesson table all read that one list.
 */
import type { Command } from './command';
import type { Exercise } from './exercise';
import type { OptionSchema } from './options';

export interface LessonDefinition {
  /** Folder name under lessons/ and the namespace's kebab-case id ("batch-norm"). */
  id: string;
  /** The lesson number, two digits as in the notebook's file name ("04"). */
  number: string;
  /** The public namespace: `nn.<namespace>` ("batchNorm"); null for a lesson without one. */
  namespace: string | null;
  title: string;
  /** The notebook under notebooks/ ("04-batchnorm.ipynb"). */
  notebook: string;
  /** What the lesson shows, one sentence (the README's lesson table and `nnlab list`). */
  summary: string;
  /** The homework notebook under notebooks/homework/, if the lesson has one. */
  homework: string | null;
  /** `nnlab <name>` commands, declared as data; cli/ parses and dispatches them. */
  commands: Record<string, Command>;
  /** Graded exercises of the homework, in the order the homework asks them. */
  exercises: readonly Exercise[];
  /**
   * The lesson's experiments with their declared options (core/options.ts), by public name
   * (`nn.<namespace>.<name>`): the generated bad-input test feeds each of them the values its
   * declaration rejects, and expects an ArgumentError naming the option before any work starts.
   */
  experiments: Record<string, Experiment>;
  /** How `nn.show(record)` draws each of the lesson's records, by `record.experiment`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  show: Record<string, (record: any) => void>;
}

/** An experiment as the registry lists it: the function and its declared options. */
export interface Experiment {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run(options?: any): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  options: OptionSchema<any>;
}
