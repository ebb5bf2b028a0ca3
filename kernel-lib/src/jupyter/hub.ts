/**
 * A class on JupyterHub, driven from outside: start a Hub with nnlab's committed configuration
 * (`scripts/classroom/jupyterhub_config.py`), create its users and start their servers through the
 * Hub's REST API with an admin token, and run a notebook in a user's server through the Jupyter
 * REST and websocket API, as a student's browser would (one execute_request per code cell, in
 * order, stopping at the first error).
 *
 * The classroom test and `npm run bench:classroom` use it; an instructor can too (a smoke test of
 * a Hub before class: `nnlab classroom smoke`). Every wait is bounded: a request, a server start, a
 * cell and a whole notebook each have a time limit, after which the call fails with a one-line
 * reason naming the user and what did not answer.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import WebSocket from 'ws';
import { ArgumentError } from '../core/errors';
import { repoRoot } from '../core/paths';
import { installKernelSpecs } from './kernelspec';
import { findJupyterPython } from './python';

/** The committed Hub configuration of this clone. */
export function hubConfigPath(): string {
  return path.join(repoRoot(), 'scripts', 'classroom', 'jupyterhub_config.py');
}

/** An HTTP answer: status and parsed JSON body (or the raw text when it is not JSON). */
export interface HubResponse { status: number; body: unknown }

function requestJson(url: string, method: string, token: string, body: unknown, timeoutMs: number): Promise<HubResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(url, {
      method,
      agent: false,   // a new connection per request: a kept-alive one may have been closed while the caller was busy

      headers: { Authorization: `token ${token}`, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}) },
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try { parsed = text === '' ? null : JSON.parse(text); } catch { /* not JSON: keep the text */ }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} did not answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What went wrong in a notebook run, at which code cell (0-based among all cells). */
export interface RemoteCellError { cell: number; ename: string; evalue: string }

/** One notebook run in a user's server. */
export interface RemoteRun {
  user: string;
  notebook: string;
  /** Code cells executed (up to and including a failing one). */
  executed: number;
  /** Code cells in the notebook. */
  codeCells: number;
  /** The first error (a cell that raised, a dead kernel, a timeout), or null when every cell ran. */
  error: RemoteCellError | null;
  /** Text each executed code cell printed (stream and text/plain results), capped at 20,000 characters a cell. */
  texts: string[];
  /** Seconds from asking for the kernel to the last reply. */
  seconds: number;
  /** Seconds until the kernel answered its first request (start-up). */
  kernelStartSeconds: number;
  /** With `keepKernel`: ends the kernel (until then it keeps the notebook's state and memory). */
  shutdown?: () => Promise<void>;
}

interface JupyterMessage {
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  channel: string;
  content: Record<string, unknown>;
}

const CELL_TEXT_LIMIT = 20_000;

/**
 * A JupyterHub's REST API with an admin token (a service token with `admin:users`,
 * `admin:servers` and `access:servers`, as the committed config grants NNLAB_HUB_ADMIN_TOKEN).
 *
 * @example
 * const hub = new nn.jupyter.HubClient('http://127.0.0.1:8000', process.env.NNLAB_HUB_ADMIN_TOKEN!);
 * await hub.createUser('ada');
 * await hub.startServer('ada');
 * const run = await hub.runNotebook('ada', 'nnlab-lessons/00-getting-started.ipynb');
 * console.log(run.error ?? `${run.executed} cells in ${run.seconds} s`);
 */
export class HubClient {
  readonly url: string;
  private readonly token: string;
  /** Longest wait for one HTTP answer, in ms. */
  requestTimeoutMs = 60_000;

  constructor(url: string, token: string) {
    if (!/^https?:\/\/[^/]+/.test(url)) throw new ArgumentError('url', url, 'the Hub\'s address, e.g. http://127.0.0.1:8000');
    if (typeof token !== 'string' || token.length < 16) throw new ArgumentError('token', token === undefined ? token : '(hidden)', 'an API token of at least 16 characters');
    this.url = url.replace(/\/+$/, '');
    this.token = token;
  }

