import { isValidSalesPayload, policyTimelineOf, salesEventSchemas, type PolicyOption, type SalesEventEnvelope, type SalesEventType } from '@dealbook/core';
import {
  applyEvents,
  computeEventHash,
  entryOf,
  eventEnvelopeSchema,
  formatPath,
  isIsoTimestamp,
  isWellFormedEnvelope,
  lineHashMatches,
  ValidationError,
  ZERO_HASH,
  type EventEnvelope,
  type RecordedEvent,
} from '@dealbook/eventsourcing';
import type { KeyedTable } from '@dealbook/engine';
import { createFunnelProjection, type FunnelState } from '@dealbook/projections-funnel';
import { createKpiProjection, createReceivablesProjection, type KpiState, type ReceivablesState } from '@dealbook/projections-kpi';
import { auditCodes, type AuditCode } from './codes.js';
import { createEventIdSet } from './event-id-set.js';
import { createObligations } from './obligations.js';
import { openScratch } from './scratch.js';
import type { Finding } from './report.js';
import { spillLayout, type StreamHead } from './spill-layout.js';
import { belongsTo, createWorld } from './world.js';

export interface AuditorOptions {
  /** The company policy (or its versions): rules judge each event by the version in force when it occurred. Default: DOMAIN.md's. */
  readonly policy?: PolicyOption;
  /** Audit only events recorded at or before this instant (ISO-8601 UTC); deadlines are judged at it. */
  readonly asOf?: string;
  /** Keep at most this many findings in memory (all are counted). Default 10,000. */
  readonly findingsLimit?: number;
  /** Rebuild the KPI, funnel and receivables read models too. Default true. */
  readonly readModels?: boolean;
  /** Called with every finding as it is made (e.g. to stream them). */
  readonly onFinding?: (finding: Finding) => void;
  /**
   * Keep everything that grows with the history in a scratch SQLite file
   * instead of the heap: aggregate states, stream heads, the event ids of the
   * uniqueness check, the engine's cross-stream index, each customer's
   * follow-up deadline, and the read models' tables (ledgers, KPI figures per
   * period, funnel cells, their records per stream and entity), with the
   * `hotStreams` most recently used entries of each table cached. The heap
   * then stays flat however long the history. The read models of the result
   * read from the file: call `close()` when done with them (it deletes the
   * file; `finish` does when there are no read models). Slower; for
   * histories too big for the heap. Default: off.
   */
  readonly spill?: boolean | SpillOptions;
}

export interface SpillOptions {
  /** Entries kept in the heap per table: states per aggregate kind, stream heads, index and deadline tables, each read-model table (at least 8; KPI figures: at most 16 periods). Default 1,000. */
  readonly hotStreams?: number;
  /** Where the scratch file's temporary directory is made. Default: the OS temp directory. */
  readonly dir?: string;
}

/** Where a record came from: its line in a JSONL file (and its exact text, for a byte-exact hash check). */
export interface RecordOrigin {
  readonly line?: number;
  readonly text?: string;
}

export interface AuditResult {
  readonly findings: readonly Finding[];
  readonly findingsOmitted: number;
  readonly byCode: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly warnings: number;
  /** Records read (lines with a JSON object, or events from a store). */
  readonly records: number;
  /** Events that passed the envelope and payload checks and were replayed. */
  readonly events: number;
  readonly streams: number;
  readonly skippedAfterAsOf: number;
  readonly firstOccurredAt: string | null;
  readonly lastOccurredAt: string | null;
  readonly lastRecordedAt: string | null;
  readonly judgedAt: string;
  readonly kpi: KpiState | null;
  readonly funnel: FunnelState | null;
  readonly receivables: ReceivablesState | null;
}

