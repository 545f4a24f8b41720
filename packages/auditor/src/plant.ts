import { sealEvents, type EventEnvelope } from '@dealbook/eventsourcing';

/** A violation planted in a generated history, and the finding the audit must report for it. */
export interface PlantedViolation {
  readonly code: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly how: string;
}

const SECOND = 1000;
const HOUR = 3600 * SECOND;

/**
 * Plants `count` rule violations in a history (envelopes in commit order),
 * each one that the audit must report as exactly one error finding, and
 * returns the new history and the list. Kinds, in turn:
 * - `R-VISIT-TIMELY`: a visit recorded three days after it happened (appended, chained);
 * - `R-COMPLAINT-FLOW`: a complaint resolved that was never received (appended, chained);
 * - `R-AR-PAYMENT`: a payment on an invoice already paid in full (appended, chained);
 * - `A-HASH` (only when `tamper` is true, i.e. for JSONL): a visit's feedback
 *   changed after it was recorded, its hash left as it was.
 * Appended events come after the last event, one second apart. Deterministic.
 */
export function plantViolations(history: readonly EventEnvelope[], count: number, options: { readonly tamper: boolean; readonly visitDelayHours: number }): { events: EventEnvelope[]; planted: PlantedViolation[] } {
  const events = [...history];
  const planted: PlantedViolation[] = [];
  if (count <= 0 || events.length === 0) return { events, planted };
  const heads = new Map<string, EventEnvelope>();
  for (const e of events) heads.set(e.streamId, e);
  let clock = Date.parse(events.reduce((m, e) => (e.recordedAt > m ? e.recordedAt : m), events[0]!.recordedAt));
  let serial = 0;
  const append = (streamId: string, type: string, data: unknown, occurredAt?: string): EventEnvelope => {
    clock += SECOND;
    serial++;
    const head = heads.get(streamId)!;
    const recordedAt = new Date(clock).toISOString();
    const [sealed] = sealEvents(streamId, head.streamVersion + 1, head.hash, [
      {
        eventId: `00000000-0000-4000-9000-${serial.toString(16).padStart(12, '0')}`,
        type,
        occurredAt: occurredAt ?? recordedAt,
        recordedAt,
        data,
        metadata: { commandId: `planted-${serial}`, correlationId: `planted-${serial}`, causationId: `planted-${serial}`, actorId: 'planted' },
      },
    ], recordedAt);
    events.push(sealed!);
    heads.set(streamId, sealed!);
    return sealed!;
  };

  // Candidates, from the history as generated.
  const customers = new Map<string, { owner?: string; lost: boolean }>();
  const departed = new Set<string>();
  const paidInvoices: { streamId: string; invoiceId: string }[] = [];
  const invoiceOpen = new Map<string, number>();
  const visits: number[] = [];
  const closedContracts = new Set<string>();
  events.forEach((e, i) => {
    const data = e.data as Record<string, unknown>;
    if (e.type === 'CustomerAssigned') customers.set(e.streamId, { owner: String(data.repId), lost: customers.get(e.streamId)?.lost ?? false });
    if (e.type === 'CustomerLost') customers.set(e.streamId, { ...customers.get(e.streamId), lost: true });
    if (e.type === 'CustomerReactivated') customers.set(e.streamId, { ...customers.get(e.streamId), lost: false });
    if (e.type === 'RepDeparted' || e.type === 'RepDepartureRequested') departed.add(e.streamId.slice(4));
    if (e.type === 'InvoiceIssued') invoiceOpen.set(`${e.streamId}/${String(data.invoiceId)}`, Number(data.amountMinor));
    if (e.type === 'PaymentReceived' || e.type === 'BadDebtWrittenOff') {
      const key = `${e.streamId}/${String(data.invoiceId)}`;
      const open = (invoiceOpen.get(key) ?? 0) - Number(data.amountMinor);
      invoiceOpen.set(key, open);
      if (open === 0 && e.type === 'PaymentReceived') paidInvoices.push({ streamId: e.streamId, invoiceId: String(data.invoiceId) });
    }
    if (e.type === 'CustomerVisited') visits.push(i);
    if (e.type === 'ContractFulfilled' || e.type === 'ContractTerminated') closedContracts.add(e.streamId);
  });
  const openPaid = paidInvoices.filter((inv) => !closedContracts.has(inv.streamId));
  const activeCustomers = [...customers].filter(([, c]) => !c.lost && c.owner !== undefined && !departed.has(c.owner)).map(([id, c]) => ({ streamId: id, owner: c.owner! }));
  const kinds = options.tamper ? ['R-VISIT-TIMELY', 'R-COMPLAINT-FLOW', 'R-AR-PAYMENT', 'A-HASH'] : ['R-VISIT-TIMELY', 'R-COMPLAINT-FLOW', 'R-AR-PAYMENT'];
  const used = { customers: 0, invoices: 0, visits: 0 };
  for (let i = 0; i < count * 4 && planted.length < count; i++) {
    const kind = kinds[i % kinds.length]!;
    if (kind === 'R-VISIT-TIMELY' && used.customers < activeCustomers.length) {
      const c = activeCustomers[used.customers++]!;
      const occurredAt = new Date(clock + SECOND - (options.visitDelayHours + 24) * HOUR).toISOString();
      const e = append(c.streamId, 'CustomerVisited', { visitId: `planted-visit-${planted.length + 1}`, repId: c.owner, channel: 'phone', followUps: [] }, occurredAt);
      planted.push({ code: kind, streamId: e.streamId, streamVersion: e.streamVersion, eventId: e.eventId, how: `a visit recorded ${options.visitDelayHours + 24} hours after it happened` });
    } else if (kind === 'R-COMPLAINT-FLOW' && used.customers < activeCustomers.length) {
      const c = activeCustomers[used.customers++]!;
      const e = append(c.streamId, 'ComplaintResolved', { complaintId: `planted-complaint-${planted.length + 1}`, resolution: 'Resolved a complaint that was never received.' });
      planted.push({ code: kind, streamId: e.streamId, streamVersion: e.streamVersion, eventId: e.eventId, how: 'a complaint resolved that was never received' });
    } else if (kind === 'R-AR-PAYMENT' && used.invoices < openPaid.length) {
      const inv = openPaid[used.invoices++]!;
      const e = append(inv.streamId, 'PaymentReceived', { invoiceId: inv.invoiceId, amountMinor: 100 });
      planted.push({ code: kind, streamId: e.streamId, streamVersion: e.streamVersion, eventId: e.eventId, how: 'a payment on an invoice already paid in full' });
    } else if (kind === 'A-HASH' && used.visits < visits.length) {
      const index = visits[Math.floor((used.visits++ * 7919) % visits.length)]!;
      const original = events[index]!;
      const tampered = { ...original, data: { ...(original.data as object), feedback: 'Changed after it was recorded.' } };
      if (JSON.stringify(tampered.data) === JSON.stringify(original.data)) continue;
      events[index] = tampered;
      planted.push({ code: kind, streamId: original.streamId, streamVersion: original.streamVersion, eventId: original.eventId, how: "a visit's feedback changed after it was recorded" });
    }
  }
  return { events, planted };
}
