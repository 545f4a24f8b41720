import type { CustomerState } from '@dealbook/core';

/**
 * The read-only views of other aggregates that rules read. Each is the
 * aggregate's state plus the few derived fields the rules name; an aggregate
 * never created is left out of its map (rules then report it as unknown).
 */
export function customerView(state: CustomerState): (CustomerState & { readonly registered: boolean; readonly lost: boolean }) | undefined {
  if (state.status === 'none') return undefined;
  return { ...state, registered: true, lost: state.status === 'lost' };
}

/** Contract view: its state with the current total at the top level. */
export function contractView(state: unknown): Record<string, unknown> | undefined {
  const s = state as { status?: string; terms?: { totalMinor?: number } };
  if (s.status === undefined || s.status === 'none') return undefined;
  return { ...(state as Record<string, unknown>), totalMinor: s.terms?.totalMinor ?? 0 };
}

/** Opportunity and rep states are read as they are, but a never-created one is left out. */
export function createdOnly(state: unknown): unknown {
  const s = state as { status?: string; phase?: string };
  return s.status === 'none' || s.phase === 'none' ? undefined : state;
}
