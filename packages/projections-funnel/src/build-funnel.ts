import { buildProjection, type EventStore, type UpcasterRegistry } from '@dealbook/eventsourcing';
import { createFunnelProjection, type FunnelProjectionOptions } from './funnel-projection.js';
import type { FunnelState } from './funnel-state.js';

/** Options of `buildFunnel`. */
export interface BuildFunnelOptions extends FunnelProjectionOptions {
  /** Only events with `recordedAt ≤ asOf` count: the funnel as it was known then (ISO-8601 UTC with milliseconds). Default: everything. */
  readonly asOf?: string;
  /** Events read per page. Default 1000. */
  readonly batchSize?: number;
  readonly upcasters?: UpcasterRegistry;
}

/**
 * Builds the funnel from the first event of `store` (no checkpoints), as of
 * `asOf` when given, and returns its state for `queryFunnel`. Throws the
 * kernel's `ValidationError` for a malformed `asOf`.
 */
export async function buildFunnel(store: EventStore, options: BuildFunnelOptions = {}): Promise<FunnelState> {
  const { asOf, batchSize, upcasters, policy } = options;
  const projection = createFunnelProjection(policy === undefined ? {} : { policy });
  const built = await buildProjection(store, projection, {
    ...(asOf === undefined ? {} : { asOf }),
    ...(batchSize === undefined ? {} : { batchSize }),
    ...(upcasters === undefined ? {} : { upcasters }),
  });
  return built.state;
}
