/** `nnlab bench`: training speed per backend next to PyTorch CPU (issue 4); the code is in ../bench. */
import { optionValue } from '../core/args';
import { Field, int, list, oneOf } from '../core/options';
import { Command, out } from '../core/command';
import { BENCH_NAMES } from '../bench/models';
import { benchReportText } from '../bench/report';
import { SPREAD_BOUND } from '../bench/rounds';
import { CONFIG_NAMES, DEFAULT_ROUNDS, MAX_ROUNDS, ROUND_ORDER, runBench } from '../bench/run';

/** --only and --configs: comma-separated names, each once. */
const ONLY = list(oneOf(BENCH_NAMES), { minLength: 1, maxLength: BENCH_NAMES.length, unique: true });
const CONFIGS = list(oneOf(CONFIG_NAMES), { minLength: 1, maxLength: CONFIG_NAMES.length, unique: true });
/** --rounds: interleaved rounds. */
const ROUNDS = int({ min: 1, max: MAX_ROUNDS, default: DEFAULT_ROUNDS });

export const BENCH_COMMAND: Command = {
  summary: 'training speed of the lecture\'s nets per backend, next to PyTorch CPU',
  usage: `nnlab bench [--quick] [--json] [--rounds N] [--only LIST] [--configs LIST]

Training samples/s of the MNIST MLP 784-512-512-512-10 (dropout, Adam, batch 128), the CIFAR-10
CNN (1,345,066 parameters, batch 64) and the two-layer net 3072-50-10 (SGD, batch 100), and GEMM
GFLOP/s (1024x1024), on synthetic data, next to PyTorch CPU (2 threads, /usr/bin/python3) in the
same invocation, with the issue's targets (wasm + nnlab vs PyTorch).
Interleaved rounds: each round runs every configuration once, each in its own process, one at
a time, in the order ${ROUND_ORDER.join(', ')};
a round's figure is the median of a few timed runs after warm-up steps. Each figure is the median
over rounds; each ratio the median of the per-round ratios, with its spread = (max - min) / 2 /
median over the rounds, flagged UNSTABLE above ±${Math.round(100 * SPREAD_BOUND)}%.
  --quick         few steps and 1 round: a smoke test, not a measurement
  --rounds N      interleaved rounds, 1..${MAX_ROUNDS} (default ${DEFAULT_ROUNDS}; --quick: 1)
  --json          print the record as JSON (results, ratios with spreads, profiles, machine, versions)
  --only LIST     benchmarks, comma-separated: ${BENCH_NAMES.join(', ')} (default all)
  --configs LIST  configurations: ${CONFIG_NAMES.join(', ')} (default all;
                  tfjs-node only when installed; cpu is plain JavaScript: very slow, so only the
                  GEMM, the MLP and the two-layer net, one step per run)
Threads of wasm + nnlab: NNLAB_WASM_THREADS (default auto). Progress goes to stderr.`,
  spec: { flags: ['quick', 'json'], options: { only: ONLY, configs: CONFIGS, rounds: ROUNDS } },
  async run(a) {
    // checked against the declared list, then in the canonical order (as the report prints them)
    const parse = <T extends string>(name: string, field: Field<T[]>, names: readonly T[]): T[] | undefined => {
      if (a.options[name] === undefined) return undefined;
      const given = optionValue('bench', name, a.options[name], field) as T[];
      return names.filter((n) => given.includes(n));
    };
    const record = await runBench({
      only: parse('only', ONLY, BENCH_NAMES), configs: parse('configs', CONFIGS, CONFIG_NAMES), quick: a.flags.has('quick'),
      rounds: a.options.rounds === undefined ? undefined : optionValue('bench', 'rounds', a.options.rounds, ROUNDS) as number,
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    out(a.flags.has('json') ? JSON.stringify(record, null, 2) : benchReportText(record));
    return record.configs.some((c) => c.status === 'ran') ? 0 : 1;
  },
};
