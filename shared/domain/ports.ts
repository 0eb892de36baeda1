// Small interfaces the domain depends on; adapters in shared/table and shared/storage implement them.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
