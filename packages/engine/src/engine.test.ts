import { DomainError, manualClock, sequentialIds, ValidationError } from '@dealbook/eventsourcing';
import type { ContractState, CustomerState, OpportunityState, RepState } from '@dealbook/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createSalesEngine } from './engine.js';
import { UnknownCommandError } from './errors.js';

const setup = () => {
  const clock = manualClock('2026-03-02T01:00:00.000Z', 1000);
  return createSalesEngine({ clock: clock.now, ids: sequentialIds() });
};
let n = 0;
const meta = (occurredAt = '2026-03-02T00:00:00.000Z') => ({ commandId: `cmd-${++n}`, actorId: 'hr-1', occurredAt });

describe('sales engine', () => {
  it('routes a command to its aggregate stream and returns events and state', async () => {
    const engine = setup();
    const result = await engine.execute({ type: 'HireRep', ...meta(), repId: 'r-1', name: 'Wang Fang', role: 'representative', regions: ['east'] });
    expect(result).toMatchObject({ streamId: 'rep-r-1', version: 0, duplicate: false, state: { status: 'active', role: 'representative' } });
    expect(result.events[0]?.event).toMatchObject({ type: 'RepHired', streamId: 'rep-r-1', metadata: { actorId: 'hr-1' } });
    expect(await engine.load('rep', 'r-1')).toMatchObject({ version: 0, state: { status: 'active' } });
  });

  it('load is typed by category and gives the initial state at version -1 for an aggregate never recorded', async () => {
    const engine = createSalesEngine({ clock: manualClock('2026-03-02T00:00:00.000Z').now, ids: sequentialIds() });
    const contract = await engine.load('contract', 'k-404');
    expectTypeOf(contract.state).toEqualTypeOf<ContractState>();
    expectTypeOf((await engine.load('rep', 'r')).state).toEqualTypeOf<RepState>();
    expectTypeOf((await engine.load('customer', 'c')).state).toEqualTypeOf<CustomerState>();
    expectTypeOf((await engine.load('opportunity', 'o')).state).toEqualTypeOf<OpportunityState>();
    expect(contract).toEqual({ state: expect.objectContaining({ status: 'none' }), version: -1 });
  });

  it('a command that fails its schema is a ValidationError naming each field; nothing is appended', async () => {
    const engine = setup();
    const error = await engine.execute({ type: 'HireRep', commandId: 'c', occurredAt: 'yesterday', repId: 'r 1', role: 'boss' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(['actorId', 'name', 'occurredAt', 'repId', 'role']);
    expect((await engine.store.readAll()).events).toEqual([]);
  });

  it('an unknown command type gets a clear error', async () => {
    const engine = setup();
    await expect(engine.execute({ type: 'FireEveryone' })).rejects.toBeInstanceOf(UnknownCommandError);
    await expect(engine.execute({ type: 'FireEveryone' })).rejects.toThrow(/Known commands: .*HireRep/);
    await expect(engine.execute(null)).rejects.toBeInstanceOf(ValidationError);
  });

  it('a host cannot smuggle refs in: context is not part of any command schema', async () => {
    const engine = setup();
    const error = await engine.execute({ type: 'HireRep', ...meta(), repId: 'r-1', name: 'W', role: 'manager', context: { refs: {} } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
  });

  it('the same commandId twice is recorded once', async () => {
    const engine = setup();
    const hire = { type: 'HireRep', ...meta(), repId: 'r-1', name: 'W', role: 'manager', regions: [] };
    const first = await engine.execute(hire);
    const again = await engine.execute(hire);
    expect(again.duplicate).toBe(true);
    expect(again.events).toEqual(first.events);
    expect((await engine.store.readAll()).events).toHaveLength(1);
  });

  it('R-REP-HANDOVER: the engine reads the rep workload from the log', async () => {
    const engine = setup();
    await engine.execute({ type: 'HireRep', ...meta(), repId: 'r-1', name: 'W', role: 'representative', regions: [] });
    await engine.execute({ type: 'RequestDeparture', ...meta(), repId: 'r-1', effectiveAt: '2026-03-02T00:00:00.000Z' });
    // A customer still assigned to r-1 (written straight to the store here).
    const assigned = (repId: string, i: number) => ({
      eventId: `00000000-0000-4000-8000-00000000ff0${i}`,
      type: 'CustomerAssigned',
      occurredAt: '2026-03-01T00:00:00.000Z',
      data: { repId, reason: 'initial' },
      metadata: { commandId: `a-${i}`, correlationId: 'a', causationId: 'a', actorId: 'x' },
    });
    await engine.store.append('customer-c-1', [assigned('r-1', 1)]);
    const error = await engine.execute({ type: 'MarkRepDeparted', ...meta('2026-03-05T00:00:00.000Z'), repId: 'r-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'R-REP-HANDOVER', details: { customers: ['c-1'] } });
    await engine.store.append('customer-c-1', [assigned('r-2', 2)]);
    await expect(engine.execute({ type: 'MarkRepDeparted', ...meta('2026-03-05T00:00:00.000Z'), repId: 'r-1' })).resolves.toMatchObject({ state: { status: 'departed' } });
  });
});
