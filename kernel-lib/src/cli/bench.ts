/** `nnlab bench`: training speed per backend next to PyTorch CPU (issue 4); the code is in ../bench. */
import { optionValue } from '../core/args';
import { Field, list, oneOf } from '../core/options';
import { Command, out } from '../core/command';
import { BENCH_NAMES } from '../bench/models';
import { benchReportText } from '../bench/report';
import { CONFIG_NAMES, runBench } from '../bench/run';

/** --only and --configs: comma-separated names, each once. */
const ONLY = list(oneOf(BENCH_NAMES), { minLength: 1, maxLength: BENCH_NAMES.length, unique: true });
const CONFIGS = list(oneOf(CONFIG_NAMES), { minLength: 1, maxLength: CONFIG_NAMES.length, unique: true });

export const BENCH_COMMAND: Command = {
  summary: 'training speed of the lecture\'s nets per backend, next to PyTorch CPU',
  usage: `nnlab bench [--quick] [--json] [--only LIST] [--configs LIST]

Training samples/s of the MNIST MLP 784-512-512-512-10 (dropout, Adam, batch 128), the CIFAR-10
CNN (1,345,066 parameters, batch 64) and the two-layer net 3072-50-10 (SGD, batch 100), and GEMM
GFLOP/s (1024x1024), on synthetic data; each figure the median of several timed runs after
warm-up steps, each configuration in its own process, PyTorch CPU (2 threads, /usr/bin/python3)
in the same invocation, ratios and the issue's targets (wasm + nnlab vs PyTorch) beside them.
  --quick         few steps: a smoke test, not a measurement
  --json          print the record as JSON (results, ratios, profiles, machine, versions)
  --only LIST     benchmarks, comma-separated: ${BENCH_NAMES.join(', ')} (default all)
  --configs LIST  configurations: ${CONFIG_NAMES.join(', ')} (default all;
                  tfjs-node only when installed; cpu is plain JavaScript: very slow, so only the
                  GEMM, the MLP and the two-layer net, one step per run)
Threads of wasm + nnlab: NNLAB_WASM_THREADS (default auto). Progress goes to stderr.`,
  spec: { flags: ['quick', 'json'], options: { only: ONLY, configs: CONFIGS } },
  async run(a) {
    // checked against the declared list, then in the canonical order (as the report prints them)
    const parse = <T extends string>(name: string, field: Field<T[]>, names: readonly T[]): T[] | undefined => {
      if (a.options[name] === undefined) return undefined;
      const given = optionValue('bench', name, a.options[name], field) as T[];
      return names.filter((n) => given.includes(n));
    };
    const record = await runBench({
      only: parse('only', ONLY, BENCH_NAMES), configs: parse('configs', CONFIGS, CONFIG_NAMES), quick: a.flags.has('quick'),
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    out(a.flags.has('json') ? JSON.stringify(record, null, 2) : benchReportText(record));
    return record.configs.some((c) => c.status === 'ran') ? 0 : 1;
  },
};
