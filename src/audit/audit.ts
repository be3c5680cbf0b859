// The audit log's vocabulary: which security-relevant actions are recorded, and how an entry is shown.
import { z } from 'zod';

export const AUDIT_ACTIONS = [
  'org.created',
  'org.settings_changed',
  'session.created',
  'session.login_failed',
  'session.login_throttled',
  'session.ended',
  'session.ended_everywhere',
  'user.created',
  'user.role_changed',
  'user.deactivated',
  'user.reactivated',
  'user.email_changed',
  'user.password_changed',
  'token.created',
  'token.revoked',
  'invitation.created',
  'invitation.resent',
  'invitation.revoked',
  'invitation.accepted',
  'password.reset_requested',
  'password.reset',
  'two_factor.enabled',
  'two_factor.disabled',
  'two_factor.recovery_code_used',
  'two_factor.recovery_codes_renewed',
  'two_factor.reset',
  'sso.signed_in',
  'sso.settings_changed',
  'sso.settings_removed',
  'org.sign_in_policy_changed',
  'data.exported',
  'data.imported',
  'data.restored',
  'rule.created',
  'rule.changed',
  'rule.deleted',
  'webhook.created',
  'webhook.changed',
  'webhook.deleted',
  'webhook.secret_rotated',
  'webhook.disabled',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  orgId: string;
  /** Who did it; null when nobody was signed in (a failed login). */
  actorId: string | null;
  action: AuditAction;
  subject: { type: string; id: string } | null;
  /** What changed, never a secret: from/to values, names, counts. */
  data?: Record<string, unknown>;
  ip?: string | null;
}

export const auditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(500).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  actorId: z.string().min(1).max(100).optional(),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const auditEntryView = z.object({
  id: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  actorId: z.string().nullable(),
  subject: z.object({ type: z.string(), id: z.string() }).nullable(),
  data: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  at: z.string(),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;
