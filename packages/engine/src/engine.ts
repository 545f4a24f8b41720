import { policyTimelineOf, type ContractState, type CustomerState, type OpportunityState, type PolicyOption, type PolicyTimeline, type RepState } from '@dealbook/core';
import {
  createCommandHandler,
  createInMemoryEventStore,
  formatPath,
  randomIds,
  setEntry,
  systemClock,
  ValidationError,
  type Clock,
  type CommandHandler,
  type DomainEvent,
  type EventStore,
  type ExpectedVersion,
  type IdGenerator,
  type RecordedEvent,
  type RetryOptions,
} from '@dealbook/eventsourcing';
import { compile, type z } from 'zod';
import type { AggregateModule, AnyCommand, Needs } from './aggregate-module.js';
import { UnknownCommandError } from './errors.js';
import { aggregateModules } from './modules.js';
import { contractView, createdOnly, customerView } from './views.js';
import { applyToWorkloadIndex, createWorkloadIndex, workloadEventTypes, workloadOf } from './workload-index.js';

export interface SalesEngineOptions {
  /** Where events live. Default: a new in-memory store stamping `recordedAt` with `clock`. */
  readonly store?: EventStore;
  /** One policy, its versions over time (by `effectiveFrom`), or a timeline. Default: DOMAIN.md's defaults. */
  readonly policy?: PolicyOption;
  /** The recording time rules judge against (late visits, …). Default: the system clock. */
  readonly clock?: Clock;
  /** Event ids. Default: random UUIDs. */
  readonly ids?: IdGenerator;
  /** Retries on concurrent writes to one stream. Default: 5 attempts. */
  readonly retry?: RetryOptions;
  /**
   * Keep aggregates' latest states in memory so a command reads only what was
   * appended since (other writers included). Default: on, 10,000 streams per
   * aggregate type; `false` reads every stream from its start each time.
   */
  readonly cache?: boolean | { readonly maxStreams?: number };
}

export interface ExecuteOptions {
  /** The stream version the caller last saw (e.g. HTTP If-Match): a mismatch fails at once with VersionConflictError. */
  readonly expectedVersion?: ExpectedVersion;
}

export interface ExecuteResult {
  readonly streamId: string;
  /** The events recorded for the command (for a re-sent commandId: those of the first time). */
  readonly events: readonly RecordedEvent[];
  /** The aggregate's state after the command. */
  readonly state: unknown;
  readonly version: number;
  /** True when this commandId had already been handled: nothing was appended. */
  readonly duplicate: boolean;
  /** Commands the engine sent in reaction (an opportunity won when its contract was signed). */
  readonly reactions: readonly ExecuteResult[];
}

export type AggregateCategory = AggregateModule['category'];

/** The state type of each aggregate category (`rep` → `RepState`, …). */
export interface AggregateStates {
  readonly rep: RepState;
  readonly customer: CustomerState;
  readonly opportunity: OpportunityState;
  readonly contract: ContractState;
}

/** The state of an aggregate of category `C`. */
export type AggregateStateOf<C extends AggregateCategory> = AggregateStates[C];

export interface SalesEngine {
  readonly store: EventStore;
  readonly policies: PolicyTimeline;
  /**
   * Validates the command against its schema, routes it to its aggregate's
   * stream, loads what its rules need from other aggregates, decides and
   * appends. Throws `ValidationError` (each bad field named),
   * `UnknownCommandError`, `DomainError` (with the rule code) or
   * `VersionConflictError`; in each case nothing is appended.
   */
  execute(command: unknown, options?: ExecuteOptions): Promise<ExecuteResult>;
  /**
   * The current state and version (`-1`: nothing recorded, the aggregate's
   * initial state) of one aggregate, typed by its category:
   * `(await engine.load('contract', 'k-1')).state.status`.
   */
  load<C extends AggregateCategory>(category: C, id: string): Promise<{ readonly state: AggregateStateOf<C>; readonly version: number }>;
  /** Every command type the engine accepts. */
  readonly commandTypes: readonly string[];
}

