/**
 * `nn.optimizers`: lesson 07, optimizers. Helper B's minimal version (the training part only):
 * helper A's replaces it at merge.
 *
 * @example
 * const r = await nn.optimizers.compareOptimizers();
 * nn.optimizers.showCompareOptimizers(r);
 */
export * from './trainingIndex';
