import { createCustomerDecider, createRepDecider, customerCommandSchemas, repCommandSchemas, type CustomerState } from '@dealbook/core';
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

/** Every aggregate the engine routes to. */
export const aggregateModules: readonly AggregateModule[] = [repModule, customerModule];
