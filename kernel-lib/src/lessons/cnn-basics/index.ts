/**
 * `nn.cnn`: lesson 11, CNN basics. TEMPORARY (partner clone copy-b): the owner's index.ts replaces
 * this file at merge and keeps `export * from './trainingIndex';`.
 *
 * @example
 * const r = await nn.cnn.cifarCnn();
 * nn.cnn.showCifarCnn(r, nn.cnn.CLASSIC_FILTERS);
 */
export * from './trainingIndex';
export { CLASSIC_FILTERS } from './filters';