export function createSalesEngine(options: SalesEngineOptions = {}): SalesEngine {
  const clock = options.clock ?? systemClock;
  const store = options.store ?? createInMemoryEventStore({ clock });
  const policies = policyTimelineOf(options.policy);
  const ids = options.ids ?? randomIds;

  const byCommandType = new Map<string, AggregateModule>();
  // zod's compiled fast path (same results, generated code; the runtime parser names the issues).
  const schemas = new Map<string, AggregateModule['commandSchemas'][string]>();
  const handlers = new Map<AggregateCategory, CommandHandler<AnyCommand, DomainEvent, unknown>>();
  for (const module of aggregateModules) {
    for (const [type, schema] of Object.entries(module.commandSchemas)) {
      byCommandType.set(type, module);
      schemas.set(type, compile(schema as unknown as z.ZodType) as unknown as typeof schema);
    }
    handlers.set(
      module.category,
      createCommandHandler({ store, decider: module.createDecider(policies), ids, cache: options.cache ?? true, ...(options.retry ? { retry: options.retry } : {}) }),
    );
  }
  const commandTypes = [...byCommandType.keys()].sort();

  // The cross-stream index, caught up from the log before a command that needs it.
  const index = createWorkloadIndex();
  let indexPosition = 0;
  const catchUpIndex = async () => {
    for (;;) {
      const page = await store.readAll({ after: indexPosition, maxCount: 1000, filter: { eventTypes: workloadEventTypes } });
      applyToWorkloadIndex(index, page.events);
      indexPosition = page.position;
      if (page.isEnd) return;
    }
  };

  const load = async (category: AggregateCategory, id: string) => {
    const handler = handlers.get(category);
    if (handler === undefined) throw new Error(`no ${category} aggregate in this engine`);
    return handler.load(`${category}-${id}`);
  };

  const viewOf: Record<AggregateCategory, (state: unknown) => unknown> = {
    rep: createdOnly,
    customer: (state) => customerView(state as CustomerState),
    opportunity: createdOnly,
    contract: contractView,
  };
  const statesOf = async (category: AggregateCategory, idsToLoad: readonly string[]) => {
    const handler = handlers.get(category);
    if (handler === undefined) return undefined;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < idsToLoad.length; i++) {
      const id = idsToLoad[i]!;
      if (i > 0 && idsToLoad.indexOf(id) < i) continue; // loaded already (lists are short)
      const view = viewOf[category]((await handler.load(`${category}-${id}`)).state);
      if (view !== undefined) setEntry(out, id, view);
    }
    return out;
  };

  const refsFor = async (needs: Needs) => {
    const refs: Record<string, unknown> = {};
    // Only what is named is loaded (no call, no promise for the rest).
    const reps = needs.reps === undefined ? undefined : await statesOf('rep', needs.reps);
    if (reps) refs.reps = reps;
    const customers = needs.customers === undefined ? undefined : await statesOf('customer', needs.customers);
    if (customers) refs.customers = customers;
    const opportunities = needs.opportunities === undefined ? undefined : await statesOf('opportunity', needs.opportunities);
    if (opportunities) refs.opportunities = opportunities;
    const contracts = needs.contracts === undefined ? undefined : await statesOf('contract', needs.contracts);
    if (contracts) refs.contracts = contracts;
    if (needs.workloadOf !== undefined || needs.customerNumbers === true) await catchUpIndex();
    if (needs.workloadOf !== undefined) refs.workload = workloadOf(index, needs.workloadOf);
    if (needs.customerNumbers === true) refs.customerNumbers = index.customerNumbers;
    return refs;
  };

  const execute = async (input: unknown, executeOptions: ExecuteOptions = {}): Promise<ExecuteResult> => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new ValidationError('Command', [{ path: '', message: 'must be an object with a "type"' }]);
    }
    const type = (input as { type?: unknown }).type;
    const module = typeof type === 'string' ? byCommandType.get(type) : undefined;
    if (module === undefined) throw new UnknownCommandError(type, commandTypes);
    const parsed = schemas.get(type as string)!.safeParse(input);
    if (!parsed.success) {
      throw new ValidationError(`Command ${type as string}`, parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
    }
    const command = parsed.data as AnyCommand;
    const streamId = `${module.category}-${module.idOf(command)}`;
    const current = module.needsStateFor?.has(command.type) === true ? (await load(module.category, module.idOf(command))).state : undefined;
    const needs = module.needs(command, current);
    const refs = needsNothing(needs) ? {} : await refsFor(needs);
    // The parsed command is the schema's own copy (never the caller's object): the context goes onto it.
    const context = { recordedAt: clock(), refs };
    const decision = command === input ? { ...command, context } : Object.assign(command, { context });
    const result = await handlers.get(module.category)!.handle(streamId, decision, executeOptions);
    const reactions: ExecuteResult[] = [];
    if (!result.duplicate) {
      for (const reaction of reactionsTo(command, result.events, result.state)) reactions.push(await execute(reaction));
    }
    return { streamId, events: result.events, state: result.state, version: result.version, duplicate: result.duplicate, reactions };
  };

  return { store, policies, commandTypes, execute, load: load as SalesEngine['load'] };
}

/** A command whose rules read nothing beyond its own stream (most of them): no loading at all. */
function needsNothing(needs: Needs): boolean {
  return needs.reps === undefined && needs.customers === undefined && needs.opportunities === undefined && needs.contracts === undefined && needs.workloadOf === undefined && needs.customerNumbers !== true;
}

/**
 * Commands the engine sends because of recorded events. R-OPP-WON: "an
 * opportunity is won when the contract drafted from it is signed". The
 * reaction's commandId derives from the signing event, so a re-delivered
 * event never wins twice.
 */
function reactionsTo(command: AnyCommand, events: readonly RecordedEvent[], state: unknown): AnyCommand[] {
  const out: AnyCommand[] = [];
  for (const { event } of events) {
    if (event.type !== 'ContractSigned') continue;
    const contract = state as ContractState;
    if (contract.opportunityId === undefined || contract.terms === undefined) continue;
    out.push({
      type: 'WinOpportunity',
      commandId: `won-${event.eventId}`,
      correlationId: event.metadata.correlationId,
      causationId: event.eventId,
      actorId: command.actorId,
      occurredAt: event.occurredAt,
      opportunityId: contract.opportunityId,
      contractId: contract.contractId ?? event.streamId.slice('contract-'.length),
      valueMinor: contract.terms.totalMinor,
    });
  }
  return out;
}
