/**
 * @module A handler that does nothing (or waits `event.sleepMs`): what the platform benchmark
 * measures the runtime's own overhead with.
 */
export async function handler(event: { sleepMs?: number } | null): Promise<{ ok: true }> {
  const sleepMs = event?.sleepMs ?? 0;
  if (sleepMs > 0) await new Promise((resolve) => setTimeout(resolve, sleepMs));
  return { ok: true };
}
