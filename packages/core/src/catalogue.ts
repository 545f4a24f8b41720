import type { EventEnvelope } from '@dealbook/eventsourcing';
import type { z } from 'zod';
import { contractEventSchemas } from './contract/events.js';
import { customerEventSchemas } from './customer/events.js';
import { opportunityEventSchemas } from './opportunity/events.js';
import { repEventSchemas } from './rep/events.js';

/**
 * The whole event catalogue: every event type of the four aggregates with its
 * payload schema. Projections and the auditor validate stored payloads with it.
 */
export const salesEventSchemas = {
  ...repEventSchemas,
  ...customerEventSchemas,
  ...opportunityEventSchemas,
  ...contractEventSchemas,
} as const;

export type SalesEventType = keyof typeof salesEventSchemas;

/** The stream category each event type belongs to (`rep`, `customer`, `opportunity`, `contract`). */
export const salesEventCategory: Readonly<Record<SalesEventType, 'rep' | 'customer' | 'opportunity' | 'contract'>> = Object.freeze({
  ...(Object.fromEntries(Object.keys(repEventSchemas).map((t) => [t, 'rep'])) as Record<keyof typeof repEventSchemas, 'rep'>),
  ...(Object.fromEntries(Object.keys(customerEventSchemas).map((t) => [t, 'customer'])) as Record<keyof typeof customerEventSchemas, 'customer'>),
  ...(Object.fromEntries(Object.keys(opportunityEventSchemas).map((t) => [t, 'opportunity'])) as Record<keyof typeof opportunityEventSchemas, 'opportunity'>),
  ...(Object.fromEntries(Object.keys(contractEventSchemas).map((t) => [t, 'contract'])) as Record<keyof typeof contractEventSchemas, 'contract'>),
});

/** A stored envelope of one catalogue event type, its `data` typed by the schema. */
export type SalesEventEnvelopeOf<T extends SalesEventType> = EventEnvelope<T, z.output<(typeof salesEventSchemas)[T]>>;

/**
 * Any stored dealbook event: a discriminated union on `type`, so a projection
 * handler for `ContractSigned` sees `event.data` typed as its payload.
 */
export type SalesEventEnvelope = { [T in SalesEventType]: SalesEventEnvelopeOf<T> }[SalesEventType];

/** Is this a type of the catalogue? */
export function isSalesEventType(type: string): type is SalesEventType {
  return Object.prototype.hasOwnProperty.call(salesEventSchemas, type);
}
