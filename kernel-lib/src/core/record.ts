/**
 * The header every experiment record carries, so a record explains itself: which experiment,
 * with which (resolved) options, on which backend, with which library versions. Wall time sits in
 * `meta`, so two runs with one seed are deep-equal once `meta` is set aside.
 *
 * @example
 * return { experiment: 'batchNormFold', options: o, ...provenance(), dense, conv, meta: { ms } };
 */
import * as tf from '@tensorflow/tfjs';
import { VERSION } from './version';

/** Where a record was computed: the tfjs backend and the library versions. */
export interface Provenance { backend: string; versions: { nnlab: string; tfjs: string } }

/** The common header of every experiment record (`experiment` is what `nn.show(record)` dispatches on). */
export interface ExperimentRecord<Options = unknown> extends Provenance {
  experiment: string;
  options: Options;
  meta?: { ms: number };
}

/** The backend and versions, as every record carries them (one call, one place). */
export function provenance(): Provenance {
  return { backend: tf.getBackend(), versions: { nnlab: VERSION, tfjs: tf.version.tfjs } };
}
