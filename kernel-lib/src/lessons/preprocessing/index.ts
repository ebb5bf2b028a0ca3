/**
 * `nn.preprocessing`: lesson 02, data preprocessing (zero-centring, normalisation, PCA, whitening).
 *
 * - `eigh`: the eigenpairs of a small symmetric matrix (a covariance), for PCA and whitening by
 *   hand in homework 02 (tfjs has no eigen-decomposition).
 *
 * @example
 * const { values, vectors } = nn.preprocessing.eigh([[2, 1], [1, 2]]);   // values [3, 1]
 */
export { eigh } from './homeworkWhiten';
export type { Eigh } from './homeworkWhiten';
