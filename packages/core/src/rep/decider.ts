import type { Decider } from '@dealbook/eventsourcing';
import type { PolicyTimeline } from '../policy-timeline.js';
import { enforceRules } from '../rules.js';
import type { RepDecision } from './commands.js';
import type { RepEvent } from './events.js';
import { repRules } from './rules.js';
import { evolveRep, initialRepState, type RepState } from './state.js';

/** The events a SalesRep command asks for, before any rule is judged. */
function eventsFor(command: RepDecision): RepEvent[] {
  const at = command.occurredAt;
  switch (command.type) {
    case 'HireRep':
      return [{ type: 'RepHired', occurredAt: at, data: { repId: command.repId, name: command.name, role: command.role, ...(command.managerId === undefined ? {} : { managerId: command.managerId }), regions: command.regions } }];
    case 'AssignTerritory':
      return [{ type: 'RepTerritoryAssigned', occurredAt: at, data: { regions: command.regions } }];
    case 'ChangeRole':
      return [{ type: 'RepRoleChanged', occurredAt: at, data: { role: command.role, reason: command.reason } }];
    case 'CertifyRep':
      return [{ type: 'RepCertified', occurredAt: at, data: { productLine: command.productLine, validUntil: command.validUntil } }];
    case 'SuspendCertification':
      return [{ type: 'RepCertificationSuspended', occurredAt: at, data: { productLine: command.productLine, reason: command.reason } }];
    case 'RevokeCertification':
      return [{ type: 'RepCertificationRevoked', occurredAt: at, data: { productLine: command.productLine, reason: command.reason } }];
    case 'RecordTraining':
      return [{ type: 'RepTrainingCompleted', occurredAt: at, data: { course: command.course, hours: command.hours, ...(command.score === undefined ? {} : { score: command.score }) } }];
    case 'SetSalesTarget': {
      const { period, amountMinor, newCustomers, visits } = command;
      return [{ type: 'SalesTargetSet', occurredAt: at, data: { period, amountMinor, ...(newCustomers === undefined ? {} : { newCustomers }), ...(visits === undefined ? {} : { visits }) } }];
    }
    case 'DisciplineRep':
      return [{ type: 'RepDisciplined', occurredAt: at, data: { level: command.level, reason: command.reason, ...(command.amountMinor === undefined ? {} : { amountMinor: command.amountMinor }) } }];
    case 'RewardRep':
      return [{ type: 'RepRewarded', occurredAt: at, data: { kind: command.kind, reason: command.reason, ...(command.amountMinor === undefined ? {} : { amountMinor: command.amountMinor }) } }];
    case 'SubmitSalesReport':
      return [{ type: 'SalesReportSubmitted', occurredAt: at, data: { period: command.period, summary: command.summary } }];
    case 'ReviewSalesReport':
      return [{ type: 'SalesReportReviewed', occurredAt: at, data: { period: command.period, reviewerId: command.reviewerId, feedback: command.feedback } }];
    case 'RequestDeparture':
      return [{ type: 'RepDepartureRequested', occurredAt: at, data: { effectiveAt: command.effectiveAt } }];
    case 'MarkRepDeparted':
      return [{ type: 'RepDeparted', occurredAt: at, data: {} }];
  }
}

/** The SalesRep decider (stream `rep-<repId>`), judging with the policy in force at each event. */
export function createRepDecider(policies: PolicyTimeline): Decider<RepDecision, RepEvent, RepState> {
  return {
    initialState: initialRepState,
    decide(command, state) {
      const events = eventsFor(command);
      return enforceRules(repRules, evolveRep, policies, state, events, command.context?.recordedAt ?? command.occurredAt, command.context?.refs ?? {});
    },
    evolve: evolveRep,
  };
}
