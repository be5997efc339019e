import { RtpGenerator } from './generator.js';
import { ChildHandle, type CpuSample } from './ipc.js';
import type { RelayApi, RelayReady } from './relay-process.js';
import type { ForwardingTarget } from './target.js';

/** The baseline target: relay-process.ts in its own process (one core at most). */
export class RelayTarget implements ForwardingTarget {
  readonly name = 'node-relay' as const;
  readonly #child: ChildHandle<RelayApi, RelayReady>;
  readonly #sinkPorts: number[];
  readonly #latencyPort: number;
  readonly generator: RtpGenerator;
  #viewers = 0;

  private constructor(child: ChildHandle<RelayApi, RelayReady>, generator: RtpGenerator, sinkPorts: number[], latencyPort: number) {
    this.#child = child;
    this.generator = generator;
    this.#sinkPorts = sinkPorts;
    this.#latencyPort = latencyPort;
  }

  static async create(sinkPorts: readonly number[], latencyPort: number): Promise<RelayTarget> {
    const child = await ChildHandle.spawn<RelayApi, RelayReady>(new URL('./relay-process.ts', import.meta.url), {});
    try {
      const generator = await RtpGenerator.create(child.ready.port);
      return new RelayTarget(child, generator, [...sinkPorts], latencyPort);
    } catch (error) {
      await child.close();
      throw error;
    }
  }

  get viewers(): number {
    return this.#viewers;
  }

  async setViewers(count: number): Promise<void> {
    await this.#child.request('setViewers', { viewers: count, sinkPorts: this.#sinkPorts, latencyPort: this.#latencyPort });
    this.#viewers = count;
  }

  async cpu(): Promise<CpuSample> {
    return (await this.#child.request('snapshot', {})).cpu;
  }

  async close(): Promise<void> {
    await this.generator.close();
    await this.#child.close();
  }
}
