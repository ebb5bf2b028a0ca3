/** Stub of homework 07's exercises (helper B replaces it at merge). */
import type { Exercise } from '../../core/exercise';

export const HOMEWORK_07: Exercise[] = [];
