// What every use case is given: the database (whose engine the platform works
// out from the handle), the clock, and who is acting.
import type { Clock } from './clock.ts';
import type { Db } from './db/schema.ts';

export interface Deps {
  db: Db;
  clock: Clock;
}

export type Role = 'owner' | 'admin' | 'manager' | 'member';

export interface Actor {
  userId: string;
  orgId: string;
  role: Role;
}
