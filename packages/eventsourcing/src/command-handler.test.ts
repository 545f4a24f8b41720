import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualClock } from './clock.js';
import { createCommandHandler } from './command-handler.js';
import { foldEvents } from './decider.js';
import { DomainError, ValidationError, VersionConflictError } from './errors.js';
import type { EventStore } from './event-store.js';
import { sequentialIds } from './ids.js';
import { createInMemoryEventStore } from './in-memory-event-store.js';
import { createInMemorySnapshotStore, everyNEvents } from './snapshots.js';
import { accountDecider, meta, type AccountCommand, type AccountEvent, type AccountState } from './test-fixtures.js';
import { verifyChain } from './hash-chain.js';

const setup = (store: EventStore = createInMemoryEventStore({ clock: manualClock('2026-01-01T00:00:00.000Z', 1).now })) => ({
  store,
  handler: createCommandHandler<AccountCommand, AccountEvent, AccountState>({ store, decider: accountDecider, ids: sequentialIds() }),
});

describe('command handler', () => {
  it('load → decide → append, returning state, events and version', async () => {
    const { store, handler } = setup();
    const opened = await handler.handle('account-1', { type: 'Open', owner: 'ann', ...meta() });
    expect(opened).toMatchObject({ version: 0, duplicate: false, attempts: 1, state: { status: 'open', balanceMinor: 0 } });
    const deposit = await handler.handle('account-1', { type: 'Deposit', amountMinor: 500, ...meta('2025-12-01T08:00:00.000Z') });
    expect(deposit.version).toBe(1);
    expect(deposit.state.balanceMinor).toBe(500);
    const [recorded] = deposit.events;
    expect(recorded?.event).toMatchObject({ type: 'Deposited', occurredAt: '2025-12-01T08:00:00.000Z', streamVersion: 1, data: { amountMinor: 500 } });
    expect(recorded?.event.metadata).toEqual({ commandId: expect.any(String), correlationId: expect.any(String), causationId: expect.any(String), actorId: 'tester' });
    expect(await handler.load('account-1')).toEqual({ state: deposit.state, version: 1 });
    expect(verifyChain((await store.readStream('account-1')).map((r) => r.event)).ok).toBe(true);
  });

  it('a rule violation throws the DomainError and appends nothing', async () => {
    const { store, handler } = setup();
    await handler.handle('account-1', { type: 'Open', owner: 'ann', ...meta() });
    await expect(handler.handle('account-1', { type: 'Withdraw', amountMinor: 1, ...meta() })).rejects.toMatchObject({ code: 'R-ACC-OVERDRAFT' });
    expect((await store.readStream('account-1')).length).toBe(1);
  });

  it('a command without its envelope fields is a ValidationError naming each', async () => {
    const { store, handler } = setup();
    const bad = { type: 'Open', owner: 'ann', commandId: '', occurredAt: 'yesterday' } as unknown as AccountCommand;
    const error = await handler.handle('account-1', bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(['actorId', 'commandId', 'occurredAt']);
    await expect(store.readAll()).resolves.toMatchObject({ events: [] });
  });

  it('an explicit expected version (If-Match) that is stale fails at once, without retry', async () => {
    const { handler } = setup();
    await handler.handle('account-1', { type: 'Open', owner: 'ann', ...meta() });
    await expect(handler.handle('account-1', { type: 'Deposit', amountMinor: 1, ...meta() }, { expectedVersion: 5 })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(handler.handle('account-1', { type: 'Deposit', amountMinor: 1, ...meta() }, { expectedVersion: 0 })).resolves.toMatchObject({ version: 1 });
  });

  it('on a conflict it reloads and decides again, up to maxAttempts', async () => {
    const inner = createInMemoryEventStore();
    let sneakIns = 0;
    // A store where another writer appends right before each of our first two appends.
    const racing: EventStore = {
      ...inner,
      async append(streamId, events, options) {
        if (sneakIns < 2 && streamId === 'account-1' && options?.expectedVersion !== undefined) {
          sneakIns++;
          await inner.append(streamId, [{ eventId: `00000000-0000-4000-8000-00000000000${sneakIns}`, type: 'Deposited', occurredAt: '2026-01-01T00:00:00.000Z', data: { amountMinor: 10 }, metadata: { commandId: `other-${sneakIns}`, correlationId: 'x', causationId: 'x', actorId: 'other' } }]);
        }
        return inner.append(streamId, events, options);
      },
    };
    await inner.append('account-1', [{ eventId: '00000000-0000-4000-8000-0000000000aa', type: 'Opened', occurredAt: '2026-01-01T00:00:00.000Z', data: { owner: 'x' }, metadata: { commandId: 'open', correlationId: 'x', causationId: 'x', actorId: 'x' } }]);
    const handler = createCommandHandler<AccountCommand, AccountEvent, AccountState>({ store: racing, decider: accountDecider, retry: { maxAttempts: 3 } });
    const result = await handler.handle('account-1', { type: 'Deposit', amountMinor: 5, ...meta() });
    expect(result.attempts).toBe(3);
    expect(result.version).toBe(3);
    expect(result.state.balanceMinor).toBe(25); // decided on the reloaded state, after both sneaked-in deposits
    sneakIns = 0;
    const strict = createCommandHandler<AccountCommand, AccountEvent, AccountState>({ store: racing, decider: accountDecider, retry: { maxAttempts: 2 } });
    await expect(strict.handle('account-1', { type: 'Deposit', amountMinor: 1, ...meta() })).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('concurrent commands on one stream all land through retries', async () => {
    const store = createInMemoryEventStore();
    const handler = createCommandHandler<AccountCommand, AccountEvent, AccountState>({ store, decider: accountDecider, retry: { maxAttempts: 8 } });
    await handler.handle('account-1', { type: 'Open', owner: 'ann', ...meta() });
    const results = await Promise.all(Array.from({ length: 8 }, () => handler.handle('account-1', { type: 'Deposit', amountMinor: 5, ...meta() })));
    expect(results.every((r) => !r.duplicate)).toBe(true);
    const final = await handler.load('account-1');
    expect(final).toMatchObject({ version: 8, state: { balanceMinor: 40 } });
    expect(verifyChain((await store.readStream('account-1')).map((r) => r.event)).ok).toBe(true);
  });
});

/** Random command scripts: a command and whether to re-send an earlier one instead. */
const scriptArb = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('new' as const), type: fc.constantFrom('Open', 'Deposit', 'Withdraw', 'Close'), amount: fc.integer({ min: 1, max: 100 }) }),
    fc.record({ kind: fc.constant('resend' as const), pick: fc.nat() }),
  ),
  { maxLength: 40 },
);

