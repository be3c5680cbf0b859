// People and organisations: roles, schemas, and the pure rules about who may do what.
import { IANAZone } from 'luxon';
import { z } from 'zod';
import type { Actor, Role } from '../platform/context.ts';
import { Forbidden } from '../platform/errors.ts';
import { isCommonPassword } from './commonPasswords.ts';

export const ROLES = ['owner', 'admin', 'manager', 'member'] as const satisfies readonly Role[];
const RANK: Record<Role, number> = { owner: 3, admin: 2, manager: 1, member: 0 };

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** 403 unless the caller's role is `minimum` or above. */
export function requireRole(actor: Actor, minimum: Role): void {
  if (!roleAtLeast(actor.role, minimum)) throw new Forbidden(`This needs the ${minimum} role or above`);
}

/** Admins manage users; only the owner may grant or take away admin (or ownership). */
export function mayGrantRole(actor: Role, from: Role | null, to: Role): boolean {
  if (!roleAtLeast(actor, 'admin')) return false;
  if (to === 'owner' || from === 'owner') return actor === 'owner' && from !== 'owner';
  if (to === 'admin' || from === 'admin') return actor === 'owner';
  return true;
}

/**
 * What a role may do, as the services enforce it, for the app to offer only what
 * will be allowed. Each right says who has it, in the words the app shows
 * beside an action someone may not take.
 */
export const RIGHTS = {
  assignOthers: { minimum: 'manager', who: 'Only managers and above may give a task to someone else' },
  deleteOthersTasks: { minimum: 'manager', who: 'Only a manager or the task\'s creator may delete it' },
  reopenOthersTasks: { minimum: 'manager', who: 'Only a manager or the assignee may reopen a task' },
  manageAutomation: { minimum: 'manager', who: 'Only managers and above may change automation' },
  seeReports: { minimum: 'manager', who: 'Only managers and above see reports' },
  importData: { minimum: 'manager', who: 'Only managers and above may import' },
  archiveRecords: { minimum: 'manager', who: 'Only managers and above may archive a record' },
  managePipelines: { minimum: 'manager', who: 'Only managers and above may change pipelines' },
  managePeople: { minimum: 'admin', who: 'Only admins and the owner may add people or change roles' },
  manageTeams: { minimum: 'admin', who: 'Only admins and the owner may change teams' },
  manageSettings: { minimum: 'admin', who: 'Only admins and the owner may change the business\'s settings' },
  manageIntegrations: { minimum: 'admin', who: 'Only admins and the owner may manage API tokens and webhooks' },
  seeAuditLog: { minimum: 'admin', who: 'Only admins and the owner see the audit log' },
  manageAdmins: { minimum: 'owner', who: 'Only the owner may make or remove admins' },
} as const satisfies Record<string, { minimum: Role; who: string }>;
export type Right = keyof typeof RIGHTS;

/** Every right, and whether this role has it. */
export function rightsOf(role: Role): Record<Right, boolean> {
  return Object.fromEntries(Object.entries(RIGHTS).map(([right, { minimum }]) => [right, roleAtLeast(role, minimum)])) as Record<Right, boolean>;
}

export const rightsView = z
  .object(Object.fromEntries(Object.entries(RIGHTS).map(([right, { who }]) => [right, z.boolean().describe(who)])) as Record<Right, z.ZodBoolean>)
  .describe('what the caller\'s role allows; a member may still delete the tasks they created, take a task or give it up, and reopen what is theirs');

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');
const interval = z
  .tuple([clockTime, clockTime])
  .refine(([from, to]) => from < to, 'the start must be before the end');
export const weeklyHours = z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(interval).max(4)])) as Record<
  (typeof WEEKDAYS)[number],
  z.ZodArray<typeof interval>
>);
export type WeeklyHours = z.infer<typeof weeklyHours>;

export const DEFAULT_BUSINESS_HOURS: WeeklyHours = {
  mon: [['08:00', '17:00']],
  tue: [['08:00', '17:00']],
  wed: [['08:00', '17:00']],
  thu: [['08:00', '17:00']],
  fri: [['08:00', '17:00']],
  sat: [],
  sun: [],
};

export const timezone = z.string().refine((tz) => IANAZone.isValidZone(tz), 'must be an IANA time zone, e.g. Europe/London');
const isoDate = z.iso.date();
export const timeOff = z
  .array(
    z
      .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }), note: z.string().max(200).optional() })
      .refine((away) => Date.parse(away.from) < Date.parse(away.to), { message: 'must be after from', path: ['to'] }),
  )
  .max(200);

export const email = z.email().max(254).transform((e) => e.toLowerCase());
// ASVS 2.1: at least 12 characters, up to 128 (long passphrases welcome), not a commonly used password.
export const password = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(128)
  .refine((p) => p.length < 12 || p.length > 128 || !isCommonPassword(p), 'is too common: it appears in lists of the most used passwords');
const personName = z.string().trim().min(1).max(120);

export const signupBody = z.strictObject({
  orgName: z.string().trim().min(1).max(120),
  timezone,
  name: personName,
  email,
  password,
});

export const sessionBody = z.strictObject({
  email,
  password: z.string().min(1).max(128),
  orgId: z.string().trim().min(1).max(100).optional().describe('which business to sign in to, when the email and password sign in to more than one (the 409 …/choose-organisation answer lists them)'),
  code: z.string().trim().regex(/^\d{3} ?\d{3}$/, 'must be the 6-digit code from the authenticator app').optional().describe('with two-factor sign-in on: the code from the authenticator app'),
  recoveryCode: z.string().trim().min(10).max(20).optional().describe('with two-factor sign-in on, instead of a code: one of the recovery codes (each works once)'),
});

