import {
  contractCommandSchemas,
  createContractDecider,
  createCustomerDecider,
  createOpportunityDecider,
  createRepDecider,
  customerCommandSchemas,
  opportunityCommandSchemas,
  repCommandSchemas,
  type ContractState,
  type CustomerState,
  type OpportunityState,
} from '@dealbook/core';
import type { AggregateModule, AnyCommand } from './aggregate-module.js';

const str = (command: AnyCommand, field: string): string => String(command[field]);

/** SalesRep: `rep-<repId>`. Departure needs the rep's workload (R-REP-HANDOVER). */
export const repModule: AggregateModule = {
  category: 'rep',
  commandSchemas: repCommandSchemas,
  createDecider: (policies) => createRepDecider(policies) as unknown as ReturnType<AggregateModule['createDecider']>,
  idOf: (command) => str(command, 'repId'),
  needs: (command) => (command.type === 'MarkRepDeparted' ? { workloadOf: str(command, 'repId') } : {}),
};

/**
 * Customer: `customer-<customerId>`. Registration reads the taken customer
 * numbers; assigning, visiting and reactivating read the rep concerned.
 */
export const customerModule: AggregateModule = {
  category: 'customer',
  commandSchemas: customerCommandSchemas,
  createDecider: (policies) => createCustomerDecider(policies) as unknown as ReturnType<AggregateModule['createDecider']>,
  idOf: (command) => str(command, 'customerId'),
  needsStateFor: new Set(['ReactivateCustomer']),
  needs(command, state) {
    switch (command.type) {
      case 'RegisterCustomer':
        return { customerNumbers: true };
      case 'AssignCustomer':
      case 'RecordVisit':
        return { reps: [str(command, 'repId')] };
      case 'ReactivateCustomer': {
        const owner = (state as CustomerState | undefined)?.ownerRepId;
        return owner === undefined ? {} : { reps: [owner] };
      }
      default:
        return {};
    }
  },
};

/**
 * Opportunity (with the lead phase): `opportunity-<opportunityId>`. Owners and
 * plan-step owners must be active reps; opening reads the customer; winning
 * and reopening read the contract.
 */
export const opportunityModule: AggregateModule = {
  category: 'opportunity',
  commandSchemas: opportunityCommandSchemas,
  createDecider: (policies) => createOpportunityDecider(policies) as unknown as ReturnType<AggregateModule['createDecider']>,
  idOf: (command) => str(command, 'opportunityId'),
  needsStateFor: new Set(['IssueQuote', 'ReopenOpportunity']),
  needs(command, state) {
    const s = state as OpportunityState | undefined;
    switch (command.type) {
      case 'AssignLead':
        return { reps: [str(command, 'repId')] };
      case 'OpenOpportunity':
        return { reps: [str(command, 'repId')], customers: [str(command, 'customerId')] };
      case 'PlanFollowUp':
        return { reps: (command.steps as readonly { ownerId: string }[]).map((step) => step.ownerId) };
      case 'IssueQuote':
        return s?.ownerRepId === undefined ? { reps: [] } : { reps: [s.ownerRepId] };
      case 'WinOpportunity':
        return { contracts: [str(command, 'contractId')] };
      case 'ReopenOpportunity':
        return s?.wonContractId === undefined ? {} : { contracts: [s.wonContractId] };
      default:
        return {};
    }
  },
};

/**
 * Contract: `contract-<contractId>`. Drafting reads the rep, the customer and
 * the opportunity; signing also the signatory (and the rep's certifications);
 * approvals read the approver.
 */
export const contractModule: AggregateModule = {
  category: 'contract',
  commandSchemas: contractCommandSchemas,
  createDecider: (policies) => createContractDecider(policies) as unknown as ReturnType<AggregateModule['createDecider']>,
  idOf: (command) => str(command, 'contractId'),
  needsStateFor: new Set(['SignContract', 'AmendContract']),
  needs(command, state) {
    const s = state as ContractState | undefined;
    const opportunity = (id: unknown) => (typeof id === 'string' ? [id] : []);
    switch (command.type) {
      case 'DraftContract':
        return { reps: [str(command, 'repId')], customers: [str(command, 'customerId')], opportunities: opportunity(command.opportunityId) };
      case 'SignContract':
        return {
          reps: [...(s?.repId === undefined ? [] : [s.repId]), str(command, 'companySignatoryId')],
          customers: s?.customerId === undefined ? [] : [s.customerId],
          opportunities: opportunity(s?.opportunityId),
        };
      case 'AmendContract':
        return { reps: [str(command, 'approvedBy'), ...(s?.repId === undefined ? [] : [s.repId])] };
      case 'TerminateContract':
      case 'WriteOffBadDebt':
        return typeof command.approvedBy === 'string' ? { reps: [command.approvedBy] } : {};
      default:
        return {};
    }
  },
};

/** Every aggregate the engine routes to. */
export const aggregateModules: readonly AggregateModule[] = [repModule, customerModule, opportunityModule, contractModule];
