import { DomainError, manualClock, sequentialIds } from '@dealbook/eventsourcing';
import { describe, expect, it } from 'vitest';
import { createSalesEngine } from './engine.js';

let n = 0;
const meta = (occurredAt: string) => ({ commandId: `cmd-${++n}`, actorId: 'ops-1', occurredAt });
const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof DomainError ? e.code : e));

const setup = async () => {
  const engine = createSalesEngine({ clock: manualClock('2026-03-20T00:00:00.000Z').now, ids: sequentialIds() });
  for (const repId of ['r-1', 'r-2']) await engine.execute({ type: 'HireRep', ...meta('2026-03-01T00:00:00.000Z'), repId, name: repId, role: 'representative', regions: ['east'] });
  await engine.execute({ type: 'RegisterCustomer', ...meta('2026-03-02T00:00:00.000Z'), customerId: 'c-1', customerNumber: 'K-1', name: 'Northwind', region: 'east' });
  await engine.execute({ type: 'CaptureLead', ...meta('2026-03-03T00:00:00.000Z'), opportunityId: 'o-1', source: 'exhibition', customerId: 'c-1', capturedBy: 'r-1' });
  await engine.execute({ type: 'QualifyLead', ...meta('2026-03-04T00:00:00.000Z'), opportunityId: 'o-1', score: 80, priority: 'high' });
  return engine;
};
const open = (customerId: string, repId = 'r-1') => ({
  type: 'OpenOpportunity',
  ...meta('2026-03-05T00:00:00.000Z'),
  opportunityId: 'o-1',
  customerId,
  repId,
  productLines: ['power-cable'],
  estimatedValueMinor: 125_000_00,
  probability: 0.35,
  expectedCloseDate: '2026-06-30',
});

describe('sales engine: opportunities across aggregates', () => {
  it('opening reads the customer (R-LEAD-QUALIFY, R-CUST-LOST) and the rep (R-REP-ACTIVE)', async () => {
    const engine = await setup();
    expect(await rejection(engine.execute(open('c-9')))).toBe('R-LEAD-QUALIFY');
    await engine.execute({ type: 'MarkCustomerLost', ...meta('2026-03-04T12:00:00.000Z'), customerId: 'c-1', reason: 'moved to a competitor', attributableToRep: false });
    expect(await rejection(engine.execute(open('c-1')))).toBe('R-CUST-LOST');
    await engine.execute({ type: 'ReactivateCustomer', ...meta('2026-03-04T13:00:00.000Z'), customerId: 'c-1' });
    expect(await rejection(engine.execute(open('c-1', 'r-7')))).toBe('R-REP-ACTIVE');
  });

  it('an open opportunity keeps its owner from departing until it is reassigned', async () => {
    const engine = await setup();
    await engine.execute(open('c-1'));
    await engine.execute({ type: 'RequestDeparture', ...meta('2026-03-06T00:00:00.000Z'), repId: 'r-1', effectiveAt: '2026-03-07T00:00:00.000Z' });
    const error = await engine.execute({ type: 'MarkRepDeparted', ...meta('2026-03-08T00:00:00.000Z'), repId: 'r-1' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'R-REP-HANDOVER', details: { openOpportunities: ['o-1'] } });
    await engine.execute({ type: 'AssignLead', ...meta('2026-03-08T00:00:00.000Z'), opportunityId: 'o-1', repId: 'r-2' });
    await expect(engine.execute({ type: 'MarkRepDeparted', ...meta('2026-03-08T00:00:00.000Z'), repId: 'r-1' })).resolves.toMatchObject({ state: { status: 'departed' } });
  });
});
