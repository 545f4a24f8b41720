import { createPeriodKeyer, monthlyReportDeadline, parsePeriodKey, periodBounds, type CustomerState, type Policy, type PolicyTimeline, type SalesEventEnvelope } from '@dealbook/core';
import type { KeyedTable } from '@dealbook/engine';
import type { Finding } from './report.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const plus = (instant: string, ms: number) => new Date(Date.parse(instant) + ms).toISOString();
const daysBetween = (from: string, to: string) => Math.round(((Date.parse(to) - Date.parse(from)) / DAY_MS) * 10) / 10;
/** A lateness a person reads: minutes, hours or days. */
export function lateness(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  if (ms < HOUR_MS) return `${Math.max(1, Math.round(ms / 60_000))} min`;
  if (ms < 2 * DAY_MS) return `${Math.round((ms / HOUR_MS) * 10) / 10} h`;
  return `${Math.round((ms / DAY_MS) * 10) / 10} days`;
}

export interface Subject {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly line?: number;
}

const subjectOf = (event: SalesEventEnvelope, line: number | undefined): Subject => ({
  streamId: event.streamId,
  streamVersion: event.streamVersion,
  eventId: event.eventId,
  ...(line === undefined ? {} : { line }),
});

/**
 * The deadline rules (docs/design/domain-rules.md §0): an event opens an
 * obligation with a due instant, another discharges it; the breach is an
 * event that came too late, or none by the instant the audit judges at.
 * Each obligation uses the policy in force when the event that opened it
 * occurred, so a later policy never re-judges the past. One finding per
 * obligation (per gap, for follow-ups). Severity `warning`.
 */
export interface Obligations {
  /** Before the event is folded in: `before` / `after` are its aggregate's states around it. */
  observe(event: SalesEventEnvelope, line: number | undefined, before: unknown, after: unknown): void;
  /** What is still open and overdue at `judgedAt`. */
  finish(judgedAt: string): void;
}

/** A table of open obligations by key: a `Map` is one (so is a spilling map). */
export interface ObligationTable<V> extends KeyedTable<V> {
  delete(key: string): unknown;
  keys(): Iterable<string>;
}

/** A customer's next follow-up deadline (R-CUST-FOLLOWUP). */
export type FollowUp = { readonly cls: string; readonly anchorAt: string; readonly dueAt: string; readonly subject: Subject };

export interface ObligationsOptions {
  /** Where each customer's next follow-up deadline is kept (one per customer: it grows with the history). Default: a `Map`. */
  readonly followUps?: ObligationTable<FollowUp>;
}

