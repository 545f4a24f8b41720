import type { CheckKind, Severity } from './report.js';

/**
 * The audit's own codes (rule codes `R-…` come from the domain). Each with
 * the check that raises it, its severity and what it means: docs/auditor.md
 * is generated from the same words.
 */
export const auditCodes = {
  'A-NOT-JSON': { check: 'parse', severity: 'error', meaning: 'A line is not valid JSON.' },
  'A-BINARY': { check: 'parse', severity: 'error', meaning: 'A line holds bytes that are not UTF-8 text (binary garbage).' },
  'A-TRUNCATED': { check: 'parse', severity: 'error', meaning: 'The last line was cut off: no newline and not valid JSON.' },
  'A-LINE-TOO-LONG': { check: 'parse', severity: 'error', meaning: 'A line is longer than the limit (1 MiB by default); it was skipped unread.' },
  'A-NOT-OBJECT': { check: 'parse', severity: 'error', meaning: 'A line is JSON but not an object.' },
  'A-ENVELOPE': { check: 'schema', severity: 'error', meaning: 'The event envelope is malformed (a field missing, extra or of the wrong form).' },
  'A-UNKNOWN-TYPE': { check: 'schema', severity: 'error', meaning: 'The event type is not in the catalogue.' },
  'A-SCHEMA-VERSION': { check: 'schema', severity: 'error', meaning: 'The schema version of the event is one this version of dealbook cannot read (no upcaster reaches it).' },
  'A-PAYLOAD': { check: 'schema', severity: 'error', meaning: "The event's data does not pass its schema." },
  'A-WRONG-STREAM': { check: 'schema', severity: 'error', meaning: 'The event type does not belong to the stream category it is in (or the stream is not a dealbook stream).' },
  'A-VERSION': { check: 'integrity', severity: 'error', meaning: 'Stream versions are not contiguous from 0 (a gap, a repeat or a reordering).' },
  'A-DUPLICATE-ID': { check: 'integrity', severity: 'error', meaning: 'An event id occurs more than once in the history.' },
  'A-CHAIN': { check: 'chain', severity: 'error', meaning: "An event's prevHash is not the hash of the event before it in its stream: the chain is broken (an event removed, inserted or reordered)." },
  'A-HASH': { check: 'chain', severity: 'error', meaning: "An event's hash does not match its content: it was changed after it was recorded." },
} as const satisfies Record<string, { readonly check: CheckKind; readonly severity: Severity; readonly meaning: string }>;

export type AuditCode = keyof typeof auditCodes;

/**
 * Deadline rules, judged at the audit instant (or `--as-of`): what is
 * overdue is a finding. Severity `warning`: the record itself is sound, a
 * deadline was missed.
 */
export const deadlineCodes = {
  'R-COMPLAINT-SLA': 'A complaint was not forwarded within complaintForwardSlaHours of its receipt.',
  'R-CUST-FOLLOWUP': 'A classified customer went longer than followUpIntervalDays[class] without a visit.',
  'R-AR-ESCALATE': 'An invoice still open overdueEscalationDays after its due date was not escalated by then.',
  'R-REP-REPORT': 'A monthly sales report was not submitted within monthlyReportDueDays after the month ended.',
  'R-OPP-WON': 'A contract drafted from an opportunity was signed, but the opportunity was not marked won.',
} as const;
