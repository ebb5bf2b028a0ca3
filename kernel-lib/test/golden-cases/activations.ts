/** Golden cases of the activation-functions lesson (see ../golden.ts). */
import type { GoldenCase } from '../golden';
import { saturation } from '../../src/lessons/activations/saturation';
import { functionsTable } from '../../src/lessons/activations/table';
import { zigzag } from '../../src/lessons/activations/zigzag';
import { depthStats } from '../../src/lessons/activations/depthStats';
import { deadRelu } from '../../src/lessons/activations/deadRelu';
import { race } from '../../src/lessons/activations/race';

export const CASES: GoldenCase[] = [
  // lesson 01: activation functions
  { id: 'activationsTable', call: 'activations.functionsTable({})', run: () => functionsTable({}) },
  { id: 'activationSaturation', call: 'activations.saturation({chain: [1, 2, 5, 10]})', run: () => saturation({ chain: [1, 2, 5, 10] }) },
  { id: 'activationZigzag', call: 'activations.zigzag({steps: 300, lrs: [0.3, 1, 3], seed: 1})', run: () => zigzag({ steps: 300, lrs: [0.3, 1, 3], seed: 1 }) },
  { id: 'activationDepthStats', call: 'activations.depthStats({depth: 5, width: 100, batchSize: 100, seed: 1})',
    run: () => depthStats({ depth: 5, width: 100, batchSize: 100, seed: 1 }) },
  { id: 'activationDeadRelu', call: 'activations.deadRelu({trainSize: 200, hidden: 30, epochs: 1, seed: 1}) (MNIST)',
    run: () => deadRelu({ trainSize: 200, hidden: 30, epochs: 1, seed: 1 }) },
  { id: 'activationRace', call: 'activations.race({trainSize: 100, testSize: 50, layers: 2, width: 16, epochs: 2, seed: 1}) (MNIST)',
    run: () => race({ trainSize: 100, testSize: 50, layers: 2, width: 16, epochs: 2, seed: 1 }) },
];
