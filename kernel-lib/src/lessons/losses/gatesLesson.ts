/**
 * Lesson 12's gates part as registry data, for the lesson's lesson.ts to spread in:
 * `experiments: { ...GATES_EXPERIMENTS }`, `show: { ...GATES_SHOW }`, `commands: { ...GATES_COMMANDS }`.
 */
import { showCircuit, showGateChecks } from './figuresGates';
import { circuit, CIRCUIT_OPTIONS, gateChecks, GATE_CHECKS_OPTIONS } from './gatesRun';

export { GATES_COMMANDS } from './cliGates';

/** The experiments with their declared options (test/properties.test.ts feeds them bad values). */
export const GATES_EXPERIMENTS = {
  gateChecks: { run: gateChecks, options: GATE_CHECKS_OPTIONS },
  circuit: { run: circuit, options: CIRCUIT_OPTIONS },
} as const;

/** Which show function draws which record (`nn.show(record)`). */
export const GATES_SHOW = { lossesGateChecks: showGateChecks, lossesCircuit: showCircuit } as const;
