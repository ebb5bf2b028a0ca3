/**
 * Lesson 11's training part as registry data, for the lesson's lesson.ts to spread in:
 * `experiments: { ...TRAINING_EXPERIMENTS }`, `show: { ...TRAINING_SHOW }`, `commands: { ...TRAINING_COMMANDS }`.
 */
import { cifarCnn, CIFAR_CNN_OPTIONS } from './cifarCnn';
import { showCifarCnn, showMlpVsCnn } from './figuresTraining';
import { mlpVsCnn, MLP_VS_CNN_OPTIONS } from './mlpVsCnn';

export { TRAINING_COMMANDS } from './cliTraining';

/** The experiments with their declared options (test/properties.test.ts feeds them bad values). */
export const TRAINING_EXPERIMENTS = {
  mlpVsCnn: { run: mlpVsCnn, options: MLP_VS_CNN_OPTIONS },
  cifarCnn: { run: cifarCnn, options: CIFAR_CNN_OPTIONS },
} as const;

/** Which show function draws which record (`nn.show(record)`). */
export const TRAINING_SHOW = { cnnMlpVsCnn: showMlpVsCnn, cnnCifarCnn: showCifarCnn } as const;
