import type { Clock } from '../../src/application/ports/clock.js';

/** A clock that stands still until a test moves it. */
export class FixedClock implements Clock {
  constructor(private now: number = 1_700_000_000) {}

  nowSeconds(): number {
    return this.now;
  }

  /** Sets the current time, UNIX epoch seconds. */
  set(seconds: number): void {
    this.now = seconds;
  }

  advance(seconds: number): void {
    this.now += seconds;
  }
}
