/** `nnlab doctor [--json] [--quick]`: what is there, what is not, and the fix for each problem. */
import { Command, out } from '../core/command';
import { doctor, doctorText } from '../api/doctor';

export const DOCTOR_COMMAND: Command = {
  summary: 'check this setup (Node, tfjs, backends, Jupyter, kernels, datasets, disk) and say how to fix it',
  usage: `nnlab doctor [--json] [--quick]

Checks what the lessons need and prints one line per check (✓ ok, ! warning, ✗ failed), then
the command that fixes each problem: Node, tfjs and its single tfjs-core, the backends (wasm,
tfjs-node, tfjs-node-gpu with CUDA, WebGPU and its adapter) and the one the device chain picks,
wasm threads, Jupyter and its Python, the nnlab kernels (pointing at this clone), the datasets
(cache and NNLAB_DATA_MIRROR, checksums verified), the model zoo and disk space.
Exit status 1 when a check fails (a lesson needs it), 0 with warnings only.
  --json   print the record as JSON
  --quick  check dataset sizes only, not their checksums`,
  spec: { flags: ['json', 'quick'] },
  async run(a) {
    const record = await doctor({ quick: a.flags.has('quick'), show: false });
    out(a.flags.has('json') ? JSON.stringify(record, null, 2) : doctorText(record));
    return record.ok ? 0 : 1;
  },
};
