/**
 * `nnlab optimizer-race` and `nnlab second-order`: lesson 07's race on a 2-D surface and the
 * Newton / L-BFGS comparison from the terminal, with the same options and the same plain records
 * as `nn.optimizers.optimizerRace` and `nn.optimizers.secondOrder` in a notebook.
 */
import { optionValues, ParsedArgs } from '../../core/args';
import { Command, out } from '../../core/command';
import { ArgumentError } from '../../core/errors';
import { runOnDevice } from '../../engine/device';
import { OptimizerName, OPTIMIZERS } from '../../nets/optim';
import { raceText, secondOrderText } from './figures';
import { optimizerRace, RACE_FIELDS, RaceOptions } from './race';
import { secondOrder, SECOND_ORDER_FIELDS, SecondOrderOptions } from './secondOrder';

const RACE_VALUE_OPTIONS = {
  surface: RACE_FIELDS.surface, steps: RACE_FIELDS.steps, kappa: RACE_FIELDS.kappa, rotation: RACE_FIELDS.rotation, noise: RACE_FIELDS.noise, seed: RACE_FIELDS.seed,
} as const;

/** `--optimizers sgd,momentum` -> the list; `--lr sgd=0.01,adam=0.05` -> the map (named errors). */
function listOption(a: ParsedArgs): { optimizers?: OptimizerName[]; lr?: Record<string, number> } {
  const o: { optimizers?: OptimizerName[]; lr?: Record<string, number> } = {};
  const names = a.options.optimizers;
  if (names !== undefined) {
    o.optimizers = String(names).split(',').map((n) => n.trim()).filter(Boolean).map((n) => {
      if (!(OPTIMIZERS as readonly string[]).includes(n)) throw new ArgumentError('--optimizers', n, `a comma-separated list of ${OPTIMIZERS.join(', ')}`);
      return n as OptimizerName;
    });
  }
  const lr = a.options.lr;
  if (lr !== undefined) {
    o.lr = {};
    for (const pair of String(lr).split(',')) {
      const [k, v] = pair.split('=');
      const value = Number(v);
      if (!k || v === undefined || !Number.isFinite(value)) throw new ArgumentError('--lr', pair, 'optimizer=value pairs, comma-separated (sgd=0.01,adam=0.05)');
      o.lr[k.trim()] = value;
    }
  }
  return o;
}

/** Runs the race for parsed arguments. */
export async function runOptimizerRace(a: ParsedArgs): Promise<string> {
  const record = await optimizerRace({ ...(optionValues('optimizer-race', a, RACE_VALUE_OPTIONS) as RaceOptions), ...listOption(a), progress: false } as RaceOptions);
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : raceText(record);
}

export const OPTIMIZER_RACE_COMMAND: Command = {
  summary: 'lesson 07: SGD, momentum, Nesterov, AdaGrad, RMSProp and Adam race on a 2-D surface (ill-conditioned bowl, saddle, local minimum, noisy gradients)',
  usage: `nnlab optimizer-race [--surface quadratic|saddle|local-min|noisy|rosenbrock] [--optimizers sgd,momentum,...] [--steps 100] [--lr sgd=0.05,...] [--kappa 25] [--rotation 0] [--noise 2] [--seed 0] [--json]

Starts every optimizer at the surface's start and takes N steps with the tensor update rules that
train the real nets; prints each one's learning rate, final loss, distance to the minimum, which
minimum it ended in and (on the saddle) the step at which it left the ridge.
  --surface S       quadratic ½(x² + κy²) (default), saddle ½x² − ½y² + ¼y⁴, local-min
                    (x² − 1)² + 0.3x + y², noisy (the quadratic with Gaussian gradient noise), rosenbrock
  --optimizers L    comma-separated, from ${OPTIMIZERS.join(', ')} (default all)
  --steps N         steps of each optimizer (default 100)
  --lr L            learning rates over each surface's defaults: sgd=0.05,adam=0.1
  --kappa K         condition number of the quadratic and noisy surfaces (default 25)
  --rotation D      degrees the quadratic's axes are turned (default 0)
  --noise S         gradient noise σ (default 2 on noisy, 0 elsewhere)
  --seed S          seed of the gradient noise (default 0)
  --json            print the record as JSON (with "ms", the wall time, next to "meta")`,
  spec: { flags: ['json'], options: { ...RACE_VALUE_OPTIONS, optimizers: null, lr: null } },
  run: runOnDevice(runOptimizerRace),
};

const SECOND_ORDER_VALUE_OPTIONS = {
  surface: SECOND_ORDER_FIELDS.surface, tol: SECOND_ORDER_FIELDS.tol, 'max-steps': SECOND_ORDER_FIELDS.maxSteps, 'adam-lr': SECOND_ORDER_FIELDS.adamLr,
  'sgd-lr': SECOND_ORDER_FIELDS.sgdLr, memory: SECOND_ORDER_FIELDS.memory,
} as const;

/** Runs the second-order comparison for parsed arguments (float64 JS: no backend needed). */
export async function runSecondOrder(a: ParsedArgs): Promise<string> {
  const { 'max-steps': maxSteps, 'adam-lr': adamLr, 'sgd-lr': sgdLr, ...rest } = optionValues('second-order', a, SECOND_ORDER_VALUE_OPTIONS);
  const record = await secondOrder({
    ...(rest as SecondOrderOptions), ...(maxSteps === undefined ? {} : { maxSteps: maxSteps as number }),
    ...(adamLr === undefined ? {} : { adamLr: adamLr as number }), ...(sgdLr === undefined ? {} : { sgdLr: sgdLr as number }), progress: false,
  });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : secondOrderText(record);
}

export const SECOND_ORDER_COMMAND: Command = {
  summary: 'lesson 07: Newton and L-BFGS vs Adam and SGD on a 2-D surface: steps and gradient evaluations to reach the minimum',
  usage: `nnlab second-order [--surface rosenbrock|quadratic|local-min|saddle] [--tol 1e-6] [--max-steps 5000] [--adam-lr 0.02] [--sgd-lr 0.001] [--memory 5] [--json]

Runs Newton's method, full-batch L-BFGS (two-loop recursion, Armijo backtracking), Adam and SGD
from the surface's start in float64 and prints the steps and gradient evaluations each needed to
come within tol of the minimum.
  --surface S      rosenbrock (default), quadratic, local-min, saddle
  --tol T          distance to the minimum that counts as arrived (default 1e-6)
  --max-steps N    step limit of Adam and SGD (default 5000)
  --adam-lr L      Adam's learning rate (default 0.02)
  --sgd-lr L       SGD's learning rate (default 0.001)
  --memory M       L-BFGS's history of (s, y) pairs (default 5)
  --json           print the record as JSON (with "ms", the wall time, next to "meta")`,
  spec: { flags: ['json'], options: { ...SECOND_ORDER_VALUE_OPTIONS } },
  async run(a) { out(await runSecondOrder(a)); return 0; },
};