/** One pass over a history: feed it records in commit order, then `finish`. */
export interface Auditor {
  /** A parsed record (a JSONL line's object, or a stored envelope). */
  record(value: unknown, origin?: RecordOrigin): void;
  /** A line the reader could not make a record of (not JSON, binary, too long…). */
  problem(code: AuditCode, message: string, line?: number, details?: Readonly<Record<string, unknown>>): void;
  /** The latest `recordedAt` audited so far (null before the first event). */
  readonly lastRecordedAt: string | null;
  /**
   * Judges the deadlines at `judgedAt` (default: `asOf`, else the last `recordedAt` seen) and returns everything found.
   * With `spill`, the read models returned read from the scratch file until `close()`.
   */
  finish(judgedAt?: string): AuditResult;
  /** Deletes the scratch file of a `spill` audit (after its result's read models were read, or when it will not be finished). Safe to call more than once. */
  close(): void;
}

const BATCH = 1000;
const same = <T>(value: T): T => value;

/**
 * The event-replay auditor: checks every record's envelope and payload,
 * each stream's versions and hash chain, every rule the domain's deciders
 * enforce (judged against the state before the event, with the policy in
 * force when it occurred and the other aggregates as of its commit), and the
 * deadline rules; and rebuilds the read models from the events that pass.
 * Constant work per event; memory grows with streams, entities and open
 * obligations (with `spill`, all of it goes to a scratch file).
 */
