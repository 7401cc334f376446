import type { Clock } from '../application/ports/clock.js';

/** The machine's clock. */
export class SystemClock implements Clock {
  nowSeconds(): number {
    return Date.now() / 1000;
  }
}
