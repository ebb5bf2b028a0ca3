"""Execute one homework submission for `nnlab grade` (kernel-lib/src/homework/grade.ts) in a fresh
Jupyter kernel, surviving what student code does to it.

Every code cell runs in order; a failing cell does not stop the run. A cell
that runs past its time limit, or kills the kernel, is recorded; the kernel is then replaced by a
fresh one, the cells before it that completed are replayed (without the bad cell) so the
functions they define exist again, and the run goes on with the next cell. The whole run stops at
the notebook's time limit: what did not run is marked "not-run". A kernel that does not answer
within --start-timeout (a busy machine) is replaced too, up to START_TRIES times in all, while
time is left; only then is the run a failure to start.

Writes the executed notebook to --out and one JSON summary to --result (or, without --result, one
line on stdout):
  {"cells": [{"index", "status": ok|error|timeout|crash|not-run, "seconds"}], "restarts", "seconds"}
Exit status 0 when the summary was written, 2 for bad usage, anything else is a grader failure.
Needs jupyter_client, nbclient and nbformat.
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def is_grader(cell):
    return bool(cell.get('metadata', {}).get('nnlab', {}).get('grader'))


# tslab aborts every execute request that arrives within 200 ms of a failed cell (tslab issue #19),
# whatever stop_on_error says: wait this long after a failure before sending the next cell.
AFTER_ERROR_S = 0.3

# Kernel starts tried before "the kernel did not start" (each up to --start-timeout seconds).
START_TRIES = 3


def kernel_manager(args, restarts):
    """A kernel manager whose connection file (and ipc sockets) lie in --runtime, readable by --uid; None: nbclient's default."""
    if not args.runtime:
        return None
    from jupyter_client.manager import AsyncKernelManager
    km = AsyncKernelManager(kernel_name=args.kernel, transport=args.transport)
    km.connection_file = os.path.join(args.runtime, 'kernel-%d.json' % restarts)
    if args.transport == 'ipc':
        km.ip = os.path.join(args.runtime, 'k%d' % restarts)
    km.write_connection_file()
    if args.uid:
        os.chown(km.connection_file, args.uid, args.uid)
    return km


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('notebook')
    ap.add_argument('--kernel', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--cwd', required=True, help='working directory of the kernel')
    ap.add_argument('--timeout', type=int, required=True, help='seconds for the whole notebook')
    ap.add_argument('--cell-timeout', type=int, required=True, help='seconds for one cell')
    ap.add_argument('--max-restarts', type=int, default=8)
    ap.add_argument('--result', help='write the JSON summary to this file instead of stdout')
    ap.add_argument('--runtime', help='folder for the connection file and (ipc) sockets, bound into the sandbox')
    ap.add_argument('--transport', choices=['tcp', 'ipc'], default='tcp', help='ipc: unix sockets (a sandbox without network)')
    ap.add_argument('--uid', type=int, default=0, help='the uid the kernel runs as: it must read the connection file')
    ap.add_argument('--start-timeout', type=int, default=60, help='seconds a kernel has to answer after it starts')
    args = ap.parse_args()

    def report(summary):
        if args.result:
            with open(args.result, 'w') as f:
                json.dump(summary, f)
        else:
            print(json.dumps(summary), flush=True)

    started = time.time()
    deadline = started + args.timeout
    nb = nbformat.read(args.notebook, as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == 'code']
    status = {i: 'not-run' for i in code}
    seconds = {i: 0.0 for i in code}
    bad = set()          # cells that timed out or crashed the kernel: never replayed
    pos = 0              # index into `code` of the next cell to run
    restarts = 0
    start_failures = 0

    while pos < len(code) and time.time() < deadline and restarts <= args.max_restarts:
        client = NotebookClient(nb, km=kernel_manager(args, restarts), timeout=args.cell_timeout, kernel_name=args.kernel, allow_errors=False,
                                shutdown_kernel='immediate', resources={'metadata': {'path': args.cwd}},
                                startup_timeout=max(1, int(min(args.start_timeout, deadline - time.time()))))
        broke = False
        try:
            with client.setup_kernel():
                # Replay the cells that completed before a restart, then go on.
                todo = [(k, True) for k in range(pos) if code[k] not in bad and not is_grader(nb.cells[code[k]])] + [(k, False) for k in range(pos, len(code))]
                for k, replay in todo:
                    index = code[k]
                    left = deadline - time.time()
                    if left <= 0:
                        break
                    client.timeout = max(1, int(min(args.cell_timeout, left)))
                    t0 = time.time()
                    try:
                        client.execute_cell(nb.cells[index], index, execution_count=k + 1)
                        if not replay:
                            status[index] = 'ok'
                    except CellTimeoutError:
                        status[index], broke = 'timeout', True
                    except DeadKernelError:
                        status[index], broke = 'crash', True
                    except CellExecutionError:
                        if not replay:
                            status[index] = 'error'
                        time.sleep(AFTER_ERROR_S)
                    seconds[index] += time.time() - t0
                    if broke:
                        bad.add(index)
                        pos = max(pos, k + 1)
                        break
                    if not replay:
                        pos = k + 1
        except DeadKernelError:
            # The kernel died between cells (or while starting): count it against the last cell run.
            broke = True
        except RuntimeError as err:   # the kernel failed to start (or did not answer in time)
            start_failures += 1
            if start_failures < START_TRIES and time.time() < deadline:
                restarts += 1
                continue
            report({'error': 'the kernel did not start: %s' % err})
            nbformat.write(nb, args.out)
            return 0
        if not broke:
            break
        restarts += 1

    nbformat.write(nb, args.out)
    report({
        'cells': [{'index': i, 'status': status[i], 'seconds': round(seconds[i], 3)} for i in code],
        'restarts': restarts, 'seconds': round(time.time() - started, 3),
    })
    return 0


if __name__ == '__main__':
    sys.exit(main())
