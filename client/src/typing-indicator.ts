import type { TypingOptions } from './options.js';

/** Tells the other members of one thread that this user is typing. */
export interface TypingIndicator {
  /** Call on every keystroke: sends `typing: true` at most once per `throttleMs`, and `false` after `idleMs` of silence. */
  keystroke(): void;
  /** Typing is over (message sent, field cleared): sends `typing: false` now, if `true` was sent. */
  stop(): void;
}

/**
 * Turns a stream of keystrokes into few typing signals: `true` when typing
 * starts and again every `throttleMs` while it goes on (so that other
 * clients' indicators, which may time out, stay lit), and `false` once, on
 * `stop()` or after `idleMs` without a keystroke.
 */
export class ThrottledTypingIndicator implements TypingIndicator {
  private lastTrueAt: number | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onClose = (): void => this.cancel();

  constructor(
    private readonly signal: (isTyping: boolean) => void,
    private readonly settings: Required<TypingOptions>,
    /** When it aborts (the client closed), the idle timer goes and nothing more is sent. */
    private readonly lifetime: AbortSignal = new AbortController().signal,
    private readonly now: () => number = () => Date.now(),
  ) {}

  keystroke(): void {
    if (this.lifetime.aborted) return;
    const now = this.now();
    if (this.lastTrueAt === undefined || now - this.lastTrueAt >= this.settings.throttleMs) {
      this.lastTrueAt = now;
      this.signal(true);
    }
    // Listening to the client's closing only while a timer is pending: a forgotten indicator costs nothing.
    if (this.idleTimer === undefined) this.lifetime.addEventListener('abort', this.onClose, { once: true });
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), this.settings.idleMs);
  }

  stop(): void {
    this.cancel();
    if (this.lastTrueAt === undefined || this.lifetime.aborted) return;
    this.lastTrueAt = undefined;
    this.signal(false);
  }

  /** Drops the idle timer without signalling. */
  cancel(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.lifetime.removeEventListener('abort', this.onClose);
  }
}