export function createObligations(timeline: PolicyTimeline, report: (finding: Finding) => void, options: ObligationsOptions = {}): Obligations {
  const warn = (code: string, message: string, subject: Subject, details: Record<string, unknown>) =>
    report({ code, severity: 'warning', check: 'deadline', message, ...subject, details });

  // Keyed by JSON of [customer id, complaint id]: ids may hold any character but white space, `/` too.
  const complaints = new Map<string, { customerId: string; complaintId: string; dueAt: string; subject: Subject; receivedAt: string }>();
  const invoices = new Map<string, { deadline: string; dueAt: string; open: number; subject: Subject }>();
  const followUps: ObligationTable<FollowUp> = options.followUps ?? new Map<string, FollowUp>();
  const signedNotWon = new Map<string, { contractId: string; subject: Subject; signedAt: string }>();
  const reps = new Map<string, { hiredAt: string; departedAt: string | null; exempt: boolean; reports: Map<string, string>; subject: Subject }>();

  const followUpFrom = (customerId: string, state: CustomerState, subject: Subject) => {
    if (state.status !== 'registered' || state.class === undefined || state.anchorAt === undefined) {
      followUps.delete(customerId);
      return;
    }
    const days = timeline.at(state.anchorAt).followUpIntervalDays[state.class];
    followUps.set(customerId, { cls: state.class, anchorAt: state.anchorAt, dueAt: plus(state.anchorAt, days * DAY_MS), subject });
  };
  const followUpBreached = (customerId: string, at: string, subject: Subject) => {
    const open = followUps.get(customerId);
    if (open === undefined || at <= open.dueAt) return;
    warn(
      'R-CUST-FOLLOWUP',
      `Customer ${customerId} (class ${open.cls}) went without a visit from ${open.anchorAt} until ${at}: the next visit was due by ${open.dueAt} (${lateness(open.dueAt, at)} late).`,
      subject,
      { customerId, class: open.cls, anchor: open.anchorAt, dueAt: open.dueAt, overdueDays: daysBetween(open.dueAt, at) },
    );
  };

  return {
    observe(event, line, before, after) {
      const subject = subjectOf(event, line);
      const id = event.streamId.slice(event.streamId.indexOf('-') + 1);
      switch (event.type) {
        case 'ComplaintReceived': {
          const hours = timeline.at(event.occurredAt).complaintForwardSlaHours;
          complaints.set(JSON.stringify([id, event.data.complaintId]), { customerId: id, complaintId: event.data.complaintId, dueAt: plus(event.occurredAt, hours * HOUR_MS), subject, receivedAt: event.occurredAt });
          break;
        }
        case 'ComplaintForwarded': {
          const key = JSON.stringify([id, event.data.complaintId]);
          const open = complaints.get(key);
          complaints.delete(key);
          if (open !== undefined && event.occurredAt > open.dueAt) {
            warn(
              'R-COMPLAINT-SLA',
              `Complaint ${event.data.complaintId} of customer ${id} was forwarded at ${event.occurredAt}, ${lateness(open.dueAt, event.occurredAt)} after its deadline ${open.dueAt}.`,
              subject,
              { customerId: id, complaintId: event.data.complaintId, receivedAt: open.receivedAt, dueAt: open.dueAt, forwardedAt: event.occurredAt },
            );
          }
          break;
        }
        case 'CustomerVisited':
        case 'CustomerClassified':
          // A visit or a new class closes the gap so far and starts the next one from the new anchor.
          followUpBreached(id, event.occurredAt, subject);
          followUpFrom(id, after as CustomerState, subject);
          break;
        case 'CustomerLost':
          followUpBreached(id, event.occurredAt, subject);
          followUps.delete(id);
          break;
        case 'CustomerReactivated':
          followUpFrom(id, after as CustomerState, subject);
          break;

        case 'InvoiceIssued': {
          const days = timeline.at(event.occurredAt).overdueEscalationDays;
          invoices.set(`${id}/${event.data.invoiceId}`, { deadline: plus(event.data.dueAt, days * DAY_MS), dueAt: event.data.dueAt, open: event.data.amountMinor, subject });
          break;
        }
        case 'PaymentReceived':
        case 'BadDebtWrittenOff': {
          const key = `${id}/${event.data.invoiceId}`;
          const open = invoices.get(key);
          if (open === undefined) break;
          open.open -= event.data.amountMinor;
          if (open.open > 0) break;
          invoices.delete(key);
          if (event.occurredAt > open.deadline) {
            warn('R-AR-ESCALATE', `Invoice ${event.data.invoiceId} of contract ${id} was still open at ${open.deadline} (due ${open.dueAt}) and was never escalated; it was settled only at ${event.occurredAt}.`, subject, {
              contractId: id,
              invoiceId: event.data.invoiceId,
              dueAt: open.dueAt,
              escalateBy: open.deadline,
              settledAt: event.occurredAt,
            });
          }
          break;
        }
        case 'InvoiceEscalated': {
          const key = `${id}/${event.data.invoiceId}`;
          const open = invoices.get(key);
          if (open === undefined) break;
          invoices.delete(key);
          if (event.occurredAt > open.deadline) {
            warn('R-AR-ESCALATE', `Invoice ${event.data.invoiceId} of contract ${id} was escalated at ${event.occurredAt}, after the deadline ${open.deadline} (due ${open.dueAt} + overdueEscalationDays).`, subject, {
              contractId: id,
              invoiceId: event.data.invoiceId,
              dueAt: open.dueAt,
              escalateBy: open.deadline,
              escalatedAt: event.occurredAt,
            });
          }
          break;
        }

        case 'ContractSigned': {
          const opportunityId = (before as { opportunityId?: string }).opportunityId;
          if (opportunityId !== undefined) signedNotWon.set(opportunityId, { contractId: id, subject, signedAt: event.occurredAt });
          break;
        }
        case 'OpportunityWon':
          signedNotWon.delete(id);
          break;

        case 'RepHired':
          reps.set(id, { hiredAt: event.occurredAt, departedAt: null, exempt: event.data.role === 'director', reports: new Map(), subject });
          break;
        case 'RepRoleChanged': {
          const rep = reps.get(id);
          if (rep !== undefined) rep.exempt = event.data.role === 'director';
          break;
        }
        case 'RepDeparted': {
          const rep = reps.get(id);
          if (rep !== undefined) rep.departedAt = event.occurredAt;
          break;
        }
        case 'SalesReportSubmitted': {
          if (event.data.period.unit === 'month') reps.get(id)?.reports.set(event.data.period.start, event.occurredAt);
          break;
        }
        default:
          break;
      }
    },

    finish(judgedAt) {
      for (const open of complaints.values()) {
        if (open.dueAt >= judgedAt) continue;
        warn('R-COMPLAINT-SLA', `Complaint ${open.complaintId} received ${open.receivedAt} was due to be forwarded by ${open.dueAt} and has not been forwarded (judged at ${judgedAt}).`, open.subject, {
          complaintKey: `${open.customerId}/${open.complaintId}`,
          customerId: open.customerId,
          complaintId: open.complaintId,
          receivedAt: open.receivedAt,
          dueAt: open.dueAt,
          open: true,
        });
      }
      // By customer id: the same order wherever the table is kept.
      for (const customerId of [...followUps.keys()].sort()) {
        const open = followUps.get(customerId)!;
        if (open.dueAt >= judgedAt) continue;
        warn('R-CUST-FOLLOWUP', `Customer ${customerId} (class ${open.cls}) has had no visit since ${open.anchorAt}: one was due by ${open.dueAt} (${lateness(open.dueAt, judgedAt)} overdue at ${judgedAt}).`, open.subject, {
          customerId,
          class: open.cls,
          anchor: open.anchorAt,
          dueAt: open.dueAt,
          overdueDays: daysBetween(open.dueAt, judgedAt),
          open: true,
        });
      }
      for (const [key, open] of invoices) {
        if (open.deadline >= judgedAt) continue;
        warn('R-AR-ESCALATE', `Invoice ${key} is overdue since ${open.dueAt} with ${open.open} minor units open and was not escalated by ${open.deadline} (judged at ${judgedAt}).`, open.subject, {
          invoiceKey: key,
          dueAt: open.dueAt,
          escalateBy: open.deadline,
          openMinor: open.open,
          open: true,
        });
      }
      for (const [opportunityId, open] of signedNotWon) {
        warn('R-OPP-WON', `Contract ${open.contractId} drafted from opportunity ${opportunityId} was signed at ${open.signedAt}, but the opportunity was never marked won.`, open.subject, {
          opportunityId,
          contractId: open.contractId,
          signedAt: open.signedAt,
        });
      }
      reportObligations(reps, timeline, judgedAt, warn);
    },
  };
}

