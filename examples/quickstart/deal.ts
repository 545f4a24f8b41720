// A deliberately small aggregate: a deal that is opened, priced and won.
// (The real sales domain lives in @dealbook/core; this shows the kernel's shape.)
import { DomainError, type CommandEnvelope, type Decider, type DomainEvent } from '@dealbook/eventsourcing';

export type DealCommand = CommandEnvelope &
  (
    | { readonly type: 'OpenDeal'; readonly customer: string; readonly repId: string }
    | { readonly type: 'QuoteDeal'; readonly amountMinor: number }
    | { readonly type: 'WinDeal' }
  );

export type DealEvent =
  | DomainEvent<'DealOpened', { customer: string; repId: string }>
  | DomainEvent<'DealQuoted', { amountMinor: number }>
  | DomainEvent<'DealWon', { amountMinor: number; repId: string }>;

export interface DealState {
  readonly status: 'none' | 'open' | 'won';
  readonly repId?: string;
  readonly quotedMinor?: number;
}

export const dealDecider: Decider<DealCommand, DealEvent, DealState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    switch (command.type) {
      case 'OpenDeal':
        if (state.status !== 'none') throw new DomainError('R-DEAL-EXISTS', 'This deal is already open: send a new deal id.');
        return [{ type: 'DealOpened', data: { customer: command.customer, repId: command.repId } }];
      case 'QuoteDeal':
        if (state.status !== 'open') throw new DomainError('R-DEAL-CLOSED', 'Only an open deal can be quoted.');
        if (!Number.isSafeInteger(command.amountMinor) || command.amountMinor <= 0) {
          throw new DomainError('R-DEAL-AMOUNT', 'A quote is a positive whole number of minor units (cents, fen).');
        }
        return [{ type: 'DealQuoted', data: { amountMinor: command.amountMinor } }];
      case 'WinDeal':
        if (state.status !== 'open' || state.quotedMinor === undefined) {
          throw new DomainError('R-DEAL-NO-QUOTE', 'A deal is won on a quote: quote it first.');
        }
        return [{ type: 'DealWon', data: { amountMinor: state.quotedMinor, repId: state.repId ?? 'unknown' } }];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'DealOpened':
        return { status: 'open', repId: event.data.repId };
      case 'DealQuoted':
        return { ...state, quotedMinor: event.data.amountMinor };
      case 'DealWon':
        return { ...state, status: 'won' };
    }
  },
};
