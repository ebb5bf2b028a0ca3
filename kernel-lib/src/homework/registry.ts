/**
 * The registry of graded exercises: the single list `nn.check`, `nnlab homework` and `nnlab grade`
 * read. Each homework notebook (`notebooks/homework/instructor/<homework>.ipynb`, with
 * `metadata.nnlab.homework`) is graded on the exercises whose `homework` field names it, in this order.
 *
 * Adding an exercise: write one module under exercises/ exporting an {@link Exercise} and add it to
 * EXERCISES below; the check, the grader and the score table pick it up from here.
 */
import { Exercise } from './exercise';
import { INIT_EXPERIMENT, LAYER_STDS } from './exercises/activationStats';
import { BATCH_NORM_TEST_MODE, BATCH_NORM_TRAIN_MODE } from './exercises/batchNorm';
import { DROPOUT_TEST_MODE, DROPOUT_TRAIN_MODE } from './exercises/dropout';
import { HE_INIT, XAVIER_INIT } from './exercises/init';
import { FREEZE_AND_FINE_TUNE } from './exercises/transfer';

export const EXERCISES: readonly Exercise[] = Object.freeze([
  XAVIER_INIT, HE_INIT, LAYER_STDS, INIT_EXPERIMENT,   // hw03-weight-init
  BATCH_NORM_TRAIN_MODE, BATCH_NORM_TEST_MODE,         // hw04-batchnorm
  DROPOUT_TRAIN_MODE, DROPOUT_TEST_MODE,               // hw09-dropout
  FREEZE_AND_FINE_TUNE,                                // hw10-transfer-learning
].map((e) => Object.freeze({ ...e, cases: Object.freeze([...e.cases]), functions: Object.freeze([...e.functions]) })));

/** The exercise called `name`; throws naming the known ones. */
export function exercise(name: string): Exercise {
  const e = EXERCISES.find((x) => x.name === name);
  if (!e) throw new Error(`no exercise "${name}" (known: ${EXERCISES.map((x) => x.name).join(', ')})`);
  return e;
}

/** The homework ids, in registry order. */
export function homeworkIds(): string[] {
  return [...new Set(EXERCISES.map((e) => e.homework))];
}

/** The exercises of one homework, in registry order. */
export function homeworkExercises(homework: string): Exercise[] {
  return EXERCISES.filter((e) => e.homework === homework);
}
