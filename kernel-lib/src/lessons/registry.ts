/**
 * The lesson registry: every lesson, in order, as data. `nnlab list`, the CLI's experiment
 * commands, `nn.check` and the grader's exercises, `nn.show(record)`, the notebook tests and the
 * README's lesson table (checked by a test) all read this one list. Adding a lesson: add its
 * folder with a lesson.ts, then one line here (ARCHITECTURE.md has the checklist).
 */
import type { Command } from '../core/command';
import type { Exercise } from '../core/exercise';
import type { LessonDefinition } from '../core/lesson';
import { ACTIVATIONS_LESSON } from './activations/lesson';
import { PREPROCESSING_LESSON } from './preprocessing/lesson';
import { WEIGHT_INIT_LESSON } from './weight-init/lesson';
import { BATCH_NORM_LESSON } from './batch-norm/lesson';
import { BABYSITTING_LESSON } from './babysitting/lesson';
import { OPTIMIZERS_LESSON } from './optimizers/lesson';
import { DROPOUT_LESSON } from './dropout/lesson';
import { TRANSFER_LESSON } from './transfer/lesson';
import { HP_SEARCH_LESSON } from './hp-search/lesson';
import { REGULARIZATION_LESSON } from './regularization/lesson';
import { LOSSES_LESSON } from './losses/lesson';

/** Lesson 00 has no folder: it shows the environment (device, plots, tables, datasets, progress). */
const GETTING_STARTED: LessonDefinition = {
  id: 'getting-started', number: '00', namespace: null, title: 'Getting started',
  notebook: '00-getting-started.ipynb', homework: null,
  summary: 'the device report, a first tensor and seeds, an inline chart, a table, a real dataset, live progress, check cells',
  commands: {}, exercises: [], show: {}, experiments: {},
};

export const LESSONS: readonly LessonDefinition[] = Object.freeze([
  GETTING_STARTED, ACTIVATIONS_LESSON, PREPROCESSING_LESSON, WEIGHT_INIT_LESSON, BATCH_NORM_LESSON, BABYSITTING_LESSON, HP_SEARCH_LESSON, OPTIMIZERS_LESSON, REGULARIZATION_LESSON, DROPOUT_LESSON, TRANSFER_LESSON, LOSSES_LESSON,
]);

/** Every lesson's CLI commands, by name (a name used twice is a programming error). */
export function lessonCommands(): Record<string, Command> {
  const all: Record<string, Command> = {};
  for (const lesson of LESSONS) {
    for (const [name, command] of Object.entries(lesson.commands)) {
      if (all[name]) throw new Error(`lesson ${lesson.id}: command "${name}" is declared twice`);
      all[name] = command;
    }
  }
  return all;
}

/** Every graded exercise, in lesson order. */
export function lessonExercises(): Exercise[] {
  return LESSONS.flatMap((l) => [...l.exercises]);
}

/** The figure for a record's `experiment`, or undefined. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function showerOf(experiment: string): ((record: any) => void) | undefined {
  for (const lesson of LESSONS) if (Object.prototype.hasOwnProperty.call(lesson.show, experiment)) return lesson.show[experiment];
  return undefined;
}

/** One lesson as `nnlab list` and `nn.listLessons()` show it: plain data. */
export interface LessonRow {
  /** The notebook's name without .ipynb ("04-batchnorm"). */
  name: string;
  lesson: string;
  title: string;
  summary: string;
  /** `nn.<namespace>`, or null. */
  namespace: string | null;
  /** `nnlab <command>` names. */
  commands: string[];
  /** The homework notebook's name without .ipynb, or null. */
  homework: string | null;
}

/**
 * The registry as plain rows, in lesson order (`nn.listLessons()`, `nnlab list --json`).
 *
 * @example
 * const lessons = nn.listLessons();
 * nn.table(lessons.map((l) => ({ notebook: l.name, title: l.title, namespace: l.namespace ?? '', homework: l.homework ?? '' })));
 * lessons.find((l) => l.namespace === 'batchNorm')?.commands   // ['batchnorm', 'batchnorm-fold']
 */
export function lessonRows(): LessonRow[] {
  return LESSONS.map((l) => ({
    name: l.notebook.replace(/\.ipynb$/, ''), lesson: l.number, title: l.title, summary: l.summary, namespace: l.namespace,
    commands: Object.keys(l.commands), homework: l.homework === null ? null : l.homework.replace(/\.ipynb$/, ''),
  }));
}

/** The README's lesson table, made from the registry (a test keeps the README equal to it). */
export function lessonTableMarkdown(): string {
  const code = (xs: readonly string[]) => xs.map((x) => `\`${x}\``).join(', ');
  return ['| notebook | lesson | library | CLI | homework |', '|---|---|---|---|---|', ...lessonRows().map((r) =>
    `| \`${r.name}\` | ${r.summary} | ${r.namespace ? `\`nn.${r.namespace}\`` : ''} | ${code(r.commands.map((c) => `nnlab ${c}`))} | ${r.homework ? `\`${r.homework}\`` : ''} |`)].join('\n');
}

/** Every lesson's experiments, as "namespace.name" -> the experiment. */
export function lessonExperiments(): Record<string, import('../core/lesson').Experiment> {
  const all: Record<string, import('../core/lesson').Experiment> = {};
  for (const lesson of LESSONS) for (const [name, e] of Object.entries(lesson.experiments)) all[`${lesson.namespace}.${name}`] = e;
  return all;
}