  /** A request to the Hub's API (`path` under /hub/api). */
  hubApi(method: string, apiPath: string, body?: unknown): Promise<HubResponse> {
    return requestJson(`${this.url}/hub/api${apiPath}`, method, this.token, body, this.requestTimeoutMs);
  }

  /** A request to a user's server's API (`path` under /user/<name>/api). */
  userApi(user: string, method: string, apiPath: string, body?: unknown): Promise<HubResponse> {
    return requestJson(`${this.url}/user/${encodeURIComponent(user)}/api${apiPath}`, method, this.token, body, this.requestTimeoutMs);
  }

  private async expect(what: string, r: Promise<HubResponse>, ok: number[]): Promise<unknown> {
    const res = await r;
    if (!ok.includes(res.status)) {
      const msg = typeof res.body === 'object' && res.body !== null && 'message' in res.body ? String((res.body as { message: unknown }).message) : String(res.body).slice(0, 200);
      throw new Error(`${what}: HTTP ${res.status} ${msg}`);
    }
    return res.body;
  }

  /** Creates a Hub user (409, already there, is fine). */
  async createUser(user: string): Promise<void> {
    await this.expect(`creating Hub user ${user}`, this.hubApi('POST', `/users/${encodeURIComponent(user)}`), [201, 409]);
  }

  /** Deletes a Hub user (stopping their server first; 404 is fine). */
  async deleteUser(user: string): Promise<void> {
    await this.stopServer(user).catch(() => undefined);
    await this.expect(`deleting Hub user ${user}`, this.hubApi('DELETE', `/users/${encodeURIComponent(user)}`), [204, 404]);
  }

  /** The user's default server as the Hub reports it: ready, pending, or absent (null). */
  async serverState(user: string): Promise<{ ready: boolean; pending: string | null } | null> {
    const body = await this.expect(`reading Hub user ${user}`, this.hubApi('GET', `/users/${encodeURIComponent(user)}`), [200]) as { servers?: Record<string, { ready: boolean; pending: string | null }> };
    return body.servers?.[''] ?? null;
  }

  /** Starts the user's server and waits until it is ready; returns the seconds it took. */
  async startServer(user: string, timeoutMs = 120_000): Promise<number> {
    const t0 = Date.now();
    await this.expect(`starting ${user}'s server`, this.hubApi('POST', `/users/${encodeURIComponent(user)}/server`), [201, 202, 400]);
    while (Date.now() - t0 < timeoutMs) {
      const s = await this.serverState(user);
      if (s?.ready) return (Date.now() - t0) / 1000;
      if (s === null && Date.now() - t0 > 2000) throw new Error(`${user}'s server stopped while starting (see the Hub's log)`);
      await sleep(250);
    }
    throw new Error(`${user}'s server was not ready within ${timeoutMs / 1000} s`);
  }

