import { entryOf } from '@dealbook/eventsourcing';
import type { RepRole } from '../domain-terms.js';
import type { RepEvent } from './events.js';

export type RepStatus = 'none' | 'active' | 'departing' | 'departed';

export interface Certification {
  readonly validUntil: string;
  readonly suspended: boolean;
  readonly revoked: boolean;
}

/** What the SalesRep decider keeps (targets, training, discipline and rewards are projection data). */
export interface RepState {
  readonly status: RepStatus;
  readonly repId?: string;
  readonly role?: RepRole;
  readonly managerId?: string;
  readonly regions: readonly string[];
  readonly departureEffectiveAt?: string;
  readonly certifications: Readonly<Record<string, Certification>>;
  /** Monthly reports by period start (YYYY-MM-DD). */
  readonly reports: Readonly<Record<string, { readonly submittedAt: string; readonly reviewed: boolean }>>;
}

export const initialRepState: RepState = { status: 'none', regions: [], certifications: {}, reports: {} };

export function evolveRep(state: RepState, event: RepEvent): RepState {
  switch (event.type) {
    case 'RepHired': {
      const { repId, role, managerId, regions } = event.data;
      return { ...state, status: 'active', repId, role, ...(managerId === undefined ? {} : { managerId }), regions };
    }
    case 'RepTerritoryAssigned':
      return { ...state, regions: event.data.regions };
    case 'RepRoleChanged':
      return { ...state, role: event.data.role };
    case 'RepCertified':
      return { ...state, certifications: { ...state.certifications, [event.data.productLine]: { validUntil: event.data.validUntil, suspended: false, revoked: false } } };
    case 'RepCertificationSuspended':
    case 'RepCertificationRevoked': {
      const current = entryOf(state.certifications, event.data.productLine);
      if (current === undefined) return state;
      const change = event.type === 'RepCertificationSuspended' ? { suspended: true } : { revoked: true };
      return { ...state, certifications: { ...state.certifications, [event.data.productLine]: { ...current, ...change } } };
    }
    case 'SalesReportSubmitted':
      return { ...state, reports: { ...state.reports, [event.data.period.start]: { submittedAt: event.occurredAt, reviewed: false } } };
    case 'SalesReportReviewed': {
      const report = entryOf(state.reports, event.data.period.start);
      return report === undefined ? state : { ...state, reports: { ...state.reports, [event.data.period.start]: { ...report, reviewed: true } } };
    }
    case 'RepDepartureRequested':
      return { ...state, status: 'departing', departureEffectiveAt: event.data.effectiveAt };
    case 'RepDeparted':
      return { ...state, status: 'departed' };
    case 'RepTrainingCompleted':
    case 'SalesTargetSet':
    case 'RepDisciplined':
    case 'RepRewarded':
      return state;
  }
}

/** Does the rep hold a valid, unsuspended, unrevoked certification for a product line at an instant? (R-REP-CERT) */
export function isCertifiedAt(state: RepState, productLine: string, at: string): boolean {
  const c = entryOf(state.certifications, productLine);
  return c !== undefined && !c.suspended && !c.revoked && at < c.validUntil;
}
