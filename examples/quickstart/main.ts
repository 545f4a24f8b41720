// dealbook quickstart: the event-sourcing kernel end to end, in memory.
// Run it with `npm start` from the repository root.
import {
  buildProjection,
  createCommandHandler,
  createInMemoryEventStore,
  defineProjection,
  DomainError,
  manualClock,
  sequentialIds,
  verifyChain,
  type EventEnvelope,
} from '@dealbook/eventsourcing';
import { dealDecider, type DealCommand, type DealEvent, type DealState } from './deal.js';

// Time and ids are passed in: here a clock that moves one second per reading, and predictable ids.
const clock = manualClock('2026-03-02T01:00:00.000Z', 1000);
const store = createInMemoryEventStore({ clock: clock.now });
const deals = createCommandHandler<DealCommand, DealEvent, DealState>({ store, decider: dealDecider, ids: sequentialIds() });

let n = 0;
const command = <C extends Omit<DealCommand, 'commandId' | 'actorId' | 'occurredAt'>>(body: C, occurredAt = clock.now()) =>
  ({ ...body, commandId: `cmd-${++n}`, actorId: 'rep-7', occurredAt }) as unknown as DealCommand;

console.log('dealbook quickstart: the event-sourcing kernel, in memory\n');

await deals.handle('deal-1', command({ type: 'OpenDeal', customer: '华东电缆有限公司', repId: 'rep-7' }));
await deals.handle('deal-1', command({ type: 'QuoteDeal', amountMinor: 125_000_00 }));
await deals.handle('deal-2', command({ type: 'OpenDeal', customer: 'Northwind Traders', repId: 'rep-9' }));
await deals.handle('deal-2', command({ type: 'QuoteDeal', amountMinor: 48_500_00 }));
const won = await deals.handle('deal-1', command({ type: 'WinDeal' }));
const cutoff = clock.now(); // we will look back at this instant
console.log(`deal-1 is ${won.state.status} at version ${won.version}: ${won.events.map((r) => r.event.type).join(', ')}`);

// A rule says no: the typed error carries its rule code, and nothing is appended.
try {
  await deals.handle('deal-1', command({ type: 'QuoteDeal', amountMinor: 1 }));
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  console.log(`rejected with ${error.code}: ${error.message}`);
}

// The same command sent twice (same commandId) is recorded once.
const win2 = command({ type: 'WinDeal' });
const first = await deals.handle('deal-2', win2);
const again = await deals.handle('deal-2', win2);
console.log(`re-sent ${win2.commandId}: duplicate=${again.duplicate}, same events=${again.events[0]?.event.eventId === first.events[0]?.event.eventId}`);

// Every stream is a hash chain; change one byte of history and verifyChain names the event.
const history = (await store.readStream('deal-1')).map((r) => r.event);
console.log(`deal-1 chain: ${verifyChain(history).ok ? 'intact' : 'broken'} (${history.length} events, head ${history.at(-1)?.hash.slice(0, 12)}…)`);
const tampered = history.map((e, i) => (i === 1 ? { ...e, data: { amountMinor: 1 } } : e));
const report = verifyChain(tampered);
console.log(`after editing the quote: ${report.ok ? 'intact?!' : `${report.reason} at event ${report.index}`}`);

// A projection: won value per rep, now and as of an earlier instant.
type Won = EventEnvelope<'DealWon', { amountMinor: number; repId: string }>;
const wonByRep = defineProjection<Record<string, number>, Won>({
  name: 'won-by-rep',
  version: 1,
  initialState: () => ({}),
  handlers: { DealWon: (s, e) => ({ ...s, [e.data.repId]: (s[e.data.repId] ?? 0) + e.data.amountMinor }) },
});
const money = (minor: number) => (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });
const format = (s: Record<string, number>) => Object.entries(s).map(([rep, v]) => `${rep} ${money(v)}`).join(', ') || '(nothing won)';
console.log(`won by rep now:            ${format((await buildProjection(store, wonByRep)).state)}`);
console.log(`won by rep as of ${cutoff}: ${format((await buildProjection(store, wonByRep, { asOf: cutoff })).state)}`);
console.log(`\n${store.size} events stored.`);
