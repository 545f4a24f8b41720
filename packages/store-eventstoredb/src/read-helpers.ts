import type { EsdbStreamingRead } from './client-like.js';
import { isStreamNotFound } from './errors.js';

/** Collects a finite ESDB read; a stream-not-found error reads as empty. */
export async function collect<E>(read: EsdbStreamingRead<E>): Promise<E[]> {
  const out: E[] = [];
  try {
    for await (const item of read) out.push(item);
  } catch (error) {
    if (isStreamNotFound(error)) return [];
    throw error;
  }
  return out;
}

/** Waits `ms`, or less when `signal` aborts. The default `delay` of resubscription backoff. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