export const createUserBody = z.strictObject({
  name: personName,
  email,
  role: z.enum(ROLES).default('member'),
  password: password.optional(),
  workingHours: weeklyHours.nullable().optional(),
});

export const updateUserBody = z.strictObject({
  name: personName.optional(),
  email: email.optional(),
  role: z.enum(ROLES).optional(),
  active: z.boolean().optional(),
  password: password.optional(),
  currentPassword: z.string().min(1).max(128).optional().describe('your current password: needed to change your own password'),
  workingHours: weeklyHours.nullable().optional(),
  timeOff: timeOff.optional(),
  timezone: timezone.nullable().optional().describe('your own IANA time zone (your morning digest comes at 07:00 in it, your weekly summary at Monday 07:00); null: the organisation\'s'),
});

export const timeOffBody = z.strictObject({
  timeOff: timeOff.describe('every stretch the person is away, replacing what was there; [] clears it'),
});

/** A week: the longest due-soon warning an organisation may ask for. */
export const MAX_DUE_SOON_MINUTES = 7 * 24 * 60;
/** A day: the longest grace before an appointment counts as missed. */
export const MAX_MISSED_GRACE_MINUTES = 24 * 60;

/** An organisation's slug: 2–40 lower-case letters, digits and inner hyphens. */
export const orgSlug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$/, 'must be 2–40 lower-case letters, digits or hyphens, starting and ending with a letter or digit');

/** The slug a new organisation starts from: its name in lower-case ASCII, words joined by hyphens. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  if (slug.length >= 2) return slug;
  return slug ? `business-${slug}` : 'business';
}

export const updateOrgBody = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  slug: orgSlug.optional().describe('the address of its public lead form, /f/<slug>; must be free'),
  timezone: timezone.optional(),
  businessHours: weeklyHours.optional(),
  holidays: z.array(isoDate).max(366).optional(),
  dueSoonMinutes: z.number().int().min(0).max(MAX_DUE_SOON_MINUTES).nullable().optional().describe('minutes before a due date that task.due_soon fires; null: the server default'),
  missedGraceMinutes: z.number().int().min(0).max(MAX_MISSED_GRACE_MINUTES).nullable().optional().describe('minutes after a job\'s scheduled start before it is a missed appointment; null: the server default'),
  requireTwoFactor: z.enum(['none', 'managers']).optional().describe('managers: managers, admins and the owner must sign in with two-factor, and set it up at their next sign-in'),
  passwordSignIn: z.boolean().optional().describe('false: people sign in only with the organisation\'s single sign-on (the owner still may with a password); needs single sign-on set up'),
});

export const teamBody = z.strictObject({
  name: z.string().trim().min(1).max(80),
  memberIds: z.array(z.string().min(1)).max(500).default([]),
  managerId: z.string().min(1).nullable().default(null),
});

export const updateTeamBody = z.strictObject({
  name: z.string().trim().min(1).max(80).optional(),
  memberIds: z.array(z.string().min(1)).max(500).optional(),
  managerId: z.string().min(1).nullable().optional(),
});

export const tokenBody = z.strictObject({
  name: z.string().trim().min(1).max(80),
  expiresAt: z.iso
    .datetime({ offset: true })
    .transform((s) => Date.parse(s))
    .nullable()
    .optional()
    .describe('when the token stops working (a moment in the future); left out or null: it works until revoked'),
});

export type SignupInput = z.infer<typeof signupBody>;
export type CreateUserInput = z.infer<typeof createUserBody>;
export type UpdateUserInput = z.infer<typeof updateUserBody>;
export type UpdateOrgInput = z.infer<typeof updateOrgBody>;
export type TeamInput = z.infer<typeof teamBody>;
export type TokenInput = z.infer<typeof tokenBody>;
export type UpdateTeamInput = z.infer<typeof updateTeamBody>;

// Output shapes, written out on purpose.
export const orgView = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string().describe('its public name in addresses: the lead form is /f/<slug>'),
  timezone: z.string(),
  businessHours: weeklyHours,
  holidays: z.array(z.string()),
  dueSoonMinutes: z.number().nullable().describe('minutes before a due date that task.due_soon fires; null: the server default (FINISHLINE_DUE_SOON_MINUTES)'),
  missedGraceMinutes: z.number().nullable().describe('minutes after a job\'s scheduled start before it is a missed appointment; null: the server default (FINISHLINE_MISSED_GRACE_MINUTES)'),
  requireTwoFactor: z.enum(['none', 'managers']).describe('who must sign in with two-factor: none, or managers and above'),
  passwordSignIn: z.boolean().describe('false: only single sign-on (and the owner\'s password) signs in'),
  storage: z
    .object({ usedBytes: z.number(), limitBytes: z.number().nullable().describe('FINISHLINE_ORG_STORAGE_MB; null: no limit') })
    .optional()
    .describe('what the organisation’s files take (GET /org only)'),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});

export const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  active: z.boolean(),
  workingHours: weeklyHours.nullable(),
  timeOff: z.array(z.object({ from: z.string(), to: z.string(), note: z.string().optional() })),
  timezone: z.string().nullable().describe('the person\'s own IANA time zone; null: they follow the organisation\'s'),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});

export const teamView = z.object({
  id: z.string(),
  name: z.string(),
  memberIds: z.array(z.string()),
  managerId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});

export const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable().describe('when it stops working; null: until revoked. After it, the token answers 401 like an unknown one'),
  lastUsedAt: z.string().nullable().describe('when a request last used it, to the minute (written at most once a minute)'),
  revokedAt: z.string().nullable(),
});

export type TimeOffInput = z.infer<typeof timeOffBody>;
export type OrgView = z.infer<typeof orgView>;
export type UserView = z.infer<typeof userView>;
export type TeamView = z.infer<typeof teamView>;
export type TokenView = z.infer<typeof tokenView>;
