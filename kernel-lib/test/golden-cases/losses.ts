/** Golden cases of lesson 12's losses and numerical-gradient experiments (see ../golden.ts). */
import type { GoldenCase } from '../golden';
import { gradErrorVsH, kinks } from '../../src/lessons/losses/gradNumerics';
import { lossShapes } from '../../src/lessons/losses/lossShapes';
import { mseVsCe } from '../../src/lessons/losses/mseVsCe';

export const CASES: GoldenCase[] = [
  // lesson 12: losses
  { id: 'lossesLossShapes', call: 'losses.lossShapes({points: 21})', run: async () => lossShapes({ points: 21 }) },
  { id: 'lossesMseVsCe', call: 'losses.mseVsCe({epochs: 3, pointsPerClass: 30, points: 11})', run: () => mseVsCe({ epochs: 3, pointsPerClass: 30, points: 11, progress: false }) },
  { id: 'lossesGradErrorVsH', call: 'losses.gradErrorVsH({perDecade: 1})', run: () => gradErrorVsH({ perDecade: 1, progress: false }) },
  { id: 'lossesKinks', call: 'losses.kinks({count: 2000})', run: async () => kinks({ count: 2000 }) },
];
