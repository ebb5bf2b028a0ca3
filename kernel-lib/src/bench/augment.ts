/**
 * What lesson 08's augmentations cost on wasm: milliseconds per batch of CIFAR-10 training images
 * for each op (flip, crop, jitter, translate, rotate, cutout) and for the usual pipeline (flip +
 * crop + jitter), against one training step of the small CNN (forward, backward, Adam) on the same
 * batch. Interleaved rounds after a warm-up (the order rotates each round: this VM is noisy);
 * medians. The target: the pipeline under 20 ms for a batch of 128.
 *
 * Usage: npm run bench:augment -w nnlab [-- --batch 128] [--rounds 15] [--warmup 3] [--json]
 */
import { checkInt } from '../core/errors';
import { useDevice } from '../engine/device';
import { augmentCost } from '../lessons/regularization/augmentRun';
import { augmentCostText } from '../lessons/regularization/figuresAugment';

interface Args { batch: number; rounds: number; warmup: number; json: boolean }

function parse(argv: readonly string[]): Args {
  const a: Args = { batch: 128, rounds: 15, warmup: 3, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--json') { a.json = true; continue; }
    const key = flag.replace(/^--/, '') as keyof Args;
    if (!['batch', 'rounds', 'warmup'].includes(key)) throw new Error(`bench:augment: unknown option ${flag} (known: --batch, --rounds, --warmup, --json)`);
    (a as unknown as Record<string, number>)[key] = checkInt(flag, Number(argv[++i]), { min: key === 'warmup' ? 0 : 1, max: 1024 });
  }
  return a;
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  const device = await useDevice('cpu', { print: false });
  const r = await augmentCost({ batchSize: a.batch, rounds: a.rounds, warmup: a.warmup, progress: false });
  if (a.json) { process.stdout.write(`${JSON.stringify(r, null, 2)}\n`); return; }
  process.stdout.write(`${device.summary}\n${augmentCostText(r)}\n`);
  const pipeline = r.meta.timings.find((t) => t.name.startsWith('pipeline'))!;
  const step = r.meta.timings.find((t) => t.name === 'training step')!;
  process.stdout.write(`\n${pipeline.name}: ${pipeline.ms.toFixed(1)} ms per batch of ${a.batch} (target < 20 ms: ${pipeline.ms < 20 ? 'met' : 'NOT met'}), ` +
    `${(100 * pipeline.perStep).toFixed(1)} % of a training step (${step.ms.toFixed(0)} ms)\n`);
}

main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`); process.exit(1); });
