/**
 * `nn.cnn`: lesson 11, CNN basics.
 */
export * from './trainingIndex';
