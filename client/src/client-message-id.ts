/** The part of Web Crypto the id needs; `randomUUID` is missing outside secure contexts (a page on plain http). */
export interface RandomSource {
  readonly randomUUID?: () => string;
  getRandomValues(array: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>;
}

/**
 * A new clientMessageId: a random (v4) UUID. Browsers expose
 * `crypto.randomUUID` only on HTTPS pages and localhost; elsewhere the same
 * UUID is built from `getRandomValues`, which every browser has.
 */
export const newClientMessageId = (source: RandomSource = crypto): string => {
  if (typeof source.randomUUID === 'function') return source.randomUUID();
  const bytes = source.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
