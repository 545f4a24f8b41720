// The revenue-by-product-line read model at work on a generated company history.
// Run it with `pnpm start` here, or `npx tsx examples/custom-projection/main.ts` from the repository root.
import type { SalesEventEnvelope } from '@dealbook/core';
import { createInMemoryCheckpointStore, createProjectionRunner, DomainError } from '@dealbook/eventsourcing';
import { generateHistory } from '@dealbook/testing';
import {
  buildRevenueByProductLine,
  createRevenueByProductLineProjection,
  queryRevenueByProductLine,
  type RevenueByProductLineState,
  type RevenueRow,
} from './revenue-by-product-line.js';

const yuan = (minor: number) => (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Prints one table per quarter. */
function printTables(rows: readonly RevenueRow[]): void {
  const columns = ['product line', 'contracts', 'signed', 'amended', 'revenue', 'terminated'];
  const widths = [14, 9, 16, 13, 16, 13];
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  for (const quarter of [...new Set(rows.map((r) => r.quarter))]) {
    const inQuarter = rows.filter((r) => r.quarter === quarter);
    const sum = (pick: (r: RevenueRow) => number) => inQuarter.reduce((s, r) => s + pick(r), 0);
    console.log(`\n${quarter} (¥)\n${line(columns)}\n${line(widths.map((w) => '-'.repeat(w)))}`);
    for (const r of inQuarter) console.log(line([r.productLine, String(r.contractsSigned), yuan(r.signedMinor), yuan(r.amendedMinor), yuan(r.revenueMinor), yuan(r.terminatedMinor)]));
    console.log(line(['total', String(sum((r) => r.contractsSigned)), yuan(sum((r) => r.signedMinor)), yuan(sum((r) => r.amendedMinor)), yuan(sum((r) => r.revenueMinor)), yuan(sum((r) => r.terminatedMinor))]));
  }
}

// 1. A company history: 8 reps over 3 months from February (Q1 and Q2), made by driving the engine.
const { engine, store, stats } = await generateHistory({ seed: 7, reps: 8, months: 3, start: '2026-02-01T00:00:00.000Z' });
console.log(`Generated history: ${stats.events} events, ${stats.byType.ContractSigned ?? 0} contracts signed.`);

// 2. A runner keeps the projection up to date from a checkpoint store (in memory
//    here; a durable one in production). It reads only the event types the
//    projection handles, in batches, and saves state and position together.
const projection = createRevenueByProductLineProjection(); // default policy: Asia/Shanghai quarters
const checkpoints = createInMemoryCheckpointStore<RevenueByProductLineState>();
const first = await createProjectionRunner({ store, projection, checkpoints, batchSize: 25 }).catchUp({ maxBatches: 2 });
console.log(`\nFirst run, stopped after 2 batches: ${first.processed} events applied, checkpoint at position ${first.position}.`);

// A new runner over the same checkpoints is a process that restarted: it resumes where the checkpoint is.
const runner = createProjectionRunner({ store, projection, checkpoints, batchSize: 25 });
const resumed = await runner.catchUp();
console.log(`Restarted from the checkpoint: ${resumed.processed} more events, now at position ${resumed.position}.`);

const rows = queryRevenueByProductLine(resumed.state);
const onePass = queryRevenueByProductLine(await buildRevenueByProductLine(store));
console.log(`Same rows as one pass from the first event: ${JSON.stringify(rows) === JSON.stringify(onePass)}.`);
printTables(rows);

// 3. Amend a signed contract through the engine (one more unit on its first
//    line), then catch up: the difference is booked in the amendment's quarter.
//    The engine's clock stopped where the history ended: the amendment happens then.
const everything = await store.readAll({ maxCount: stats.events });
const now = everything.events.at(-1)!.event.recordedAt;
const signatures = everything.events.filter((r) => r.event.type === 'ContractSigned');
for (const { event } of signatures.reverse()) {
  const signing = event as SalesEventEnvelope & { type: 'ContractSigned' };
  const contractId = signing.streamId.slice('contract-'.length);
  const { state: contract } = await engine.load('contract', contractId);
  if (contract.status !== 'signed' || contract.terms === undefined) continue; // fulfilled or terminated since
  const [head, ...rest] = contract.terms.lines;
  try {
    await engine.execute({
      type: 'AmendContract',
      commandId: `amend-${contractId}`,
      actorId: 'ops-desk',
      occurredAt: now,
      contractId,
      approvedBy: signing.data.companySignatoryId,
      lines: [{ ...head!, quantity: head!.quantity + 1 }, ...rest],
      deliveryDate: contract.terms.deliveryDate,
      paymentTerms: contract.terms.paymentTerms,
    });
  } catch (error) {
    if (error instanceof DomainError) continue; // this one cannot be amended so (a rule said no): try another
    throw error;
  }
  const after = await runner.catchUp();
  console.log(`\nAmended contract ${contractId} (+1 × ${yuan(head!.unitPriceMinor)} of ${head!.productLine}); the runner caught up ${after.processed} event(s). Amendments booked so far:`);
  const amended = queryRevenueByProductLine(after.state).filter((r) => r.amendedMinor !== 0);
  for (const r of amended) console.log(`  ${r.quarter} ${r.productLine}: amended ${yuan(r.amendedMinor)}`);
  break;
}

// 4. The same numbers as they could have been known at the end of March (Shanghai time).
const march = queryRevenueByProductLine(await buildRevenueByProductLine(store, { asOf: '2026-03-31T15:59:59.999Z' }));
console.log(`\nAs known at the end of March: revenue ${yuan(march.reduce((s, r) => s + r.revenueMinor, 0))}, in ${new Set(march.map((r) => r.quarter)).size} quarter(s).`);
