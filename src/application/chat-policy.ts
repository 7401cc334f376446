/** The operator's settings that change how the use-cases decide. */
export interface ChatPolicy {
  /**
   * When true, reading or writing a thread requires the caller to be in the
   * thread token's members, checked before the backend is called. When
   * false, the backend decides (an agent joining a customer's thread).
   */
  readonly blockNonMembers: boolean;
  /** The largest message accepted, in UTF-8 bytes of its JSON. */
  readonly maxMessageBytes: number;
  /** How deep a message's `data` may nest (objects and arrays); default 64 (DEFAULT_MAX_MESSAGE_DEPTH). */
  readonly maxMessageDepth?: number | undefined;
}
