/**
 * `nn.regularization`: lesson 08, regularization. (Helper D's minimal namespace: the lead keeps
 * helper C's index.ts, which re-exports the augmentation part with `export * from './augmentIndex'`.)
 *
 * @example
 * const r = await nn.regularization.augmentGrid();
 * nn.regularization.showAugmentGrid(r);
 */
export * from './augmentIndex';
export { HOMEWORK_08 } from './homework';
