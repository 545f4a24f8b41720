import { entryOf } from '@dealbook/eventsourcing';
import { violation, type RuleViolation } from './rules.js';
import { isCertifiedAt, type RepState } from './rep/state.js';

/**
 * Views of SalesReps that rules of other aggregates read, by rep id. The
 * engine loads the reps a command names; the auditor keeps every rep's state
 * as of the event's commit position. When `reps` is absent (a decider used on
 * its own, without the engine), cross-aggregate rules are not judged.
 */
export interface RepRefs {
  readonly reps?: Readonly<Record<string, RepState>>;
}

/**
 * R-REP-ACTIVE: a departed (or unknown) rep cannot own, visit, quote or sign
 * anything. With `newOwnership`, a departing rep is refused too: nothing new
 * is handed to someone who is leaving (it would block R-REP-HANDOVER).
 */
export function checkRepActive(refs: RepRefs, repId: string, doing: string, options: { readonly newOwnership?: boolean } = {}): RuleViolation | undefined {
  if (refs.reps === undefined) return undefined;
  const rep = entryOf(refs.reps, repId);
  if (rep === undefined || rep.status === 'none') {
    return violation('R-REP-ACTIVE', `There is no rep ${repId}: hire the rep before they can ${doing}.`, { repId, reason: 'unknown' });
  }
  if (rep.status === 'departed') {
    return violation('R-REP-ACTIVE', `Rep ${repId} has departed and cannot ${doing}: choose an active rep.`, { repId, status: rep.status });
  }
  if (options.newOwnership === true && rep.status === 'departing') {
    return violation('R-REP-ACTIVE', `Rep ${repId} is leaving and gets nothing new to own: choose an active rep.`, { repId, status: rep.status });
  }
  return undefined;
}

/**
 * R-REP-CERT: a contract line of a regulated product line may only be signed
 * by a rep holding a valid, unsuspended certification for it at signing time.
 */
export function checkRepCertified(refs: RepRefs, repId: string, productLines: readonly string[], regulated: readonly string[], at: string): RuleViolation | undefined {
  if (refs.reps === undefined) return undefined;
  const rep = entryOf(refs.reps, repId);
  const missing = [...new Set(productLines)].filter((line) => regulated.includes(line) && (rep === undefined || !isCertifiedAt(rep, line, at)));
  if (missing.length === 0) return undefined;
  return violation('R-REP-CERT', `Rep ${repId} holds no valid certification for ${missing.join(', ')} at ${at}: certify the rep (or renew, or lift a suspension) before signing.`, { repId, productLines: missing });
}