type Warn = (code: string, message: string, subject: Subject, details: Record<string, unknown>) => void;

/** R-REP-REPORT: every month a rep (not a director) was employed at the end of owes a report before its deadline. */
function reportObligations(
  reps: Map<string, { hiredAt: string; departedAt: string | null; exempt: boolean; reports: Map<string, string>; subject: Subject }>,
  timeline: PolicyTimeline,
  judgedAt: string,
  warn: Warn,
): void {
  const keyers = new Map<string, ReturnType<typeof createPeriodKeyer>>();
  for (const [repId, rep] of reps) {
    if (rep.exempt) continue;
    const zone = timeline.at(rep.hiredAt).timeZone;
    let keyer = keyers.get(zone);
    if (keyer === undefined) keyers.set(zone, (keyer = createPeriodKeyer(zone)));
    let month = parsePeriodKey(keyer(rep.hiredAt).month);
    for (;;) {
      const { endsAt } = periodBounds(month, zone);
      if (endsAt > judgedAt || (rep.departedAt !== null && rep.departedAt < endsAt)) break;
      const policy: Policy = timeline.at(new Date(Date.parse(endsAt) - 1).toISOString());
      const deadline = monthlyReportDeadline(month.start, policy);
      const submittedAt = rep.reports.get(month.start);
      if (submittedAt === undefined ? deadline < judgedAt : submittedAt >= deadline) {
        warn(
          'R-REP-REPORT',
          submittedAt === undefined
            ? `Rep ${repId} has not submitted the report for the month starting ${month.start}, due by ${deadline} (judged at ${judgedAt}).`
            : `Rep ${repId} submitted the report for the month starting ${month.start} at ${submittedAt}, after its deadline ${deadline}.`,
          rep.subject,
          { repId, month: month.start, dueAt: deadline, ...(submittedAt === undefined ? { open: true } : { submittedAt }) },
        );
      }
      month = parsePeriodKey(keyer(endsAt).month);
    }
  }
}