  /** Stops the user's server and waits until the Hub says it is gone. */
  async stopServer(user: string, timeoutMs = 60_000): Promise<void> {
    await this.expect(`stopping ${user}'s server`, this.hubApi('DELETE', `/users/${encodeURIComponent(user)}/server`), [202, 204, 400, 404]);
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      const s = await this.serverState(user).catch(() => null);
      if (s === null) return;
      await sleep(250);
    }
    throw new Error(`${user}'s server did not stop within ${timeoutMs / 1000} s`);
  }

  /** A file of the user's server (Jupyter's contents API): a notebook as its JSON, a text file as text. */
  async getFile(user: string, file: string): Promise<unknown> {
    const body = await this.expect(`reading ${file} in ${user}'s server`, this.userApi(user, 'GET', `/contents/${file.split('/').map(encodeURIComponent).join('/')}?content=1`), [200]) as { content: unknown };
    return body.content;
  }

  /** Saves a notebook (its JSON) into the user's server, as the notebook's Save does. */
  async putNotebook(user: string, file: string, notebook: unknown): Promise<void> {
    await this.expect(`saving ${file} in ${user}'s server`, this.userApi(user, 'PUT', `/contents/${file.split('/').map(encodeURIComponent).join('/')}`, { type: 'notebook', format: 'json', content: notebook }), [200, 201]);
  }

  /**
   * Runs a notebook of the user's server top to bottom in a new kernel (a session on that
   * notebook, so the kernel starts in its folder), as a student pressing shift-enter on each code
   * cell; stops at the first error; shuts the kernel down at the end, unless `keepKernel` (then
   * `run.shutdown()` does). `kernel` defaults to the kernel the notebook names.
   */
  async runNotebook(user: string, notebook: string, options: { kernel?: string; cellTimeoutMs?: number; timeoutMs?: number; keepKernel?: boolean } = {}): Promise<RemoteRun> {
    const cellTimeoutMs = options.cellTimeoutMs ?? 300_000;
    const timeoutMs = options.timeoutMs ?? 900_000;
    const nb = await this.getFile(user, notebook) as { cells: { cell_type: string; source: string | string[] }[]; metadata?: { kernelspec?: { name?: string } } };
    const kernel = options.kernel ?? nb.metadata?.kernelspec?.name ?? 'nnlab-cpu';
    const sources = nb.cells.map((c) => (c.cell_type === 'code' ? (Array.isArray(c.source) ? c.source.join('') : c.source) : null));
    const codeCells = sources.filter((s) => s !== null).length;
    const t0 = Date.now();
    const session = await this.expect(`starting a ${kernel} kernel for ${notebook} in ${user}'s server`, this.userApi(user, 'POST', '/sessions', { path: notebook, type: 'notebook', name: path.basename(notebook), kernel: { name: kernel } }), [201]) as { id: string; kernel: { id: string } };
    const run: RemoteRun = { user, notebook, executed: 0, codeCells, error: null, texts: [], seconds: 0, kernelStartSeconds: 0 };
    let ws: WebSocket | undefined;
    try {
      const wsUrl = `${this.url.replace(/^http/, 'ws')}/user/${encodeURIComponent(user)}/api/kernels/${session.kernel.id}/channels?session_id=${randomUUID()}`;
      ws = new WebSocket(wsUrl, { headers: { Authorization: `token ${this.token}` } });
      const socket = ws;
      // a request is answered when its shell reply has come and the kernel went idle after it
      // (the iopub messages of a request may arrive after its reply)
      const waiting = new Map<string, { reply?: JupyterMessage; idle: boolean; text: string[]; done: (m: JupyterMessage) => void }>();
      let closed: string | null = null;
      socket.on('message', (raw) => {
        let msg: JupyterMessage;
        try { msg = JSON.parse(String(raw)) as JupyterMessage; } catch { return; }
        const w = waiting.get(msg.parent_header?.msg_id ?? '');
        if (!w) return;
        const c = msg.content;
        const t = msg.header.msg_type;
        if (t === 'stream') w.text.push(String(c.text ?? ''));
        else if ((t === 'execute_result' || t === 'display_data') && typeof (c.data as Record<string, unknown>)?.['text/plain'] === 'string') w.text.push(String((c.data as Record<string, unknown>)['text/plain']) + '\n');
        else if (t === 'error') w.text.push(`${String(c.ename)}: ${String(c.evalue)}\n`);
        else if (t === 'status' && c.execution_state === 'idle') w.idle = true;
        if (msg.channel === 'shell' && t.endsWith('_reply')) w.reply = msg;
        if (w.reply && w.idle) w.done(w.reply);
      });
      const ended = new Promise<never>((_, reject) => {
        socket.on('close', (code) => { closed = `the kernel's websocket closed (code ${code})`; reject(new Error(closed)); });
        socket.on('error', (e) => { closed = `the kernel's websocket failed (${e.message})`; reject(new Error(closed)); });
      });
      ended.catch(() => undefined);
      await Promise.race([new Promise<void>((r) => socket.once('open', () => r())), ended]);
      const send = async (msgType: string, content: Record<string, unknown>, limitMs: number): Promise<{ reply: JupyterMessage; text: string }> => {
        const id = randomUUID();
        const text: string[] = [];
        const reply = new Promise<JupyterMessage>((done) => waiting.set(id, { idle: false, text, done }));
        socket.send(JSON.stringify({
          header: { msg_id: id, msg_type: msgType, username: user, session: session.id, date: new Date().toISOString(), version: '5.3' },
          parent_header: {}, metadata: {}, content, channel: 'shell', buffers: [],
        }));
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no reply within ${limitMs / 1000} s`)), limitMs); });
        try {
          return { reply: await Promise.race([reply, ended, limit]), text: text.join('') };
        } finally {
          clearTimeout(timer);
          waiting.delete(id);
        }
      };
      await send('kernel_info_request', {}, 120_000);
      run.kernelStartSeconds = (Date.now() - t0) / 1000;
      for (let i = 0; i < sources.length; i++) {
        const code = sources[i];
        if (code === null) continue;
        const left = timeoutMs - (Date.now() - t0);
        if (left <= 0) { run.error = { cell: i, ename: 'Timeout', evalue: `the notebook did not finish within ${timeoutMs / 1000} s` }; break; }
        try {
          const { reply, text } = await send('execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, Math.min(cellTimeoutMs, left));
          run.executed++;
          run.texts.push(text.slice(0, CELL_TEXT_LIMIT));
          if (reply.content.status !== 'ok') {
            run.error = { cell: i, ename: String(reply.content.ename ?? reply.content.status), evalue: String(reply.content.evalue ?? '') };
            break;
          }
        } catch (e) {
          run.error = { cell: i, ename: closed ? 'DeadKernel' : 'Timeout', evalue: (e as Error).message };
          break;
        }
      }
    } finally {
      run.seconds = (Date.now() - t0) / 1000;
      ws?.terminate();
      const end = async () => { await this.userApi(user, 'DELETE', `/sessions/${session.id}`).catch(() => undefined); };
      if (options.keepKernel) run.shutdown = end;
      else await end();
    }
    return run;
  }
}

/** A free TCP port on 127.0.0.1 (asked of the system; free when returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A Hub this process started: its address, admin token, log and how to stop it. */
export interface StartedHub {
  url: string;
  token: string;
  client: HubClient;
  /** The Hub's state folder (database, cookie secret, log: hub.log). */
  state: string;
  process: ChildProcess;
  /** The Hub's log so far. */
  log(): string;
  /** Stops the Hub (it stops every user's server: cleanup_servers) and waits for it, at most 30 s. */
  stop(): Promise<void>;
}

export interface StartHubOptions {
  /** The Hub's state folder (created 0700; default a new folder under /tmp). */
  state?: string;
  /** Extra environment for the Hub (NNLAB_HUB_* settings, NNLAB_QUICK, NNLAB_DATA_MIRROR...). */
  env?: Record<string, string>;
  /** The configuration (default: this clone's committed one). */
  config?: string;
  /** Longest wait for the Hub to answer, in ms (default 60 s). */
  timeoutMs?: number;
}

/**
 * Starts `jupyterhub -f <config>` on free loopback ports with a new admin token (never written to
 * disk by this function), waits until its API answers, and returns it. Needs root (the Hub starts
 * each user's server with the user's uid) and Debian's `jupyterhub`.
 *
 * @example
 * const hub = await nn.jupyter.startHub({ env: { NNLAB_HUB_DUMMY_PASSWORD: 'x', NNLAB_HUB_TESTING: '1' } });
 * try { await hub.client.createUser('ada'); } finally { await hub.stop(); }
 */
export async function startHub(options: StartHubOptions = {}): Promise<StartedHub> {
  const jupyterhub = spawnSync('sh', ['-c', 'command -v jupyterhub'], { encoding: 'utf8' }).stdout.trim();
  if (!jupyterhub) throw new Error('jupyterhub is not installed: sudo apt-get install -y jupyterhub (Debian 12: JupyterHub 3.0)');
  const state = options.state ?? fs.mkdtempSync('/tmp/nnlab-hub-');
  fs.mkdirSync(state, { recursive: true, mode: 0o700 });
  const [port, apiPort, proxyPort] = [await freePort(), await freePort(), await freePort()];
  const token = randomBytes(32).toString('hex');
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(state, 'hub.log');
  const logFd = fs.openSync(logFile, 'w', 0o600);
  const proc = spawn(jupyterhub, ['-f', options.config ?? hubConfigPath()], {
    cwd: state,
    env: {
      ...process.env, ...options.env,
      NNLAB_HUB_URL: url, NNLAB_HUB_API_PORT: String(apiPort), NNLAB_HUB_PROXY_API_PORT: String(proxyPort),
      NNLAB_HUB_STATE: state, NNLAB_HUB_ADMIN_TOKEN: token,
    },
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  fs.closeSync(logFd);
  let exited: string | null = null;
  proc.on('exit', (code, signal) => { exited = `the Hub exited (${signal ?? `code ${code}`})`; });
  const log = () => { try { return fs.readFileSync(logFile, 'utf8'); } catch { return ''; } };
  const stop = async () => {
    if (exited === null) {
      proc.kill('SIGTERM');
      const t0 = Date.now();
      while (exited === null && Date.now() - t0 < 30_000) await sleep(100);
      if (exited === null) { try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ } }
    }
    // the proxy runs in the Hub's process group when the Hub is killed before it stops it
    try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ }
  };
  const client = new HubClient(url, token);
  const t0 = Date.now();
  const timeoutMs = options.timeoutMs ?? 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`${exited} while starting: ${log().trim().split('\n').slice(-3).join(' | ')}`);
    const r = await client.hubApi('GET', '/').catch(() => null);
    if (r && r.status === 200) break;
    if (Date.now() - t0 > timeoutMs) { await stop(); throw new Error(`the Hub did not answer within ${timeoutMs / 1000} s: ${log().trim().split('\n').slice(-3).join(' | ')}`); }
    await sleep(200);
  }
  return { url, token, client, state, process: proc, log, stop };
}

/** One finding of {@link setupClassroom}: ok, a warning (the Hub runs, but look), or a failure. */
export interface SetupCheck { check: string; status: 'ok' | 'warn' | 'fail' | 'fixed'; detail: string }

export interface SetupClassroomOptions {
  /** Where the kernelspecs go: `<prefix>/share/jupyter/kernels` (default /usr/local, a folder Jupyter searches). */
  prefix?: string;
  /** The folder of the students' home folders (default /home). */
  homes?: string;
  /** Make every home under `homes` private (chmod 700) instead of only reporting the open ones. */
  privateHomes?: boolean;
  /** Install the kernelspecs (default true; false only checks). */
  install?: boolean;
}

const modeText = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/**
 * What a class on JupyterHub needs from this machine, checked, and the part nnlab does itself:
 * the two nnlab kernels registered system-wide (pointing at this one install, so students install
 * nothing), and, on request, the students' homes made private. The checks: JupyterHub and the proxy
 * present, the library built, the install readable by every user and writable by none but root, the
 * homes private (a student's notebooks are not their neighbours' to read), the dataset mirror
 * readable. Returns every finding; a 'fail' means the Hub would not serve the lessons.
 *
 * @example
 * const checks = nn.jupyter.setupClassroom({ install: false });   // look only
 * checks.filter((c) => c.status !== 'ok').forEach((c) => console.log(c.check, c.detail));
 */
export function setupClassroom(options: SetupClassroomOptions = {}, env: Record<string, string | undefined> = process.env): SetupCheck[] {
  const prefix = path.resolve(options.prefix ?? '/usr/local');
  const homes = path.resolve(options.homes ?? '/home');
  const checks: SetupCheck[] = [];
  const add = (check: string, status: SetupCheck['status'], detail: string) => checks.push({ check, status, detail });
  const root = repoRoot();

  const hub = spawnSync('sh', ['-c', 'command -v jupyterhub && jupyterhub --version'], { encoding: 'utf8' });
  if (hub.status === 0) add('jupyterhub', 'ok', hub.stdout.trim().split('\n').join(' '));
  else add('jupyterhub', 'fail', 'not installed: sudo apt-get install -y jupyterhub (Debian 12: 3.0), or pip install jupyterhub');
  const proxy = path.join(root, 'node_modules', '.bin', 'configurable-http-proxy');
  add('configurable-http-proxy', fs.existsSync(proxy) ? 'ok' : 'fail', fs.existsSync(proxy) ? proxy : `missing: run npm ci in ${root}`);
  const built = fs.existsSync(path.join(root, 'kernel-lib', 'dist', 'index.js'));
  add('library built', built ? 'ok' : 'fail', built ? path.join(root, 'kernel-lib', 'dist') : `run npm run build in ${root}`);

  // every user must reach the install (o+x on each parent, o+r on the files)...
  const blocked: string[] = [];
  for (let dir = root; ; dir = path.dirname(dir)) {
    const st = fs.statSync(dir);
    if ((st.mode & 0o001) === 0) blocked.push(`${dir} (${modeText(st.mode)})`);
    if (dir === path.dirname(dir)) break;
  }
  add('install readable by students', blocked.length ? 'fail' : 'ok', blocked.length ? `students cannot reach ${root}: chmod o+x ${blocked.map((b) => b.split(' ')[0]).join(' ')}` : root);
  // ... and none of them may change it (a kernel runs its code for every student)
  const writable: string[] = [];
  for (const rel of ['', 'kernel-lib', 'kernel-lib/dist', 'kernel-lib/bin', 'node_modules', 'scripts/classroom', 'notebooks']) {
    const p = path.join(root, rel);
    if (!fs.existsSync(p)) continue;
    const st = fs.statSync(p);
    if ((st.mode & 0o002) !== 0 || st.uid !== 0) writable.push(`${p} (owner uid ${st.uid}, ${modeText(st.mode)})`);
  }
  add('install read-only for students', writable.length ? 'warn' : 'ok', writable.length ? `owned by root and not world-writable is safest: ${writable.join(', ')}` : 'owned by root, not world-writable');

  // homes: a student's files are theirs
  let open: { dir: string; mode: number }[] = [];
  let homeList: string[] = [];
  try { homeList = fs.readdirSync(homes).filter((n) => n !== 'lost+found'); } catch { /* no such folder */ }
  for (const name of homeList) {
    const dir = path.join(homes, name);
    const st = fs.lstatSync(dir);
    if (st.isDirectory() && st.uid !== 0 && (st.mode & 0o077) !== 0) open.push({ dir, mode: st.mode });
  }
  if (open.length && options.privateHomes) {
    for (const h of open) fs.chmodSync(h.dir, 0o700);
    add('private homes', 'fixed', `chmod 700 ${open.map((h) => h.dir).join(' ')}`);
    open = [];
  } else if (open.length) {
    add('private homes', 'warn', `${open.length} home(s) others can read: ${open.slice(0, 5).map((h) => `${h.dir} (${modeText(h.mode)})`).join(', ')}${open.length > 5 ? ', ...' : ''}; fix: nnlab classroom setup --private-homes (and DIR_MODE=0700 in /etc/adduser.conf for new accounts)`);
  } else {
    add('private homes', 'ok', `${homeList.length} home(s) under ${homes}`);
  }

  const mirror = env.NNLAB_DATA_MIRROR;
  if (!mirror) add('dataset mirror', 'warn', 'NNLAB_DATA_MIRROR is not set: each student downloads the datasets into their own cache (set it to a folder of the official files to share one copy)');
  else if (!fs.existsSync(mirror)) add('dataset mirror', 'fail', `NNLAB_DATA_MIRROR=${mirror} does not exist`);
  else add('dataset mirror', (fs.statSync(mirror).mode & 0o005) === 0o005 ? 'ok' : 'warn', `${mirror} (${modeText(fs.statSync(mirror).mode)}; students need r-x)`);

  if (options.install !== false) {
    try {
      const { python } = findJupyterPython(env);
      const dirs = installKernelSpecs(python, { prefix });
      for (const d of dirs) fs.chmodSync(d, 0o755);
      add('kernels registered', 'ok', dirs.join(', '));
    } catch (e) {
      add('kernels registered', 'fail', (e as Error).message.split('\n')[0]);
    }
  }
  return checks;
}

/**
 * Creates system accounts for a trial class (the classroom test, `npm run bench:classroom`): each
 * with a private home (0700) under `homes`, a group of its own, no password (they log in through
 * a test Hub's dummy authenticator only). Needs root. Returns the names created; on a failure the
 * ones already created are removed and the error names the account.
 *
 * @example
 * const users = nn.jupyter.addTrialUsers(['nnt01', 'nnt02'], '/tmp/class/home');
 * try { ... } finally { nn.jupyter.removeTrialUsers(users); }
 */
export function addTrialUsers(names: readonly string[], homes: string): string[] {
  fs.mkdirSync(homes, { recursive: true, mode: 0o755 });
  const created: string[] = [];
  for (const u of names) {
    if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(u)) { removeTrialUsers(created); throw new ArgumentError('names', u, 'user names of lower-case letters, digits, _ and -, at most 32 characters'); }
    const r = spawnSync('useradd', ['--create-home', '--home-dir', path.join(homes, u), '--shell', '/bin/sh', '--user-group', u], { encoding: 'utf8' });
    if (r.status !== 0) { removeTrialUsers(created); throw new Error(`useradd ${u} failed: ${(r.stderr || String(r.error)).trim()}`); }
    fs.chmodSync(path.join(homes, u), 0o700);
    created.push(u);
  }
  return created;
}

/** Kills every process of the accounts, deletes them with their homes, and removes their nnlab-hub cgroups. */
export function removeTrialUsers(names: readonly string[]): void {
  for (const u of names) {
    // kill, and wait (at most 10 s) until the processes are gone: their cgroup empties with them
    for (let i = 0; i < 100 && spawnSync('pgrep', ['-u', u]).status === 0; i++) {
      spawnSync('pkill', ['-KILL', '-u', u]);
      spawnSync('sleep', ['0.1']);
    }
    spawnSync('userdel', ['--remove', u], { encoding: 'utf8' });
    for (const c of ['memory', 'cpu', 'pids', '']) {
      try { fs.rmdirSync(path.join('/sys/fs/cgroup', c, 'nnlab-hub', u)); } catch { /* none */ }
    }
  }
}

/** Resident memory (bytes) of processes: the sum of their VmRSS (a process gone meanwhile counts 0). */
export function rssOf(pids: readonly string[]): number {
  let total = 0;
  for (const pid of pids) {
    try { total += Number(/^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024; } catch { /* gone */ }
  }
  return total;
}

/** The ids of the processes `pgrep` finds with these arguments (`['-u', user]`, `['-f', pattern]`). */
export function pgrep(args: readonly string[]): string[] {
  return spawnSync('pgrep', [...args], { encoding: 'utf8' }).stdout.split('\n').filter((p) => p);
}

/** Resident memory (bytes) of every process of a user. */
export function userRss(user: string): number {
  return rssOf(pgrep(['-u', user]));
}
