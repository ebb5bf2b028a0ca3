/**
 * Golden cases of the weight-init lesson (see ../golden.ts). The ids (the recorded files) keep the
 * records' `experiment` names: initStats is nn.weightInit.stats, initStatsGrid nn.weightInit.grid,
 * initTraining nn.weightInit.training.
 */
import type { GoldenCase } from '../golden';
import { stats } from '../../src/lessons/weight-init/stats';
import { grid } from '../../src/lessons/weight-init/grid';
import { training, TRAINING_QUICK } from '../../src/lessons/weight-init/training';

const INIT_SMALL = { batchSize: 200, depth: 4, width: 100 } as const;

export const CASES: GoldenCase[] = [
  // lesson 03: initialization
  { id: 'initStats', call: "weightInit.stats({batchSize: 200, depth: 4, width: 100, init: 'he', activation: 'relu', seed: 1})",
    run: () => stats({ ...INIT_SMALL, init: 'he', activation: 'relu', seed: 1 }) },
  { id: 'initStats-small-tanh', call: "weightInit.stats({batchSize: 200, depth: 4, width: 100, init: 'small', activation: 'tanh', seed: 1})",
    run: () => stats({ ...INIT_SMALL, init: 'small', activation: 'tanh', seed: 1 }) },
  { id: 'cli-init-stats', call: 'nnlab init-stats: weightInit.stats({seed: 0}) (setup A: 1000 x 500, 10 layers of 500, xavier, tanh)',
    run: () => stats({ seed: 0 }) },
  { id: 'initStatsGrid', call: 'weightInit.grid({batchSize: 200, depth: 4, width: 100, seed: 1}) (every init x tanh, relu)',
    run: () => grid({ ...INIT_SMALL, seed: 1 }) },
  { id: 'cli-init-stats-grid', call: 'nnlab init-stats --grid: weightInit.grid({seed: 0}) (setup A, every init x tanh, relu)',
    run: () => grid({ seed: 0 }) },
  { id: 'initTraining', call: 'weightInit.training({...TRAINING_QUICK (epochs: 10), seed: 1})',
    run: () => training({ ...TRAINING_QUICK, seed: 1 }) },
];
