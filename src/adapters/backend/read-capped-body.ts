/** A body that was read whole, or one that was larger than allowed (and abandoned). */
export type CappedBody = { readonly _tag: 'Read'; readonly text: string } | { readonly _tag: 'TooLarge' };

/**
 * Reads a response body as UTF-8 text, but never more than `maxBytes`: a
 * larger body is cancelled (its connection closed) rather than buffered.
 * When `signal` aborts, reading stops and this rejects, so a backend that
 * sends its headers and then stalls is bounded by the same deadline.
 */
export const readCappedBody = async (
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
): Promise<CappedBody> => {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (response.body === null) return { _tag: 'Read', text: '' };
  if (declared > maxBytes) {
    await response.body.cancel().catch(() => undefined);
    return { _tag: 'TooLarge' };
  }
  const reader = response.body.getReader();
  const stop = (): void => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener('abort', stop, { once: true });
  try {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      signal.throwIfAborted();
      const { done, value } = await reader.read();
      signal.throwIfAborted();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { _tag: 'TooLarge' };
      }
      chunks.push(value);
    }
    return { _tag: 'Read', text: Buffer.concat(chunks, size).toString('utf8') };
  } finally {
    signal.removeEventListener('abort', stop);
  }
};
