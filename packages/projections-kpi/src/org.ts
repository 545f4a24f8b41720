import { entryOf } from '@dealbook/eventsourcing';
import type { RepRole } from '@dealbook/core';

/** Who a fact is credited to: a rep, the rep's team (their manager) and region, as they were at the time. */
export interface Cell {
  readonly rep: string;
  /** The manager the rep reported to at the time; the rep's own id when they had none (they lead their own team). */
  readonly team: string;
  /** The rep's first (primary) territory at the time. */
  readonly region: string;
}

/** Facts nobody can be credited with (a lead no rep owned, a customer never assigned) go to this rep, team and region. */
export const UNASSIGNED = '(unassigned)';

export const unassignedCell: Cell = Object.freeze({ rep: UNASSIGNED, team: UNASSIGNED, region: UNASSIGNED });
const unassignedKey = JSON.stringify([UNASSIGNED, UNASSIGNED, UNASSIGNED]);

/** A rep's placement from an instant on. */
export interface Placement {
  /** `occurredAt` of the event that placed the rep so. */
  readonly from: string;
  readonly role: RepRole;
  /** Where the rep's facts are credited meanwhile. */
  readonly cell: Cell;
  /** `cellKey(cell)`, made once. */
  readonly key: string;
}

/** What the read models keep of a rep. */
export interface RepRecord {
  role: RepRole;
  readonly managerId: string | null;
  regions: string[];
  readonly hiredAt: string;
  departedAt: string | null;
  /** Every placement, oldest first (changes of role, team or region are rare). */
  readonly placements: Placement[];
}

/** A cell as a record key (JSON of `[region, team, rep]`: no separator can clash). */
export function cellKey(cell: Cell): string {
  return JSON.stringify([cell.region, cell.team, cell.rep]);
}

export function cellOfKey(key: string): Cell {
  const [region, team, rep] = JSON.parse(key) as [string, string, string];
  return { rep, team, region };
}

/** The placement in force at an instant (the earliest one for instants before it). */
export function placementAt(rep: RepRecord, at: string): Placement {
  const { placements } = rep;
  for (let i = placements.length - 1; i > 0; i--) if (placements[i]!.from <= at) return placements[i]!;
  return placements[0]!;
}

const unassigned = { cell: unassignedCell, key: unassignedKey } as const;

/** The cell of a rep (and its key) at an instant, or now (`undefined` or unknown reps: the unassigned cell). */
export function creditedCell(reps: Record<string, RepRecord>, repId: string | null | undefined, at?: string): { readonly cell: Cell; readonly key: string } {
  if (repId === null || repId === undefined) return unassigned;
  const rep = entryOf(reps, repId);
  if (rep === undefined) return unassigned;
  return at === undefined ? rep.placements[rep.placements.length - 1]! : placementAt(rep, at);
}

/** The cell of a rep at an instant, or now (`undefined` or unknown reps: the unassigned cell). */
export function cellAt(reps: Record<string, RepRecord>, repId: string | null | undefined, at?: string): Cell {
  return creditedCell(reps, repId, at).cell;
}

/** Records a rep's new placement when role, team or region changed. */
export function place(rep: RepRecord, repId: string, at: string): void {
  const last = rep.placements[rep.placements.length - 1];
  const cell: Cell = { rep: repId, team: rep.managerId ?? repId, region: rep.regions[0] ?? UNASSIGNED };
  if (last !== undefined && last.role === rep.role && last.cell.team === cell.team && last.cell.region === cell.region) return;
  rep.placements.push({ from: at, role: rep.role, cell, key: cellKey(cell) });
}
