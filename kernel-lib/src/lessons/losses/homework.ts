/** STUB (the partner's homework 12 replaces this file at merge). */
import type { Exercise } from '../../core/exercise';

export const HOMEWORK_12: Exercise[] = [];
