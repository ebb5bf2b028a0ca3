/**
 * The worker thread that draws static figures for ./static: it holds the jsdom window with plotly
 * (./staticRender) for the life of the process, so a kernel pays the ~1 s load once. Each request
 * carries the figure, a port for the answer and a shared flag the kernel's thread waits on.
 */
import { parentPort } from 'worker_threads';
import { renderSvg, StaticRenderOptions } from './staticRender';
import { Figure } from './figure';

interface Request { figure: Figure; options: StaticRenderOptions; flag: SharedArrayBuffer; port: import('worker_threads').MessagePort }

parentPort?.on('message', (req: Request) => {
  const done = (answer: { svg?: string; error?: string }) => {
    req.port.postMessage(answer);
    req.port.close();
    const flag = new Int32Array(req.flag);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  renderSvg(req.figure, req.options).then((svg) => done({ svg }), (e: unknown) => done({ error: e instanceof Error ? e.message : String(e) }));
});
