/**
 * The public names of lesson 12's gates part (`nn.losses.GATES`, ...): the lesson's index.ts
 * re-exports them with `export * from './gatesIndex';`.
 *
 * - the gates: `GATES` (add, multiply, max, affine, relu, sigmoid, tanh, softmaxCrossEntropy, hinge,
 *   batchNorm, dropout, conv, maxPool), `gate(name)`, `GATE_NAMES`, `dropoutMask64`, `sigmoid64`;
 * - graphs: `runGraph`, the lecture's circuits `SUM_TIMES_NODES`, `NEURON_NODES`, `gatePatterns`;
 * - checks: `checkGate` (float64), `checkGate32` (tfjs float32), `sampleGateInputs`, `gradcheckReport`;
 * - experiments: `gateChecks`, `circuit`; figures: `circuitFigure`, `showCircuit`, `showGateChecks`.
 */
export { GATES, GATE_NAMES, gate, dropoutMask64, sigmoid64 } from './gates';
export type { Gate, GateInputs, GateName, Value64 } from './gates';
export { runGraph, SUM_TIMES_NODES, NEURON_NODES } from './graph';
export type { GraphNode, GraphRun } from './graph';
export { centredDot, checkGate, sampleGateInputs } from './gateCheck';
export type { GateCheckRow, GateSample } from './gateCheck';
export { checkGate32 } from './gateCheck32';
export { gradcheckReport } from './cliGates';
export type { GradcheckReport } from './cliGates';
export { circuit, CIRCUIT_DEFAULTS, gateChecks, GATE_CHECKS_DEFAULTS, gatePatterns } from './gatesRun';
export type { CircuitOptions, CircuitRecord, CircuitRun, GateChecksOptions, GateChecksRecord, PatternRow } from './gatesRun';
export { circuitFigure, showCircuit, showGateChecks } from './figuresGates';
