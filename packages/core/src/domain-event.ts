/**
 * An event as the domain's deciders emit and fold it: a type, its data and
 * the business time it happened. Stored envelopes have these members too, so
 * `evolve` folds either.
 */
export interface DomainEventOf<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  readonly occurredAt: string;
}
