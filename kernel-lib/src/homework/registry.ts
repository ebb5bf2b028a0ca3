/**
 * The registry of graded exercises: the single list `nn.check`, `nnlab homework` and `nnlab grade`
 * read. Each homework notebook (`notebooks/homework/instructor/<homework>.ipynb`, with
 * `metadata.nnlab.homework`) is graded on the exercises whose `homework` field names it, in this order.
 *
 * The exercises come from the lesson registry (lessons/registry.ts): each lesson's lesson.ts
 * lists its exercises in homework order. Adding an exercise: export an {@link Exercise} from the
 * lesson's folder and add it to that list; the check, the grader and the score table pick it up.
 */
import { Exercise } from '../core/exercise';
import { lessonExercises } from '../lessons/registry';

export const EXERCISES: readonly Exercise[] = Object.freeze(lessonExercises()
  .map((e) => Object.freeze({ ...e, cases: Object.freeze([...e.cases]), functions: Object.freeze([...e.functions]) })));

/** The exercise called `name`; throws naming the known ones. */
export function exercise(name: string): Exercise {
  const e = EXERCISES.find((x) => x.name === name);
  if (!e) throw new Error(`no exercise "${name}" (known: ${EXERCISES.map((x) => x.name).join(', ')})`);
  return e;
}

/**
 * The homework ids, in registry order.
 *
 * @example
 * nn.homework.homeworkIds()   // ['hw01-activations', 'hw02-preprocessing', 'hw03-weight-init', 'hw04-batchnorm', 'hw05-babysitting', 'hw09-dropout', 'hw10-transfer-learning']
 */
export function homeworkIds(): string[] {
  return [...new Set(EXERCISES.map((e) => e.homework))];
}

/**
 * The exercises of one homework, in registry order.
 *
 * @example
 * const exercises = nn.homework.homeworkExercises('hw03-weight-init');
 * exercises.map((e) => e.name)   // ['xavierInit', 'heInit', 'layerStds', 'initExperiment']
 * nn.table(exercises.map((e) => ({ check: `nn.check.${e.name}`, title: e.title, points: e.points, signature: e.signature })));
 */
export function homeworkExercises(homework: string): Exercise[] {
  return EXERCISES.filter((e) => e.homework === homework);
}
