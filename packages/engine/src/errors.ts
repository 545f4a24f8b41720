import { DealbookError } from '@dealbook/eventsourcing';

/** A command whose `type` no aggregate handles. */
export class UnknownCommandError extends DealbookError {
  readonly commandType: unknown;
  constructor(commandType: unknown, known: readonly string[]) {
    super(
      'UNKNOWN_COMMAND',
      `Unknown command type ${JSON.stringify(commandType)}. Known commands: ${known.join(', ')}.`,
    );
    this.commandType = commandType;
  }
}