function commandOf(step: { type: string; amount: number }, i: number): AccountCommand {
  const base = { commandId: `c-${i}`, actorId: 'u', occurredAt: '2026-01-01T00:00:00.000Z' };
  switch (step.type) {
    case 'Open':
      return { ...base, type: 'Open', owner: 'o' };
    case 'Deposit':
      return { ...base, type: 'Deposit', amountMinor: step.amount };
    case 'Withdraw':
      return { ...base, type: 'Withdraw', amountMinor: step.amount };
    default:
      return { ...base, type: 'Close' };
  }
}

describe('state cache', () => {
  it('a cached handler sees what other writers appended, and stays equal to a full replay', async () => {
    await fc.assert(
      fc.asyncProperty(scriptArb, fc.array(fc.boolean(), { minLength: 1 }), async (script, whoWrites) => {
        const store = createInMemoryEventStore();
        const cached = createCommandHandler<AccountCommand, AccountEvent, AccountState>({ store, decider: accountDecider, cache: { maxStreams: 2 } });
        const other = createCommandHandler<AccountCommand, AccountEvent, AccountState>({ store, decider: accountDecider });
        for (const [i, step] of script.entries()) {
          if (step.kind === 'resend') continue;
          const writer = whoWrites[i % whoWrites.length] ? cached : other;
          const stream = `account-${i % 3}`; // three streams through a cache of two: evictions happen
          await writer.handle(stream, commandOf(step, i)).catch((e: unknown) => {
            if (!(e instanceof DomainError)) throw e;
          });
          expect(await cached.load(stream)).toEqual(await other.load(stream));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('recognises a re-sent command from the cache, after the stream moved on', async () => {
    const store = createInMemoryEventStore();
    const handler = createCommandHandler<AccountCommand, AccountEvent, AccountState>({ store, decider: accountDecider, cache: true });
    const open = { type: 'Open' as const, owner: 'a', ...meta() };
    const first = await handler.handle('account-1', open);
    for (let i = 0; i < 5; i++) await handler.handle('account-1', { type: 'Deposit', amountMinor: 1, ...meta() });
    const again = await handler.handle('account-1', open);
    expect(again).toMatchObject({ duplicate: true, version: 0 });
    expect(again.events).toEqual(first.events);
    expect((await store.readStream('account-1')).length).toBe(6);
  });
});

describe('command handler (properties)', () => {
  it('idempotency: a re-sent commandId returns the first outcome and appends nothing', async () => {
    await fc.assert(
      fc.asyncProperty(scriptArb, fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }), fc.boolean(), async (script, snapshotEvery, cache) => {
        const store = createInMemoryEventStore();
        const handler = createCommandHandler<AccountCommand, AccountEvent, AccountState>({
          store,
          decider: accountDecider,
          cache,
          ...(snapshotEvery ? { snapshots: { store: createInMemorySnapshotStore<AccountState>(), policy: everyNEvents(snapshotEvery) } } : {}),
        });
        const sent: { command: AccountCommand; outcome: Awaited<ReturnType<typeof handler.handle>> | 'rejected' }[] = [];
        for (const [i, step] of script.entries()) {
          if (step.kind === 'resend') {
            const earlier = sent.filter((s) => s.outcome !== 'rejected' && s.outcome.events.length > 0);
            if (earlier.length === 0) continue;
            const first = earlier[step.pick % earlier.length]!;
            const before = (await store.readAll()).events.length;
            const again = await handler.handle('account-1', first.command);
            expect((await store.readAll()).events.length).toBe(before);
            expect(again.duplicate).toBe(true);
            if (first.outcome !== 'rejected') {
              expect(again.events).toEqual(first.outcome.events);
              expect(again.version).toBe(first.outcome.version);
            }
            continue;
          }
          const command = commandOf(step, i);
          try {
            sent.push({ command, outcome: await handler.handle('account-1', command) });
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            sent.push({ command, outcome: 'rejected' });
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('snapshot + tail = full replay, for any snapshot frequency', async () => {
    await fc.assert(
      fc.asyncProperty(scriptArb, fc.integer({ min: 1, max: 6 }), fc.boolean(), async (script, every, cache) => {
        const store = createInMemoryEventStore();
        const snapshots = createInMemorySnapshotStore<AccountState>();
        const withSnapshots = createCommandHandler<AccountCommand, AccountEvent, AccountState>({ store, decider: accountDecider, cache, snapshots: { store: snapshots, policy: everyNEvents(every) } });
        const plain = createCommandHandler<AccountCommand, AccountEvent, AccountState>({ store, decider: accountDecider });
        for (const [i, step] of script.entries()) {
          if (step.kind === 'resend') continue;
          await withSnapshots.handle('account-1', commandOf(step, i)).catch((e: unknown) => {
            if (!(e instanceof DomainError)) throw e;
          });
          const a = await withSnapshots.load('account-1');
          const b = await plain.load('account-1');
          expect(a).toEqual(b);
        }
        const all = (await store.readStream('account-1')).map((r) => r.event as unknown as AccountEvent);
        expect((await withSnapshots.load('account-1')).state).toEqual(foldEvents(accountDecider, all));
        if (all.length >= every) expect(snapshots.size).toBe(1);
      }),
      { numRuns: 150 },
    );
  });

  it('ignores a snapshot of another state version, and one ahead of the stream', async () => {
    const store = createInMemoryEventStore();
    const snapshots = createInMemorySnapshotStore<AccountState>();
    await snapshots.save({ streamId: 'account-1', version: 0, stateVersion: 1, state: { status: 'closed', balanceMinor: 999, events: 1 } });
    const handler = createCommandHandler<AccountCommand, AccountEvent, AccountState>({ store, decider: accountDecider, snapshots: { store: snapshots, policy: everyNEvents(1), stateVersion: 2 } });
    await handler.handle('account-1', { type: 'Open', owner: 'a', ...meta() });
    expect((await handler.load('account-1')).state).toEqual({ status: 'open', balanceMinor: 0, events: 1 });
    const other = createInMemorySnapshotStore<AccountState>();
    await other.save({ streamId: 'account-1', version: 7, stateVersion: 1, state: { status: 'closed', balanceMinor: 999, events: 8 } });
    const ahead = createCommandHandler<AccountCommand, AccountEvent, AccountState>({ store, decider: accountDecider, snapshots: { store: other, policy: everyNEvents(100) } });
    expect(await ahead.load('account-1')).toEqual({ state: { status: 'open', balanceMinor: 0, events: 1 }, version: 0 });
  });
});
