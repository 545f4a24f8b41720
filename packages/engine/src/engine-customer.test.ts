import { DomainError, manualClock, sequentialIds } from '@dealbook/eventsourcing';
import { describe, expect, it } from 'vitest';
import { createSalesEngine } from './engine.js';

let n = 0;
const meta = (occurredAt: string) => ({ commandId: `cmd-${++n}`, actorId: 'ops-1', occurredAt });
const setup = async () => {
  const clock = manualClock('2026-03-10T00:00:00.000Z');
  const engine = createSalesEngine({ clock: clock.now, ids: sequentialIds() });
  await engine.execute({ type: 'HireRep', ...meta('2026-03-01T00:00:00.000Z'), repId: 'r-1', name: 'Wang Fang', role: 'representative', regions: ['east'] });
  await engine.execute({ type: 'HireRep', ...meta('2026-03-01T00:00:00.000Z'), repId: 'r-2', name: 'Li Lei', role: 'representative', regions: ['east'] });
  await engine.execute({ type: 'RegisterCustomer', ...meta('2026-03-02T00:00:00.000Z'), customerId: 'c-1', customerNumber: 'K-0001', name: '华东电缆有限公司', region: 'east' });
  return { engine, clock };
};
const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof DomainError ? e.code : e));

describe('sales engine: customers across aggregates', () => {
  it('R-CUST-NUMBER: a customer number is unique across customers', async () => {
    const { engine } = await setup();
    expect(await rejection(engine.execute({ type: 'RegisterCustomer', ...meta('2026-03-03T00:00:00.000Z'), customerId: 'c-2', customerNumber: 'K-0001', name: 'Other', region: 'east' }))).toBe('R-CUST-NUMBER');
    await expect(engine.execute({ type: 'RegisterCustomer', ...meta('2026-03-03T00:00:00.000Z'), customerId: 'c-2', customerNumber: 'K-0002', name: 'Other', region: 'east' })).resolves.toMatchObject({ version: 0 });
  });

  it('R-REP-ACTIVE: only an active rep gets a customer; R-REP-HANDOVER: a rep with customers cannot depart', async () => {
    const { engine } = await setup();
    expect(await rejection(engine.execute({ type: 'AssignCustomer', ...meta('2026-03-03T00:00:00.000Z'), customerId: 'c-1', repId: 'r-9', reason: 'initial' }))).toBe('R-REP-ACTIVE');
    await engine.execute({ type: 'AssignCustomer', ...meta('2026-03-03T00:00:00.000Z'), customerId: 'c-1', repId: 'r-1', reason: 'initial' });
    await engine.execute({ type: 'RequestDeparture', ...meta('2026-03-04T00:00:00.000Z'), repId: 'r-1', effectiveAt: '2026-03-05T00:00:00.000Z' });
    expect(await rejection(engine.execute({ type: 'MarkRepDeparted', ...meta('2026-03-06T00:00:00.000Z'), repId: 'r-1' }))).toBe('R-REP-HANDOVER');
    await engine.execute({ type: 'AssignCustomer', ...meta('2026-03-06T00:00:00.000Z'), customerId: 'c-1', repId: 'r-2', reason: 'handover' });
    await expect(engine.execute({ type: 'MarkRepDeparted', ...meta('2026-03-06T00:00:00.000Z'), repId: 'r-1' })).resolves.toMatchObject({ state: { status: 'departed' } });
    expect(await rejection(engine.execute({ type: 'RecordVisit', ...meta('2026-03-09T00:00:00.000Z'), customerId: 'c-1', visitId: 'v-1', repId: 'r-1', channel: 'phone', visitedAt: '2026-03-09T00:00:00.000Z' }))).toBe('R-REP-ACTIVE');
  });

  it('R-VISIT-TIMELY is judged against the engine clock, not the time the host claims', async () => {
    const { engine, clock } = await setup();
    await engine.execute({ type: 'AssignCustomer', ...meta('2026-03-03T00:00:00.000Z'), customerId: 'c-1', repId: 'r-1', reason: 'initial' });
    // The engine clock says 2026-03-10; the visit was on the 7th: 72 h > 48 h.
    expect(await rejection(engine.execute({ type: 'RecordVisit', ...meta('2026-03-10T00:00:00.000Z'), customerId: 'c-1', visitId: 'v-1', repId: 'r-1', channel: 'onsite', visitedAt: '2026-03-07T00:00:00.000Z' }))).toBe('R-VISIT-TIMELY');
    clock.set('2026-03-08T00:00:00.000Z');
    const visit = await engine.execute({ type: 'RecordVisit', ...meta('2026-03-08T00:00:00.000Z'), customerId: 'c-1', visitId: 'v-1', repId: 'r-1', channel: 'onsite', visitedAt: '2026-03-07T00:00:00.000Z' });
    expect(visit.events[0]?.event).toMatchObject({ type: 'CustomerVisited', occurredAt: '2026-03-07T00:00:00.000Z' });
  });
});
