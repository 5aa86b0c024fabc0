/**
 * The playground's clock: real time, shifted. Moving it to an instant (forwards or backwards) makes every reader (the
 * bot, the emulator, the signatures Lark puts on deliveries) see that instant, after which it runs on at the real
 * rate, so that a visitor can play 2024's competition in minutes. Only the playground builds one; production uses
 * systemClock (src/platform/clock.ts).
 */
import type { Clock } from '../platform/clock';

export class TravelClock implements Clock {
  private offset = 0;

  constructor(private readonly real: () => number = Date.now) {}

  now(): number {
    return this.real() + this.offset;
  }

  /** From now on `now()` reads `ms`, then moves on with real time. */
  moveTo(ms: number): void {
    this.offset = ms - this.real();
  }
}
