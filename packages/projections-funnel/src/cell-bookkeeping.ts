import { entryOf, entryOrNew, setEntry } from '@dealbook/eventsourcing';
import { funnelStages, LEAD, STAY_STAGES, WON, type FunnelCell, type FunnelClosings, type FunnelOpportunity, type FunnelState } from './funnel-state.js';

const STAGES = funnelStages.length;
/**
 * `n` zeros, exactly `n` long. The funnel's sizes (stages, stays) are array
 * literals: packed, where `new Array(n).fill(0)` is holey (later reads check
 * for holes) and pushing overallocates.
 */
export function zeros(n: number): number[] {
  if (n === 7) return [0, 0, 0, 0, 0, 0, 0];
  if (n === 6) return [0, 0, 0, 0, 0, 0];
  return new Array<number>(n).fill(0);
}

function newCell(rep: string | null, region: string | null, source: FunnelOpportunity['source'], cohort: string | null): FunnelCell {
  return {
    rep,
    region,
    source,
    cohort,
    members: 0,
    count: zeros(STAGES),
    valueMinor: zeros(STAGES),
    weightedMinor: 0,
    entered: zeros(STAGES),
    movedOn: zeros(STAGES),
    lost: zeros(STAGES),
    stillThere: zeros(STAGES),
    stayMs: zeros(STAY_STAGES),
    stays: zeros(STAY_STAGES),
    converted: 0,
    disqualified: 0,
    closings: {},
  };
}

/** An empty cell (every counter 0) given new cut values. */
function recut(cell: FunnelCell, rep: string | null, region: string | null, source: FunnelOpportunity['source'], cohort: string | null): FunnelCell {
  const mutable = cell as { -readonly [K in keyof FunnelCell]: FunnelCell[K] };
  mutable.rep = rep;
  mutable.region = region;
  mutable.source = source;
  mutable.cohort = cohort;
  return cell;
}

const newClosings = (): FunnelClosings => ({ won: 0, wonValueMinor: 0, cycleMs: 0, cycles: 0, lost: 0, lostValueMinor: 0, reasons: {}, competitors: {} });

/**
 * The region an opportunity is cut by: its customer's region, else its
 * prospect's, else its owner's first region; null when none is known.
 */
export function regionOf(state: FunnelState, opp: FunnelOpportunity): string | null {
  if (opp.customerId !== null) {
    const region = entryOf(state.customerRegions, opp.customerId);
    if (region !== undefined) return region;
  }
  if (opp.prospectRegion !== null) return opp.prospectRegion;
  if (opp.owner !== null) return entryOf(state.repRegions, opp.owner) ?? null;
  return null;
}

/** Adds `sign` × [count, value] under `key` of a per-reason record, dropping entries back at zero. */
function tally(record: Record<string, [number, number]>, key: string, sign: number, valueMinor: number): void {
  const entry = entryOrNew(record, key, (): [number, number] => [0, 0]);
  entry[0] += sign;
  entry[1] += sign * valueMinor;
  if (entry[0] === 0) delete record[key];
}

function addClosing(cell: FunnelCell, key: string, opp: FunnelOpportunity, sign: number): void {
  const closing = opp.closing!;
  const bucket = entryOrNew(cell.closings, key, newClosings);
  if (closing.outcome === 'won') {
    bucket.won += sign;
    bucket.wonValueMinor += sign * closing.valueMinor;
    if (closing.cycleMs !== null) {
      bucket.cycleMs += sign * closing.cycleMs;
      bucket.cycles += sign;
    }
  } else {
    bucket.lost += sign;
    bucket.lostValueMinor += sign * closing.valueMinor;
    tally(bucket.reasons, closing.reason ?? '', sign, closing.valueMinor);
    if (closing.competitor !== null) tally(bucket.competitors, closing.competitor, sign, closing.valueMinor);
  }
  if (bucket.won === 0 && bucket.lost === 0) delete cell.closings[key];
}

/**
 * Adds (`sign` = 1) or takes back (`sign` = −1) everything one opportunity
 * contributes to its cell. Every change to an opportunity is "take back, change,
 * add": the cell's counters always equal the sum of its members' contributions.
 */
function contribute(cell: FunnelCell, opp: FunnelOpportunity, sign: 1 | -1): void {
  cell.members += sign;
  switch (opp.phase) {
    case 'lead':
      cell.count[LEAD]! += sign;
      break;
    case 'open':
      cell.count[opp.stage]! += sign;
      cell.valueMinor[opp.stage]! += sign * opp.valueMinor;
      cell.weightedMinor += sign * Math.round(opp.valueMinor * opp.probability);
      break;
    case 'won':
      cell.count[WON]! += sign;
      cell.valueMinor[WON]! += sign * (opp.closing?.valueMinor ?? 0);
      break;
    default:
      break;
  }
  const closedForGood = opp.phase === 'lost' || opp.phase === 'disqualified';
  for (let s = 0; s < STAGES; s++) {
    const bit = 1 << s;
    if ((opp.entered & bit) === 0) continue;
    cell.entered[s]! += sign;
    if ((opp.movedOn & bit) !== 0) cell.movedOn[s]! += sign;
    else if (closedForGood) cell.lost[s]! += sign;
    else cell.stillThere[s]! += sign;
  }
  for (let s = 0; s < STAY_STAGES; s++) {
    if (opp.stays[s] === 0) continue;
    cell.stayMs[s]! += sign * opp.stayMs[s]!;
    cell.stays[s]! += sign * opp.stays[s]!;
  }
  if (opp.lead && opp.openedAt !== null) cell.converted += sign;
  if (opp.phase === 'disqualified') cell.disqualified += sign;
  if (opp.closing !== null) {
    addClosing(cell, opp.closing.month, opp, sign);
    addClosing(cell, opp.closing.week, opp, sign);
  }
}

/** Takes an opportunity out of its cell, before a change; `putIn` puts it back (and drops a cell left empty). */
export function takeOut(state: FunnelState, opp: FunnelOpportunity): void {
  const cell = entryOf(state.cells, opp.cell);
  if (cell !== undefined) contribute(cell, opp, -1);
}

/** Counts an opportunity in the cell of its current owner, region, source and cohort. */
export function putIn(state: FunnelState, opp: FunnelOpportunity): void {
  const region = regionOf(state, opp);
  const previous = entryOf(state.cells, opp.cell);
  // Most changes leave the opportunity in its cell: no key to make.
  if (previous !== undefined && previous.rep === opp.owner && previous.region === region && previous.source === opp.source && previous.cohort === opp.cohort) {
    contribute(previous, opp, 1);
    return;
  }
  const key = JSON.stringify([opp.owner, region, opp.source, opp.cohort]);
  let cell = entryOf(state.cells, key);
  if (previous !== undefined && previous.members === 0) {
    delete state.cells[opp.cell];
    // A cell left empty holds only zeros (its counters are sums over its members): it becomes the new one.
    if (cell === undefined) cell = setEntry(state.cells, key, recut(previous, opp.owner, region, opp.source, opp.cohort));
  }
  opp.cell = key;
  cell ??= setEntry(state.cells, key, newCell(opp.owner, region, opp.source, opp.cohort));
  contribute(cell, opp, 1);
}
