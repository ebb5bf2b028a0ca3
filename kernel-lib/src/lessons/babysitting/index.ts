/**
 * `nn.babysitting`: lesson 05, babysitting the learning process. The lecture's two-layer net
 * (3072 → 50 → 10) on CIFAR-10, checked before a long training run and watched while it trains.
 *
 * - sanity checks: `initialLoss` (ln 10 with reg 0, higher with reg 1e3), `overfitTiny` (20 images
 *   memorised), `lrCheck` (one learning rate and its verdict: too low, learning, exploding, NaN),
 *   `sanityChecks` (all of them in one record);
 * - figures: `showInitialLoss`, `overfitFigure`, `showOverfitTiny`, `lrCheckFigure`, `showLrCheck`,
 *   `sanityFigure`, `showSanityChecks`, and the CLI's text (`sanityText`, `overfitText`, `lrCheckText`).
 *
 * @example
 * const r = await nn.babysitting.sanityChecks();
 * nn.babysitting.showSanityChecks(r);
 */
export {
  initialLoss, initialLossOf, INITIAL_LOSS_DEFAULTS, lrCheck, LR_CHECK_DEFAULTS, LR_CHECK_QUICK, LR_VERDICTS, lrVerdict,
  overfitTiny, OVERFIT_DEFAULTS, OVERFIT_QUICK, sanityChecks, SANITY_DEFAULTS, SANITY_QUICK,
} from './sanity';
export type {
  InitialLossConfig, InitialLossOptions, InitialLossRecord, InitialLossResult, LrCheckConfig, LrCheckOptions, LrCheckRecord, LrRun, LrVerdict,
  OverfitTinyConfig, OverfitTinyOptions, OverfitTinyRecord, SanityCheckRow, SanityChecksConfig, SanityChecksOptions, SanityChecksRecord, SanitySource,
} from './sanity';
export {
  initialLossRows, lrCheckFigure, lrLabel, lrCheckText, overfitFigure, overfitText, sanityFigure, sanityRows, sanityText,
  showInitialLoss, showLrCheck, showOverfitTiny, showSanityChecks,
} from './figures';
export * from './monitorIndex';
