/**
 * `nn.homework`: what an instructor calls from a notebook (students use `nn.check.<exercise>`).
 * The same machinery runs from a terminal as `nnlab homework build` and `nnlab grade`.
 *
 * @example
 * nn.homework.homeworkIds()   // ['hw01-activations', 'hw02-preprocessing', 'hw03-weight-init', 'hw04-batchnorm', 'hw05-babysitting', 'hw09-dropout', 'hw10-transfer-learning']
 */
export { EXERCISES, homeworkIds, homeworkExercises } from '../homework/registry';
export { runCheck, serveJudge } from '../homework/check';
export { buildHomework } from '../homework/build';
export type { BuildEntry } from '../homework/build';
export { gradeSubmissions, gradeRows, gradesCsv } from '../homework/grade';
export type { SubmissionGrade, GradeOptions, ExerciseGrade } from '../homework/grade';
export { assignHomework, collectHomework, returnFeedback, feedbackHtml, classroomUsers, escapeHtml, homeworkPath } from '../homework/classroom';
export type { AssignEntry, AssignOptions, CollectEntry, CollectManifest, CollectOptions, CollectStatus, ReturnEntry, ReturnOptions } from '../homework/classroom';
export { checkResultText } from '../core/exercise';
export type { Exercise, CheckResult, CaseResult } from '../core/exercise';
