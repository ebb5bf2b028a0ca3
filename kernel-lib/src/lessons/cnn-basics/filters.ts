/**
 * TEMPORARY STUB (partner clone copy-b) of the owner's filters.ts: only `CLASSIC_FILTERS` in the
 * shape the owner was given (`{ name, kernel: number[][] }[]`), so the training notebook cells run
 * alone. The owner's file replaces it at merge.
 *
 * @example
 * nn.cnn.CLASSIC_FILTERS.map((f) => f.name)
 */
export const CLASSIC_FILTERS: { name: string; kernel: number[][] }[] = [
  { name: 'identity', kernel: [[0, 0, 0], [0, 1, 0], [0, 0, 0]] },
  { name: 'Sobel x', kernel: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] },
  { name: 'Sobel y', kernel: [[-1, -2, -1], [0, 0, 0], [1, 2, 1]] },
  { name: 'sharpen', kernel: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]] },
  { name: 'box blur', kernel: [[1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9]] },
];
