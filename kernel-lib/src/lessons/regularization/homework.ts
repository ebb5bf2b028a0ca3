/** Stub of lesson 08's graded exercises (helper D delivers the real file). */
import type { Exercise } from '../../core/exercise';

/** The exercises of hw08. */
export const HOMEWORK_08: Exercise[] = [];
