/** What comes after the stream category (`customer-42` → `42`); the whole stream id when it has no `-`. */
export function streamEntityId(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash === -1 ? streamId : streamId.slice(dash + 1);
}
