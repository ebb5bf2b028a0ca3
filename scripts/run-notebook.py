"""Execute a Jupyter notebook top to bottom with a given kernel; write the executed copy and,
optionally, an HTML export. Used by `nnlab run` (kernel-lib/src/jupyter/run.ts) and the notebook
tests. Exit status 0 when every cell ran, 1 when a cell failed (the failing cell, its source and
its error are printed), 2 for bad usage.

Needs jupyter_client, nbclient, nbconvert and nbformat (Debian: jupyter-nbconvert python3-nbclient).
"""
import argparse
import copy
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def source_of(cell):
    return cell.source if isinstance(cell.source, str) else ''.join(cell.source)


def error_of(cell, err):
    """The error in one line: an error output, the exception's ename/evalue, or (tslab reports
    errors on stderr) the first line of the cell's last stderr output."""
    for out in cell.get('outputs', []):
        if out.get('output_type') == 'error':
            return '%s: %s' % (out.get('ename', ''), out.get('evalue', ''))
    if getattr(err, 'ename', None) and getattr(err, 'evalue', None):
        return '%s: %s' % (err.ename, err.evalue)
    text = stderr_of(cell)
    if text:
        # tslab prints Node's report: "evalmachine.<anonymous>:10", the source line, a caret, then
        # "Error: message": prefer that line.
        lines = text.strip().split('\n')
        named = [l for l in lines if re.match(r'^[A-Za-z_$][\w$]*(Error|Exception)\b.*?:', l)]
        return (named or lines)[0]
    return type(err).__name__


def stderr_of(cell):
    """The text of the cell's last stderr output ('' when there is none)."""
    stderr = [o for o in cell.get('outputs', []) if o.get('output_type') == 'stream' and o.get('name') == 'stderr']
    if not stderr:
        return ''
    text = stderr[-1].get('text', '')
    return text if isinstance(text, str) else ''.join(text)


def export_html(nb, path):
    from nbconvert import HTMLExporter
    exporter = HTMLExporter()
    body, _ = exporter.from_notebook_node(nb)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(body)


PROBE = ("import * as nnlabProbe from 'nnlab';\n"
         "console.log('nnlab-tensors ' + nnlabProbe.tf.memory().numTensors);")


def tensors(client, nb):
    """The kernel's live tensor count, read by a probe cell that is not part of the notebook."""
    # after a failed cell tslab drops the requests queued in the next ~200 ms: try again
    for attempt in range(5):
        probe = nbformat.v4.new_code_cell(PROBE)
        nb.cells.append(probe)  # nbclient writes the executed cell back into the notebook at its index
        try:
            client.execute_cell(probe, len(nb.cells) - 1)
        except (CellExecutionError, CellTimeoutError):
            pass
        finally:
            nb.cells.pop()
        for out in probe.get('outputs', []):
            text = out.get('text', '')
            m = re.search(r'nnlab-tensors (\d+)', text if isinstance(text, str) else ''.join(text))
            if m:
                return int(m.group(1))
        time.sleep(0.5)
    raise RuntimeError('the tensor-count probe printed nothing')


def rerun(client, nb, code_cells, report_path):
    """Pass 2: every code cell again, top to bottom; pass 3: every check cell once more. A student
    re-runs cells all the time: a cell must work again after the cells it depends on have run, and a
    re-run must not leave tensors behind. Writes {tensors: [after 1, after 2, after 3], errors}."""
    import json
    report = {'tensors': [tensors(client, nb)], 'errors': []}
    checks = [i for i in code_cells if source_of(nb.cells[i]).lstrip().startswith('// Check')]
    for label, cells in (('pass 2 (every cell again)', code_cells), ('pass 3 (the check cells again)', checks)):
        for index in cells:
            cell = nb.cells[index]
            try:
                client.execute_cell(cell, index)
            except (CellExecutionError, CellTimeoutError) as err:
                report['errors'].append('%s, notebook cell %d: %s' % (label, index, error_of(cell, err)))
                log('  %s: notebook cell %d failed: %s' % (label, index, error_of(cell, err)))
                time.sleep(0.5)  # tslab drops what is sent in the 200 ms after a failure
        report['tensors'].append(tensors(client, nb))
        log('  %s: %d live tensors' % (label, report['tensors'][-1]))
    with open(report_path, 'w', encoding='utf-8') as f:
        json.dump(report, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('notebook')
    ap.add_argument('--kernel', required=True, help='kernelspec name, e.g. nnlab-cpu')
    ap.add_argument('--out', required=True, help='where to write the executed .ipynb')
    ap.add_argument('--html', help='where to write the HTML export')
    ap.add_argument('--timeout', type=int, default=1200, help='seconds per cell')
    ap.add_argument('--rerun', help='after the first pass, run every code cell again, then every check cell '
                    'once more, in the same kernel; write the live tensor count after each pass and any error '
                    'of the later passes to this JSON file')
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    workdir = os.path.dirname(os.path.abspath(args.notebook))
    # iopub_timeout: after a cell's reply, how long its outputs may still be arriving. nbclient's
    # default (4 s) silently drops what comes later: under load a cell that publishes thousands of
    # displays lost half of them and its printed lines. Wait up to 2 minutes, and fail loudly.
    client = NotebookClient(nb, timeout=args.timeout, kernel_name=args.kernel,
                            resources={'metadata': {'path': workdir}}, allow_errors=False,
                            iopub_timeout=120, raise_on_iopub_timeout=True)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == 'code']
    failed = None
    started = time.time()
    log('nnlab run: %s with kernel %s (%d code cells)' % (args.notebook, args.kernel, len(code_cells)))
    try:
        with client.setup_kernel():
            for n, index in enumerate(code_cells, 1):
                cell = nb.cells[index]
                t0 = time.time()
                try:
                    client.execute_cell(cell, index, execution_count=n)
                except (CellExecutionError, CellTimeoutError) as err:
                    failed = (n, index, cell, err)
                    break
                log('  cell %d/%d ok (%.1f s)' % (n, len(code_cells), time.time() - t0))
            if args.rerun and not failed:
                # the executed copy (and its HTML) keeps the top-to-bottom pass: a re-run's outputs
                # lack what only a first run shows (plotly's library goes out once per kernel)
                first_pass = copy.deepcopy(nb.cells)
                try:
                    rerun(client, nb, code_cells, args.rerun)
                finally:
                    nb.cells = first_pass
    finally:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        nbformat.write(nb, args.out)
        if args.html:
            export_html(nb, args.html)
    if failed:
        n, index, cell, err = failed
        log('')
        log('FAILED: cell %d/%d (notebook cell index %d) raised %s' % (
            n, len(code_cells), index, error_of(cell, err)))
        log('--- cell source ---')
        log(source_of(cell))
        log('--- error ---')
        stderr = stderr_of(cell).strip()
        if stderr:
            log(stderr)
        if not stderr or isinstance(err, CellTimeoutError):
            log(str(err))
        log('executed copy (up to the failure): %s' % args.out)
        return 1
    log('nnlab run: all %d code cells ran in %.1f s; wrote %s%s' % (
        len(code_cells), time.time() - started, args.out, (' and ' + args.html) if args.html else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
