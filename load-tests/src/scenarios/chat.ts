import { defaultOptions, parseChatArgs, USAGE } from '../chat/options.js';
import { chatChart } from '../chat/output.js';
import { formatReport } from '../chat/report.js';
import { runChatBench } from '../chat/run.js';
import { isDefaultRun, notFullNote, writeResults } from '../report/results.js';

/**
 * `npm run bench -- chat`: 10,000 viewer sockets in one room, deliveries per
 * second and delivery latency with chat batching (CHAT_BATCH_MS) against the
 * naive one-emit-per-message baseline (CHAT_BATCH_MS=0) and the raw ws floor
 * (the same frames from a plain ws server) in the same run, over --rounds
 * rounds (default 3) in rotated order; medians with min/max.
 * Only a full run (every option at its default; --out and --no-write aside)
 * rewrites chat-latest.json/.svg; any run writes chat-<time>.json.
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
  const full = isDefaultRun(options, defaultOptions(), ['adminUrl', 'redisUrl', 'outDir']);
  console.log(
    `chat bench: ${options.viewers} viewers, ${options.ratePerSecond} msg/s from ${options.senders} senders, ${options.seconds} s per run, ${options.rounds} rounds of batched (${options.batchMs} ms), naive${options.floor ? ' and the raw ws floor' : ''} in rotated order${full ? '' : notFullNote('chat')}`,
  );
  const report = await runChatBench(options, (line) => console.log(`  ${line}`));
  console.log(`\n${formatReport(report)}`);
  if (options.outDir) {
    const files = await writeResults(options.outDir, 'chat', report, chatChart(report), { latest: full });
    console.log(`\nwrote ${files.join(', ')}`);
  }
  return 0;
}
