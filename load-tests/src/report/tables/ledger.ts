import type { LedgerReport } from '../../ledger/run.js';
import { int, met, table, times } from './format.js';
import type { AnyMachine } from './machine.js';

// The README's `bench-table:ledger` block, from `ledger-*.json` (see ../readme-tables.ts).

/** What ledger files from before the like-for-like baseline were judged by (they do not hold it; newer files record their own target). */
export const LEDGER_TARGET_RATIO = 1;

type LedgerPoint = LedgerReport['points'][number];
type NewLedgerPointKeys = 'pgbenchLedgerTps' | 'pgbenchLedgerRuns' | 'rounds' | 'ratioToLedger' | 'met';
type NewLedgerSummaryKeys =
  'worstToLedgerBatched' | 'worstToLedgerStatement' | 'worstToLedgerInTx' | 'targets' | 'met' | 'pgbenchLedgerTransfers';
/** A file from before the like-for-like baseline (pgbench running `ledger_post`, issue 12): judged by tpcb-like alone. */
type OldLedgerReport = Omit<LedgerReport, 'machine' | 'full' | 'pgbench' | 'pgbenchLedgerScript' | 'points' | 'summary'> & {
  machine: AnyMachine;
  points: Omit<LedgerPoint, NewLedgerPointKeys>[];
  summary: Omit<LedgerReport['summary'], NewLedgerSummaryKeys>;
};
type NewLedgerReport = Omit<LedgerReport, 'machine'> & { machine: AnyMachine };
type AnyLedgerReport = OldLedgerReport | NewLedgerReport;

const hasLedgerBaseline = (r: AnyLedgerReport): r is NewLedgerReport => 'targets' in r.summary;

export function renderLedger(r: AnyLedgerReport): string {
  return hasLedgerBaseline(r) ? renderLedgerLikeForLike(r) : renderLedgerTpcbOnly(r);
}

function renderLedgerLikeForLike(r: NewLedgerReport): string {
  const o = r.options;
  const s = r.summary;
  const target = s.targets.statementVsPgbenchLedger;
  const client = /\d+(\.\d+)+/.exec(r.pgbench)?.[0];
  const cell = (tps: number, toTpcb: number, toLedger: number) => `${int(tps)}/s (${times(toTpcb)} / ${times(toLedger)})`;
  return [
    `${o.rounds} rounds of ${o.seconds} s per segment at ${o.clients.join(', ')} clients; ${int(o.accounts)} funding and ${int(o.accounts)} escrow accounts, a transfer pays a random escrow from a random funding account; pgbench scale ${o.pgbenchScale}. Two baselines in the same rounds, all segments in rotated order: \`pgbench -b tpcb-like\`, and **pgbench ledger**, \`pgbench -M prepared\`${client ? ` ${client}` : ''} running the very \`ledger_post\` call \`post\` makes on the same accounts drawn the same way (its ratio is Hawker's own overhead). Medians over rounds; a mode's cell is its rate (its rate ÷ tpcb-like's / ÷ pgbench ledger's in the same round).`,
    '',
    table(
      [
        'clients',
        'pgbench tpcb-like',
        'pgbench ledger',
        'batched (`transfer`)',
        'one statement (`post`)',
        'in a transaction',
        `\`post\` ÷ pgbench ledger (target ≥ ${target}×)`,
      ],
      r.points.map((p) => [
        String(p.clients),
        `${int(p.pgbenchTps)}/s`,
        `${int(p.pgbenchLedgerTps)}/s`,
        cell(p.batchedTps, p.ratio.batched, p.ratioToLedger.batched),
        cell(p.transferTps, p.ratio.statement, p.ratioToLedger.statement),
        cell(p.transferInTxTps, p.ratio.transaction, p.ratioToLedger.transaction),
        `**${times(p.ratioToLedger.statement)}** (${met(p.met)})`,
      ]),
    ),
    '',
    `\`post\` ÷ pgbench ledger ≥ ${target}× at every client count: ${met(s.met)} (worst ${times(s.worstToLedgerStatement)}). Worst over the client counts ÷ pgbench ledger: batched ${times(s.worstToLedgerBatched)}, in a transaction ${times(s.worstToLedgerInTx)}; ÷ tpcb-like: batched ${times(s.worstRatioBatched)}, one statement ${times(s.worstRatioStatement)}, in a transaction ${times(s.worstRatioInTx)}. ${int(s.transfers)} transfers by Hawker and ${int(s.pgbenchLedgerTransfers)} by pgbench ledger; ledger self-check after the run: ${s.selfCheckProblems === 0 ? 'no problems' : `**${s.selfCheckProblems} problems**`}.`,
  ].join('\n');
}

