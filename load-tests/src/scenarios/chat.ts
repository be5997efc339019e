import { parseChatArgs, USAGE } from '../chat/options.js';
import { writeChatReport } from '../chat/output.js';
import { formatReport } from '../chat/report.js';
import { runChatBench } from '../chat/run.js';

/**
 * `npm run bench -- chat`: 10,000 viewer sockets in one room, deliveries per
 * second and delivery latency with chat batching (CHAT_BATCH_MS) against the
 * naive one-emit-per-message baseline (CHAT_BATCH_MS=0) in the same run.
 */
export async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseChatArgs(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(message === USAGE ? message : `${message}\n\n${USAGE}`);
    return message === USAGE ? 0 : 2;
  }
  console.log(
    `chat bench: ${options.viewers} viewers, ${options.ratePerSecond} msg/s from ${options.senders} senders, ${options.seconds} s per mode (batched ${options.batchMs} ms, then naive)`,
  );
  const report = await runChatBench(options, (line) => console.log(`  ${line}`));
  console.log(`\n${formatReport(report)}`);
  if (options.outDir) {
    const files = await writeChatReport(report, options.outDir);
    console.log(`\nwrote ${files.join(', ')}`);
  }
  return 0;
}
