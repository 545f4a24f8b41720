// Kernel benchmarks: in-memory appends and command handling.
import { randomUUID } from 'node:crypto';
import {
  createCommandHandler,
  createInMemoryEventStore,
  DomainError,
  sha256Hex,
  ZERO_HASH,
  type InMemoryEventStore,
  type CommandEnvelope,
  type Decider,
  type DomainEvent,
} from '@dealbook/eventsourcing';
import { median, notes, paired, record, throughput } from './harness.js';
import { sampleData, sampleEvent, sampleMetadata } from './fixtures.js';

const section = 'kernel';

export interface KernelBenchOptions {
  /** Events stored before measuring the append cost "at scale". Default 1,000,000. */
  readonly largeHistory: number;
  readonly quick: boolean;
}

/** The same envelope shape the store hashes, built the simplest way: for baselines. */
function bareEnvelope(i: number, streamId: string, version: number) {
  return {
    data: sampleData(i),
    eventId: randomUUID(),
    metadata: sampleMetadata,
    occurredAt: '2026-03-02T01:30:00.000Z',
    prevHash: ZERO_HASH,
    recordedAt: '2026-03-02T01:30:00.000Z',
    schemaVersion: 1,
    streamId,
    streamVersion: version,
    type: 'ContractDrafted',
  };
}

