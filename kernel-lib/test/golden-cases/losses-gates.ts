/** Golden cases of lesson 12's gate experiments (see ../golden.ts). */
import type { GoldenCase } from '../golden';
import { circuit, gateChecks } from '../../src/lessons/losses/gatesRun';
import { gradcheckReport } from '../../src/lessons/losses/cliGates';

export const CASES: GoldenCase[] = [
  // lesson 12: the gates
  { id: 'lossesGateChecks', call: 'losses.gateChecks()', run: () => gateChecks({ progress: false }) },
  { id: 'lossesCircuit', call: 'losses.circuit()', run: () => circuit() },
  { id: 'lossesGradcheckFloat32', call: 'nnlab gradcheck --gate affine --dtype float32', run: async () => gradcheckReport({ gate: 'affine', dtype: 'float32' }) },
];
