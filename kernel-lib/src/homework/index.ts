/** Homework: exercises and their checks, the student-version builder and the grader. */
export * from '../core/exercise';
export * from './registry';
export * from './check';
export * from './build';
export * from './submission';
export * from './grade';
