// A small account aggregate used by the kernel's own tests (not exported).
import type { CommandEnvelope } from './command-handler.js';
import type { Decider, DomainEvent } from './decider.js';
import { DomainError } from './errors.js';

export type AccountCommand = CommandEnvelope &
  (
    | { readonly type: 'Open'; readonly owner: string }
    | { readonly type: 'Deposit'; readonly amountMinor: number }
    | { readonly type: 'Withdraw'; readonly amountMinor: number }
    | { readonly type: 'Close' }
  );

export type AccountEvent =
  | DomainEvent<'Opened', { owner: string }>
  | DomainEvent<'Deposited', { amountMinor: number }>
  | DomainEvent<'Withdrawn', { amountMinor: number }>
  | DomainEvent<'Closed', Record<string, never>>;

export interface AccountState {
  readonly status: 'none' | 'open' | 'closed';
  readonly balanceMinor: number;
  readonly events: number;
}

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  initialState: { status: 'none', balanceMinor: 0, events: 0 },
  decide(command, state) {
    switch (command.type) {
      case 'Open':
        if (state.status !== 'none') throw new DomainError('R-ACC-OPEN', 'The account is already open.');
        return [{ type: 'Opened', data: { owner: command.owner } }];
      case 'Deposit':
        if (state.status !== 'open') throw new DomainError('R-ACC-NOT-OPEN', 'Open the account first.');
        return [{ type: 'Deposited', data: { amountMinor: command.amountMinor } }];
      case 'Withdraw':
        if (state.status !== 'open') throw new DomainError('R-ACC-NOT-OPEN', 'Open the account first.');
        if (command.amountMinor > state.balanceMinor) {
          throw new DomainError('R-ACC-OVERDRAFT', `Cannot withdraw ${command.amountMinor}: the balance is ${state.balanceMinor}.`);
        }
        return [{ type: 'Withdrawn', data: { amountMinor: command.amountMinor } }];
      case 'Close':
        if (state.status !== 'open') throw new DomainError('R-ACC-NOT-OPEN', 'Open the account first.');
        return state.balanceMinor > 0
          ? [{ type: 'Withdrawn', data: { amountMinor: state.balanceMinor } }, { type: 'Closed', data: {} }]
          : [{ type: 'Closed', data: {} }];
    }
  },
  evolve(state, event) {
    const events = state.events + 1;
    switch (event.type) {
      case 'Opened':
        return { ...state, status: 'open', events };
      case 'Deposited':
        return { ...state, balanceMinor: state.balanceMinor + event.data.amountMinor, events };
      case 'Withdrawn':
        return { ...state, balanceMinor: state.balanceMinor - event.data.amountMinor, events };
      case 'Closed':
        return { ...state, status: 'closed', events };
    }
  },
};

let n = 0;
/** Command envelope fields with a fresh commandId. */
export function meta(occurredAt = '2026-01-01T00:00:00.000Z'): Omit<CommandEnvelope, 'type'> {
  n++;
  return { commandId: `cmd-${n}`, actorId: 'tester', occurredAt };
}
