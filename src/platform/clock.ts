// The only source of "now". Tests replace it with a clock they move by hand.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
  constructor(private current: number = Date.parse('2026-01-05T09:00:00Z')) {}
  now(): number {
    return this.current;
  }
  set(instant: number | string): void {
    this.current = typeof instant === 'string' ? Date.parse(instant) : instant;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
