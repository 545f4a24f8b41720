import type { z } from 'zod';

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

/** The discriminated union of the events a schema map describes (`{ RepHired: schema, … }`). */
export type EventUnionOf<Schemas extends Readonly<Record<string, z.ZodType>>> = {
  [T in keyof Schemas & string]: DomainEventOf<T, z.output<Schemas[T]>>;
}[keyof Schemas & string];

/** The union of validated commands (`output`) or of commands as hosts send them (`input`) of a schema map. */
export type CommandUnionOf<Schemas extends Readonly<Record<string, z.ZodType>>, Side extends 'input' | 'output' = 'output'> = {
  [T in keyof Schemas & string]: Side extends 'input' ? z.input<Schemas[T]> : z.output<Schemas[T]>;
}[keyof Schemas & string];
