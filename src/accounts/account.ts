// Accounts: the request and response shapes of invitations, password resets,
// sessions, two-factor sign-in and single sign-on, and their fixed rules.
import { z } from 'zod';
import { email, password, ROLES } from '../people/person.ts';

export { userView } from '../people/person.ts';

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;
export const RESET_TTL_MS = 3600_000;
/** Reset requests allowed per client address, and per email, in a window. */
export const RESET_LIMITS = { perAddress: 10, perEmail: 3, windowMs: 3600_000 };

const personName = z.string().trim().min(1).max(120);
const token = z.string().min(10).max(200);

export const invitationBody = z.strictObject({
  email,
  role: z.enum(ROLES).default('member'),
  teamIds: z.array(z.string().min(1).max(100)).max(50).default([]),
  name: personName.optional(),
});
export type InvitationInput = z.infer<typeof invitationBody>;

export const invitationView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  teamIds: z.array(z.string()),
  invitedBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  sentAt: z.string().nullable().describe('when the link was last emailed; null while email is off'),
});

export const invitationCreated = invitationView.extend({
  acceptUrl: z.string().optional().describe('the link to pass on, present only when email is off (it is not shown again)'),
});

export const acceptBody = z.strictObject({ token, name: personName, password });
export const invitationLookupBody = z.strictObject({ token });

export const invitationDetailsView = z.object({
  email: z.string(),
  name: z.string().nullable().describe('the name the admin gave, if any'),
  role: z.enum(ROLES),
  org: z.object({ name: z.string(), slug: z.string() }),
  passwordSignIn: z.boolean().describe('false: the business signs in with single sign-on only, so the invitation is accepted by signing in with it (no password)'),
  sso: z.object({ name: z.string() }).nullable().describe('the business’s single sign-on button, if it has one'),
});

export const resetRequestBody = z.strictObject({ email });
export const resetConfirmBody = z.strictObject({ token, password });

export const sessionView = z.object({
  id: z.string(),
  kind: z.enum(['session', 'api']),
  name: z.string(),
  userAgent: z.string().nullable(),
  address: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  current: z.boolean(),
});

const code = z.string().trim().regex(/^\d{3} ?\d{3}$/, 'must be the 6-digit code from the authenticator app');
export const twoFactorCodeBody = z.strictObject({ code });
export const twoFactorOffBody = z.strictObject({ code: z.string().trim().min(6).max(20).describe('a current code, or an unused recovery code') });

export const renewCodesBody = z.strictObject({
  code: code.optional().describe('the code the authenticator app shows now'),
  password: z.string().min(1).max(128).optional().describe('instead of a code: your password'),
});

export const twoFactorPeopleView = z.object({
  items: z.array(z.object({ userId: z.string(), since: z.string().describe('when it was turned on') })),
});

export const twoFactorSetupView = z.object({
  secret: z.string().describe('base32, for typing into an authenticator app'),
  otpauthUrl: z.string(),
  qrCode: z.string().describe('the otpauth address as a QR code: a data: URL of a PNG image'),
});

const pendingToken = z.string().min(10).max(200).describe('the pendingToken of the sign-in’s 401 answer');
export const secondStepBody = z.strictObject({
  pendingToken,
  code: code.optional(),
  recoveryCode: z.string().trim().min(10).max(20).optional().describe('instead of a code: one of the recovery codes (each works once)'),
});
export const pendingSetupBody = z.strictObject({ pendingToken });
export const pendingConfirmBody = z.strictObject({ pendingToken, code });
export const recoveryCodesView = z.object({ recoveryCodes: z.array(z.string()).describe('10 single-use codes, shown this once; only their hashes are kept') });

export const twoFactorStatusView = z.object({
  enabled: z.boolean(),
  required: z.boolean().describe('the organisation asks this person to use two-factor sign-in'),
  recoveryCodesLeft: z.number(),
});

export const signInPolicyBody = z.strictObject({
  requireTwoFactor: z.enum(['none', 'managers']).optional(),
  passwordSignIn: z.boolean().optional(),
});

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain such as example.com');

export const ssoSettingsBody = z.strictObject({
  name: z.string().trim().min(1).max(60).describe('the button says "Sign in with <name>"'),
  issuer: z.url({ protocol: /^https?$/ }).max(500),
  clientId: z.string().trim().min(1).max(300),
  clientSecret: z.string().min(1).max(500).optional().describe('required the first time; left out, the saved one is kept'),
  allowedDomains: z.array(domain).min(1).max(20),
});
export type SsoSettingsInput = z.infer<typeof ssoSettingsBody>;

export const ssoSettingsView = z.object({
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  allowedDomains: z.array(z.string()),
  redirectUri: z.string().describe('register this as the redirect URI at the provider'),
  updatedAt: z.string(),
});
