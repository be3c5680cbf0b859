// The API shapes of organisations, users, teams and tokens.
import { iso } from '../platform/pagination.ts';
import type { Role } from '../platform/context.ts';
import type { OrgView, TeamView, TokenView, UserView, WeeklyHours } from './person.ts';
import type { OrgRow, TeamRow, TokenRow, UserRow } from './store.ts';

export function presentOrg(row: OrgRow): OrgView {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    timezone: row.timezone,
    businessHours: JSON.parse(row.business_hours) as WeeklyHours,
    holidays: JSON.parse(row.holidays) as string[],
    dueSoonMinutes: row.due_soon_minutes,
    missedGraceMinutes: row.missed_grace_minutes,
    requireTwoFactor: row.require_two_factor === 'managers' ? 'managers' : 'none',
    passwordSignIn: row.password_sign_in !== 0,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    version: row.version,
  };
}

export function presentUser(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    active: row.active === 1,
    workingHours: row.working_hours ? (JSON.parse(row.working_hours) as WeeklyHours) : null,
    timeOff: JSON.parse(row.time_off) as UserView['timeOff'],
    timezone: row.time_zone,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    version: row.version,
  };
}

export function presentTeam(row: TeamRow, memberIds: string[]): TeamView {
  return {
    id: row.id,
    name: row.name,
    memberIds,
    managerId: row.manager_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    version: row.version,
  };
}

export function presentToken(row: Pick<TokenRow, 'id' | 'name' | 'created_at' | 'expires_at' | 'last_used_at' | 'revoked_at'>): TokenView {
  return {
    id: row.id,
    name: row.name,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}
