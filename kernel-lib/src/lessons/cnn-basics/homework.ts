/** STUB (homework 11, replaced by the partner's file at merge). */
import type { Exercise } from '../../core/exercise';

export const HOMEWORK_11: Exercise[] = [];
