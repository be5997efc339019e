import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Request/response over Node's IPC channel for the bench's helper processes
 * (UDP sinks, the plain relay). They run as separate processes so their CPU
 * is measured on its own (process.cpuUsage() in the child) and does not hide
 * inside the bench's event loop.
 *
 * `Api` maps a command name to its argument and result types; both sides
 * compile against the same map.
 */
export type ApiMap = Record<string, { args: object; result: unknown }>;

interface Request {
  id: number;
  cmd: string;
  args: object;
}
type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
/** The first message a child sends: its bound ports. */
export interface Ready<T> {
  ready: T;
}

/** CPU time used by a process so far, with the moment it was read. */
export interface CpuSample {
  cpuMicros: number;
  /** Of cpuMicros, time in the kernel (on loopback a send also runs the receiver's side of the stack). */
  systemMicros: number;
  atNs: string;
}

export function cpuSample(): CpuSample {
  const u = process.cpuUsage();
  return { cpuMicros: u.user + u.system, systemMicros: u.system, atNs: process.hrtime.bigint().toString() };
}

/** Fraction of one core used between two samples (0.5 = half a core). */
export function cpuFraction(a: CpuSample, b: CpuSample): number {
  const wallMicros = Number(BigInt(b.atNs) - BigInt(a.atNs)) / 1000;
  return wallMicros > 0 ? (b.cpuMicros - a.cpuMicros) / wallMicros : 0;
}

const REQUEST_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 3_000;

export class ChildHandle<Api extends ApiMap, R> {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  #nextId = 1;
  #exited = false;
  readonly ready: R;

  private constructor(child: ChildProcess, ready: R) {
    this.#child = child;
    this.ready = ready;
    child.on('message', (m: Response) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    child.once('exit', (code, signal) => {
      this.#exited = true;
      for (const p of this.#pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(`helper process exited (${code ?? signal})`));
      }
      this.#pending.clear();
    });
  }

  /**
   * Forks a TypeScript module through tsx's loader (resolved to a file URL,
   * so it works under the tsx CLI and under vitest alike) and waits for its
   * Ready message.
   */
  static async spawn<Api extends ApiMap, R>(moduleUrl: URL, config: object): Promise<ChildHandle<Api, R>> {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = fork(moduleUrl, [JSON.stringify(config)], {
      execArgv: ['--import', tsx],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), REQUEST_TIMEOUT_MS);
    try {
      const [first] = (await Promise.race([once(child, 'message'), once(child, 'exit').then(() => [undefined])])) as [Ready<R> | undefined];
      if (!first) throw new Error(`helper ${moduleUrl.pathname} exited before it was ready`);
      return new ChildHandle<Api, R>(child, first.ready);
    } finally {
      clearTimeout(timer);
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  request<K extends keyof Api & string>(cmd: K, args: Api[K]['args']): Promise<Api[K]['result']> {
    if (this.#exited) return Promise.reject(new Error('helper process has exited'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`helper did not answer '${cmd}' within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      this.#child.send({ id, cmd, args } satisfies Request);
    });
  }

  /** Asks the child to exit; kills this child (by its own pid) if it does not. */
  async close(): Promise<void> {
    if (this.#exited) return;
    const exited = once(this.#child, 'exit');
    if (this.#child.connected) this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The child side: announces `ready`, answers requests with `handlers`, and
 * exits when the parent disconnects (also when the bench crashes, so no
 * helper outlives it).
 */
export function serveParent<Api extends ApiMap, R>(
  ready: R,
  handlers: { [K in keyof Api]: (args: Api[K]['args']) => Api[K]['result'] | Promise<Api[K]['result']> },
  onClose: () => void,
): void {
  const send = (m: Response | Ready<R>) => process.send?.(m);
  process.on('message', (m: Request) => {
    const handler = handlers[m.cmd];
    if (!handler) {
      send({ id: m.id, ok: false, error: `unknown command ${m.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(m.args))
      .then(
        (result) => send({ id: m.id, ok: true, result }),
        (error: unknown) => send({ id: m.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  process.once('disconnect', () => {
    onClose();
    process.exit(0);
  });
  send({ ready });
}

/** The JSON config a helper was forked with. */
export function childConfig<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}