export function createAuditor(options: AuditorOptions = {}): Auditor {
  const timeline = policyTimelineOf(options.policy);
  const single = timeline.versions.length === 1 ? timeline.versions[0]! : undefined;
  const policyAt = (instant: string) => single ?? timeline.at(instant);
  const asOf = options.asOf;
  if (asOf !== undefined && !isIsoTimestamp(asOf)) throw new ValidationError('Audit options', [{ path: 'asOf', message: 'must be an ISO-8601 UTC timestamp with milliseconds' }]);
  const limit = options.findingsLimit ?? 10_000;
  const findings: Finding[] = [];
  const byCode: Record<string, number> = {};
  let omitted = 0;
  let errors = 0;
  let warnings = 0;
  const report = (finding: Finding) => {
    byCode[finding.code] = (byCode[finding.code] ?? 0) + 1;
    if (finding.severity === 'error') errors++;
    else warnings++;
    if (findings.length < limit) findings.push(finding);
    else omitted++;
    options.onFinding?.(finding);
  };
  const auditFinding = (code: AuditCode, message: string, where: Omit<Finding, 'code' | 'severity' | 'check' | 'message'>) =>
    report({ code, severity: auditCodes[code].severity, check: auditCodes[code].check, message, ...where });

  const spill = options.spill === undefined || options.spill === false ? undefined : options.spill === true ? {} : options.spill;
  const hot = spill?.hotStreams ?? 1_000;
  if (!Number.isSafeInteger(hot) || hot < 1) throw new ValidationError('Audit options', [{ path: 'spill.hotStreams', message: 'must be an integer ≥ 1' }]);
  const scratch = spill === undefined ? undefined : openScratch(spill.dir === undefined ? {} : { dir: spill.dir });
  const layout = scratch === undefined ? undefined : spillLayout(scratch, hot);
  const world = createWorld(layout?.world ?? {});
  const obligations = createObligations(timeline, report, layout === undefined ? {} : { followUps: layout.followUps });
  const heads: KeyedTable<StreamHead> = layout?.heads ?? new Map<string, StreamHead>();
  const eventIds = scratch === undefined ? createEventIdSet() : { addIfNew: (id: string) => scratch.addIdIfNew(id) };

  const withModels = options.readModels !== false;
  const kpiProjection = createKpiProjection({ policy: timeline });
  const funnelProjection = createFunnelProjection({ policy: timeline });
  const receivablesProjection = createReceivablesProjection();
  // With spill, every read-model table that grows with the history lives in the scratch file too.
  let kpi: KpiState | null = withModels ? (layout?.kpi ?? same)(kpiProjection.initialState()) : null;
  let funnel: FunnelState | null = withModels ? (layout?.funnel ?? same)(funnelProjection.initialState()) : null;
  let receivables: ReceivablesState | null = withModels ? (layout?.receivables ?? same)(receivablesProjection.initialState()) : null;
  let batch: RecordedEvent[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    if (kpi !== null) kpi = applyEvents(kpiProjection, kpi, batch);
    if (funnel !== null) funnel = applyEvents(funnelProjection, funnel, batch as RecordedEvent<SalesEventEnvelope>[] as RecordedEvent[]);
    if (receivables !== null) receivables = applyEvents(receivablesProjection, receivables, batch);
    batch = [];
  };

  let records = 0;
  let events = 0;
  let skipped = 0;
  let firstOccurredAt: string | null = null;
  let lastOccurredAt: string | null = null;
  let lastRecordedAt: string | null = null;

  type Where = Omit<Finding, 'code' | 'severity' | 'check' | 'message'>;
  // Where an event sits, made only when there is a finding to place.
  const whereOf = (event: EventEnvelope, line: number | undefined): Where =>
    line === undefined ? { streamId: event.streamId, streamVersion: event.streamVersion, eventId: event.eventId } : { streamId: event.streamId, streamVersion: event.streamVersion, eventId: event.eventId, line };

  const integrity = (event: EventEnvelope, origin: RecordOrigin) => {
    const line = origin.line;
    if (!eventIds.addIfNew(event.eventId)) auditFinding('A-DUPLICATE-ID', `Event id ${event.eventId} occurs a second time (${event.streamId} v${event.streamVersion}).`, whereOf(event, line));
    const head = heads.get(event.streamId);
    const expectedVersion = head === undefined ? 0 : head.version + 1;
    if (event.streamVersion !== expectedVersion) {
      auditFinding(
        'A-VERSION',
        event.streamVersion < expectedVersion
          ? `${event.streamId} v${event.streamVersion} comes after v${expectedVersion - 1}: a version repeated or out of order.`
          : `${event.streamId} jumps from ${head === undefined ? 'nothing' : `v${head.version}`} to v${event.streamVersion}: ${event.streamVersion - expectedVersion} event(s) missing.`,
        { ...whereOf(event, line), details: { expectedVersion } },
      );
    }
    const expectedPrev = head === undefined ? ZERO_HASH : head.hash;
    if (event.prevHash !== expectedPrev && event.streamVersion === expectedVersion) {
      auditFinding('A-CHAIN', `${event.streamId} v${event.streamVersion}: prevHash is not the hash of the event before it — the chain is broken here.`, { ...whereOf(event, line), details: { prevHash: event.prevHash, expected: expectedPrev } });
    }
    const hashOk = origin.text !== undefined ? lineHashMatches(origin.text, event) : computeEventHash(event) === event.hash;
    if (!hashOk) {
      auditFinding('A-HASH', `${event.streamId} v${event.streamVersion}: the hash does not match the event's content — it was changed after it was recorded.`, { ...whereOf(event, line), details: { hash: event.hash } });
    }
    heads.set(event.streamId, { version: Math.max(event.streamVersion, head?.version ?? -1), hash: event.hash });
  };

  const payload = (event: EventEnvelope, line: number | undefined): SalesEventEnvelope | undefined => {
    const schema = entryOf(salesEventSchemas as Record<string, (typeof salesEventSchemas)[SalesEventType]>, event.type);
    if (schema === undefined) {
      auditFinding('A-UNKNOWN-TYPE', `Unknown event type "${event.type}" in ${event.streamId}: it is not in the dealbook catalogue.`, whereOf(event, line));
      return undefined;
    }
    if (event.schemaVersion !== 1) {
      auditFinding('A-SCHEMA-VERSION', `${event.type} schema version ${event.schemaVersion} is unknown to this dealbook (it reads version 1).`, { ...whereOf(event, line), details: { schemaVersion: event.schemaVersion } });
      return undefined;
    }
    if (!belongsTo(event.type as SalesEventType, event.streamId)) {
      auditFinding('A-WRONG-STREAM', `A ${event.type} event cannot be in stream ${event.streamId}.`, whereOf(event, line));
      return undefined;
    }
    if (!isValidSalesPayload(event.type as SalesEventType, event.data)) {
      // The runtime parser names the issues.
      const issues = (schema.safeParse(event.data).error?.issues ?? []).map((i) => `data${i.path.length > 0 ? `.${formatPath(i.path)}` : ''}: ${i.message}`);
      auditFinding('A-PAYLOAD', `${event.type} in ${event.streamId} v${event.streamVersion} fails its schema: ${issues.join('; ')}.`, { ...whereOf(event, line), details: { issues } });
      return undefined;
    }
    return event as SalesEventEnvelope;
  };

  return {
    get lastRecordedAt() {
      return lastRecordedAt;
    },
    record(value, origin = {}) {
      records++;
      const line = origin.line;
      const envelope = isWellFormedEnvelope(value) ? undefined : eventEnvelopeSchema.safeParse(value);
      if (envelope !== undefined && !envelope.success) {
        const v = value as Partial<EventEnvelope> | null;
        const issues = envelope.error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`);
        auditFinding('A-ENVELOPE', `Not a valid event envelope: ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}.`, {
          ...(typeof v?.streamId === 'string' ? { streamId: v.streamId } : {}),
          ...(typeof v?.streamVersion === 'number' ? { streamVersion: v.streamVersion } : {}),
          ...(typeof v?.eventId === 'string' ? { eventId: v.eventId } : {}),
          ...(line === undefined ? {} : { line }),
          details: { issues },
        });
        return;
      }
      const event = value as EventEnvelope;
      if (asOf !== undefined && event.recordedAt > asOf) {
        skipped++;
        return;
      }
      if (lastRecordedAt === null || event.recordedAt > lastRecordedAt) lastRecordedAt = event.recordedAt;
      integrity(event, origin);
      const typed = payload(event, line);
      if (typed === undefined) return;
      events++;
      if (firstOccurredAt === null || typed.occurredAt < firstOccurredAt) firstOccurredAt = typed.occurredAt;
      if (lastOccurredAt === null || typed.occurredAt > lastOccurredAt) lastOccurredAt = typed.occurredAt;

      const before = world.stateOf(typed.streamId);
      for (const v of world.judge(typed, policyAt(typed.occurredAt), before)) {
        report({ code: v.code, severity: 'error', check: 'rule', message: `${typed.type} in ${typed.streamId} v${typed.streamVersion}: ${v.message}`, ...whereOf(typed, line), ...(v.details === undefined ? {} : { details: v.details }) });
      }
      obligations.observe(typed, line, before, world.apply(typed, before));

      if (withModels) {
        batch.push({ position: records, event: typed });
        if (batch.length === BATCH) flush();
      }
    },
    close() {
      scratch?.close();
    },
    problem(code, message, line, details) {
      records++;
      auditFinding(code, message, { ...(line === undefined ? {} : { line }), ...(details === undefined ? {} : { details }) });
    },
    finish(judgedAt) {
      flush();
      const at = judgedAt ?? asOf ?? lastRecordedAt ?? new Date(0).toISOString();
      obligations.finish(at);
      // Spilled read models read from the scratch file until `close`; without them nothing does.
      if (!withModels) scratch?.close();
      return {
        findings,
        findingsOmitted: omitted,
        byCode,
        errors,
        warnings,
        records,
        events,
        streams: world.streams,
        skippedAfterAsOf: skipped,
        firstOccurredAt,
        lastOccurredAt,
        lastRecordedAt,
        judgedAt: at,
        kpi,
        funnel,
        receivables,
      };
    },
  };
}