export async function kernelBenchmarks(options: KernelBenchOptions): Promise<void> {
  console.log(`\n${section}: in-memory store and command handler`);
  const sample = bareEnvelope(0, 'contract-1', 0);
  console.log(`  (events of ${JSON.stringify(sample).length} bytes of canonical JSON without hash)`);
  const window = options.quick ? 5_000 : 20_000;

  const rounds = options.quick ? 3 : 7;

  // Baseline 1: a bare append, a Map push plus randomUUID.
  const bareAppend = () => {
    const streams = new Map<string, unknown[]>();
    return throughput(window, (i) => {
      const key = `contract-${i % 1000}`;
      let s = streams.get(key);
      if (s === undefined) streams.set(key, (s = []));
      s.push({ id: randomUUID(), data: sampleData(i) });
    });
  };
  // Baseline 2: only serialize and hash the same events.
  const hashOnly = () => throughput(window, (i) => sha256Hex(JSON.stringify(bareEnvelope(i, `contract-${i % 1000}`, 0))));

  // In-memory appends, one event per append, on a store of 1k events.
  const appendWindow = (store: InMemoryEventStore) => throughput(window, (i) => store.append(`contract-${i % 1000}`, [sampleEvent(i)]));
  const appendAt1k = async () => {
    const fresh = createInMemoryEventStore();
    for (let i = 0; i < 1000; i++) await fresh.append(`contract-${i % 1000}`, [sampleEvent(i)]);
    return appendWindow(fresh);
  };
  const vsBare = await paired(rounds, bareAppend, appendAt1k);
  record({ section, name: 'append 1 event (store of 1k events)', unit: 'events/s', value: vsBare.subject, baselineName: 'Map push + randomUUID', baseline: vsBare.baseline, ratio: vsBare.ratio, spread: vsBare.spread });
  const vsHash = await paired(rounds, hashOnly, appendAt1k);
  record({ section, name: 'append 1 event (store of 1k events)', unit: 'events/s', value: vsHash.subject, baselineName: 'JSON.stringify + SHA-256', baseline: vsHash.baseline, ratio: vsHash.ratio, spread: vsHash.spread });

  // Command handling on short streams (≤ 5 events): load, decide, append, evolve. Like the appends
  // above, each round starts from a store of 1k events, so every round runs on the same heap (a store
  // kept across rounds would make each round pay for the events of all rounds before it).
  {
    let c = 0;
    const commandsAt1k = async () => {
      const commands = createInMemoryEventStore();
      for (let i = 0; i < 1000; i++) await commands.append(`contract-${i % 1000}`, [sampleEvent(i)]);
      const handler = createCommandHandler<BenchCommand, BenchEvent, BenchState>({ store: commands, decider: benchDecider });
      c++;
      return throughput(window, (i: number) =>
        handler.handle(`contract-${Math.floor(i / 5)}-${c}`, { type: 'Draft', n: i, commandId: `c-${c}-${i}`, actorId: 'rep-12', occurredAt: '2026-03-02T01:30:00.000Z' }),
      );
    };
    const vs = await paired(rounds, hashOnly, commandsAt1k);
    record({
      section,
      name: 'commands on short streams (1 event each)',
      unit: 'cmds/s',
      value: vs.subject,
      baselineName: 'JSON.stringify + SHA-256',
      baseline: vs.baseline,
      ratio: vs.ratio,
      spread: vs.spread,
      goal: { text: '≥ 50% of serialize + hash', met: vs.ratio >= 0.5 },
    });
  }

  // The same appends on a store of ~1M events, against the store of 1k.
  const store = createInMemoryEventStore();
  const fillStart = performance.now();
  while (store.size < options.largeHistory) {
    await store.append(`contract-${(store.size / 100) % 5000}`, Array.from({ length: 100 }, (_, j) => sampleEvent(j)));
  }
  const fillRate = store.size / ((performance.now() - fillStart) / 1000);
  const largeSize = store.size;
  const vsSmall = await paired(rounds, appendAt1k, () => appendWindow(store));
  record({
    section,
    name: `append 1 event (store of ${(largeSize / 1e6).toFixed(1)}M events)`,
    unit: 'events/s',
    value: vsSmall.subject,
    baselineName: 'same at 1k',
    baseline: vsSmall.baseline,
    ratio: vsSmall.ratio,
    spread: vsSmall.spread,
    goal: { text: 'cost at 1M ≤ 1.5× cost at 1k', met: 1 / vsSmall.ratio <= 1.5 },
  });
  const hashRate = await median(rounds, hashOnly);
  record({ section, name: 'append 100 events per call (filling that store)', unit: 'events/s', value: fillRate, baselineName: 'JSON.stringify + SHA-256', baseline: hashRate, ratio: fillRate / hashRate });
  await store.close();
  notes.push({
    section,
    text: [
      'Command handling (load the stream, decide, validate, copy, seal, append, evolve) runs at about 0.40 of the rate of only serializing and hashing the same events in full runs (windows of 20,000 commands; 0.5 and more in quick runs of 5,000, where fewer stored events reach the old generation): the ≥ 0.5 goal is not met, and cannot be on this design — the append alone, in the same run, is at ≈ 0.5 (row above).',
      'What an append must do beyond the baseline (check the new event, copy its data into a frozen, key-sorted value the caller cannot change, keep it) costs about one baseline unit by itself: sealing without keeping ≈ 0.7×, sealing and keeping ≈ 0.56×, the store\'s append ≈ 0.5× (same-process measurements). A command adds reading and folding its stream and deciding on top.',
      'CPU profile of the command loop (`node --cpu-prof`): garbage collection ≈ 24 % (every stored event survives young-generation collections: ≈ 590 bytes and ~8 objects per event), JSON.stringify + SHA-256 ≈ 26 %, the isolation copy ≈ 5 %, validity checks ≈ 4 %, handler and store bookkeeping ≈ 10 %.',
      'Levers pulled: one-shot `crypto.hash`; the system clock formats an instant once per millisecond; records made on read, not stored; streams kept as positions into the one log; metadata built in canonical key order; one-event appends sealed without batch arrays; the last valid timestamps remembered; freezing after serializing (V8 serializes frozen objects ~25 % slower); no per-event closures, path strings or option objects on the hot path.',
    ].join(' '),
  });
}

type BenchCommand = CommandEnvelope & { readonly type: 'Draft'; readonly n: number };
type BenchEvent = DomainEvent<'ContractDrafted', ReturnType<typeof sampleData>>;
interface BenchState {
  readonly drafts: number;
}
const benchDecider: Decider<BenchCommand, BenchEvent, BenchState> = {
  initialState: { drafts: 0 },
  decide(command, state) {
    if (state.drafts >= 5) throw new DomainError('R-BENCH', 'at most 5 drafts');
    return [{ type: 'ContractDrafted', data: sampleData(command.n) }];
  },
  evolve: (state) => ({ drafts: state.drafts + 1 }),
};
