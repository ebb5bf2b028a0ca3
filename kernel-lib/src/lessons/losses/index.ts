/**
 * `nn.losses`: lesson 12, loss functions and gradient checking.
 *
 * - losses in float64 with their gradients: `softmax64`, `softmaxCrossEntropy64` (the max trick),
 *   `hingeLoss64`, `squaredError64`, `logisticLoss64`, `softplus64`, `l2Penalty64`, `checkLabels`;
 * - the gates of a computational graph (the gates part, gatesIndex.ts).
 *
 * @example
 * const s = nn.nets.array64([1, 3], [3.2, 5.1, -1.7]);
 * nn.losses.softmaxCrossEntropy64(s, [0]).loss   // 2.04
 */
export * from './losses64';
export * from './gatesIndex';
