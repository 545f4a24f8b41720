import { createRepDecider, repCommandSchemas } from '@dealbook/core';
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

/** Every aggregate the engine routes to. */
export const aggregateModules: readonly AggregateModule[] = [repModule];
