/**
 * `nn.cnn`: lesson 11, CNN basics. The convolution half:
 *
 * - by hand: `convByHand` (a 6×6 integer image, a 3×3 kernel, one output cell step by step, the
 *   map vs tf.conv2d, stride/padding, 2 channels in and out, the flipped kernel), `cellSteps`,
 *   `trueConvolution`, `BY_HAND_KERNEL`;
 * - filters: `CLASSIC_FILTERS` (identity, box blur, sharpen, Sobel x/y) and `classicFilters` on a
 *   real image;
 * - sizes: `convSizes` (the lecture's examples, tfjs 'valid'/'same'), `parseNetSpec`,
 *   `layerTable`, `specModel`, `tfLayersCheck`, `LECTURE_CIFAR_SPEC`;
 * - pooling: `pooling` (the 4×4 example, real feature maps, no parameters);
 * - receptive field: `receptiveField` (computed and measured), `receptiveFieldOf`, `parseLayers`;
 * - figures: `convByHandFigure`, `convVariantsFigure`, `classicFiltersFigure`, `poolingFigure`,
 *   `poolingMapsFigure`, `receptiveFieldFigure` and their `show*`.
 *
 * The training half (MLP vs CNN on MNIST, the lecture's CIFAR-10 CNN) is re-exported from
 * trainingIndex.ts.
 *
 * @example
 * const r = nn.cnn.convByHand();
 * nn.cnn.showConvByHand(r);
 */
export { BY_HAND_DEFAULTS, BY_HAND_KERNEL, cellSteps, convByHand, trueConvolution } from './byHand';
export type { ByHandStep, ConvByHandOptions, ConvByHandRecord, ConvVariant, Grid } from './byHand';
export { CLASSIC_FILTERS, classicFilters, FILTERS_DEFAULTS } from './filters';
export type { ClassicFilter, ClassicFiltersOptions, ClassicFiltersRecord } from './filters';
export { convSizes, LECTURE_CIFAR_PARAMS, LECTURE_CIFAR_SPEC, layerTable, parseNetSpec, SIZE_EXAMPLES, specModel, tfLayersCheck } from './sizes';
export type { ConvSizesOptions, ConvSizesRecord, LayerRow, LayerTable, SizeExample, SpecLayer, TfLayersCheck, Volume } from './sizes';
export { pooling, POOL_EXAMPLE } from './pooling';
export type { PoolingOptions, PoolingRecord } from './pooling';
export { parseLayers, receptiveField, receptiveFieldOf, RF_DEFAULTS } from './receptiveField';
export type { ReceptiveFieldOptions, ReceptiveFieldRecord, RfLayer, RfMeasure, RfRow } from './receptiveField';
export {
  byHandSteps, classicFiltersFigure, convByHandFigure, convByHandText, convSizesText, convVariantsFigure, dotProductText, poolingFigure, poolingMapsFigure,
  receptiveFieldFigure, receptiveFieldRows, receptiveFieldText, showClassicFilters, showConvByHand, showConvSizes, showConvVariants, showPooling, showReceptiveField, strideFitFigure,
} from './figures';
export * from './trainingIndex';