function renderLedgerTpcbOnly(r: OldLedgerReport): string {
  const o = r.options;
  const s = r.summary;
  const cell = (tps: number, ratio: number) => `${int(tps)}/s (${times(ratio)})`;
  const worst = (name: string, ratio: number) =>
    `${name} ${times(ratio)} (target ≥ ${LEDGER_TARGET_RATIO.toFixed(1)}×: ${met(ratio >= LEDGER_TARGET_RATIO)})`;
  return [
    `${o.rounds} rounds of ${o.seconds} s per segment at ${o.clients.join(', ')} clients, ${int(o.accounts)} accounts, pgbench scale ${o.pgbenchScale}; medians over rounds, a ratio is a mode's rate over pgbench's in the same round.`,
    '',
    table(
      ['clients', 'pgbench tps', 'batched (`transfer`)', 'one statement (`post`)', 'in a transaction'],
      r.points.map((p) => [
        String(p.clients),
        int(p.pgbenchTps),
        cell(p.batchedTps, p.ratio.batched),
        cell(p.transferTps, p.ratio.statement),
        cell(p.transferInTxTps, p.ratio.transaction),
      ]),
    ),
    '',
    `Worst ratio over the client counts: ${worst('batched', s.worstRatioBatched)}; ${worst('one statement', s.worstRatioStatement)}; in a transaction ${times(s.worstRatioInTx)}. ${int(s.transfers)} transfers; ledger self-check after the run: ${s.selfCheckProblems === 0 ? 'no problems' : `**${s.selfCheckProblems} problems**`}.`,
  ].join('\n');
}

/** The first ledger files (before the batched mode and rotated rounds) hold rates only: their ratios are taken here. */
type AnyLedgerPoint = Pick<LedgerPoint, 'clients' | 'pgbenchTps' | 'transferTps' | 'transferInTxTps'> &
  Partial<Pick<LedgerPoint, 'batchedTps' | 'ratio' | 'ratioToLedger'>>;

export function earlierLedger(r: { points: AnyLedgerPoint[] }): string {
  const ratio = (p: AnyLedgerPoint, k: 'batched' | 'statement' | 'transaction') => {
    const tps = { batched: p.batchedTps, statement: p.transferTps, transaction: p.transferInTxTps }[k];
    const x = p.ratio?.[k] ?? (tps === undefined ? undefined : tps / p.pgbenchTps);
    return x === undefined ? undefined : times(x);
  };
  const modes = (['batched', 'statement', 'transaction'] as const).flatMap((k) => {
    const xs = r.points.map((p) => ratio(p, k));
    if (xs.some((x) => x === undefined)) return [];
    return [`${{ batched: 'batched', statement: 'one statement', transaction: 'in a transaction' }[k]} ${xs.join(' / ')}`];
  });
  const toLedger = r.points.every((p) => p.ratioToLedger)
    ? `; \`post\` ÷ pgbench ledger ${r.points.map((p) => times(p.ratioToLedger!.statement)).join(' / ')}`
    : '';
  const first = r.points[0];
  return `${first ? `pgbench ${int(first.pgbenchTps)} tps at ${first.clients} client${first.clients === 1 ? '' : 's'}; ` : ''}${modes.join(', ')}${toLedger} at ${r.points.map((p) => p.clients).join(' / ')} clients`;
}
