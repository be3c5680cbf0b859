// The email of accounts — an invitation, a password reset, a two-factor reset — as plain text and
// simple HTML, with links built only from the configured public address
// (FINISHLINE_PUBLIC_URL), never from a request's Host header; and the queue
// that sends them after the request has been answered.

export interface AccountMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** What sends a message (the SMTP transport server.ts hands in). */
export interface MessageSender {
  send(message: AccountMessage): Promise<void>;
}

export interface AccountMail {
  /** Whether email goes out at all (SMTP configured). */
  readonly enabled: boolean;
  readonly publicUrl: string;
  /** Runs the work after the caller's reply, one piece at a time; a failure is logged, never thrown to the caller. */
  later(work: () => Promise<void>): void;
  send(message: AccountMessage): Promise<void>;
  /** Resolves when every piece of work handed in so far is done (tests, and closing the server). */
  idle(): Promise<void>;
}

export function accountMail(options: { sender?: MessageSender; publicUrl: string; onError: (error: unknown) => void }): AccountMail {
  let tail: Promise<void> = Promise.resolve();
  return {
    enabled: options.sender !== undefined,
    publicUrl: options.publicUrl.replace(/\/+$/, ''),
    later(work) {
      tail = tail.then(work).catch(options.onError);
    },
    async send(message) {
      if (!options.sender) throw new Error('Email is not configured');
      await options.sender.send(message);
    },
    async idle() {
      let seen: Promise<void>;
      do {
        seen = tail;
        await seen;
      } while (seen !== tail);
    },
  };
}

export function acceptLink(publicUrl: string, token: string): string {
  return `${publicUrl}/accept-invitation?token=${encodeURIComponent(token)}`;
}

export function resetLink(publicUrl: string, token: string): string {
  return `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function invitationEmail(
  to: string,
  content: { orgName: string; inviterName: string; role: string; link: string; expiresAt: string; publicUrl: string },
): AccountMessage {
  const subject = `${content.inviterName} invited you to ${content.orgName} on Finishline`;
  const expires = new Date(content.expiresAt).toUTCString();
  const text =
    `Hello,\n\n${content.inviterName} invited you to join ${content.orgName} on Finishline as ${article(content.role)} ${content.role}.\n\n` +
    `Choose your name and password here:\n${content.link}\n\n` +
    `The link works once and until ${expires}. If you did not expect this, ignore this email.\n\n— ${content.orgName} on Finishline (${content.publicUrl})\n`;
  const html =
    `<p>Hello,</p><p>${escapeHtml(content.inviterName)} invited you to join <strong>${escapeHtml(content.orgName)}</strong> on Finishline as ${article(content.role)} ${escapeHtml(content.role)}.</p>` +
    `<p><a href="${escapeHtml(content.link)}">Accept the invitation</a></p>` +
    `<p>The link works once and until ${escapeHtml(expires)}. If you did not expect this, ignore this email.</p>` +
    `<p style="color:#666">${escapeHtml(content.orgName)} on <a href="${escapeHtml(content.publicUrl)}">Finishline</a></p>`;
  return { to, subject, text, html };
}

export function passwordResetEmail(to: string, content: { orgName: string; name: string; link: string; publicUrl: string }): AccountMessage {
  const subject = `Reset your Finishline password for ${content.orgName}`;
  const text =
    `Hello ${content.name},\n\nSomeone — we hope you — asked to reset your password for ${content.orgName} on Finishline.\n\n` +
    `Choose a new password here (the link works once, for an hour):\n${content.link}\n\n` +
    `Setting a new password signs you out everywhere. If you did not ask for this, ignore this email: your password stays as it is.\n\n` +
    `— ${content.orgName} on Finishline (${content.publicUrl})\n`;
  const html =
    `<p>Hello ${escapeHtml(content.name)},</p><p>Someone — we hope you — asked to reset your password for <strong>${escapeHtml(content.orgName)}</strong> on Finishline.</p>` +
    `<p><a href="${escapeHtml(content.link)}">Choose a new password</a> (the link works once, for an hour).</p>` +
    `<p>Setting a new password signs you out everywhere. If you did not ask for this, ignore this email: your password stays as it is.</p>` +
    `<p style="color:#666">${escapeHtml(content.orgName)} on <a href="${escapeHtml(content.publicUrl)}">Finishline</a></p>`;
  return { to, subject, text, html };
}

export function twoFactorResetEmail(
  to: string,
  content: { orgName: string; name: string; adminName: string; setUpAgain: boolean; publicUrl: string },
): AccountMessage {
  const subject = `Your two-factor sign-in for ${content.orgName} was reset`;
  const next = content.setUpAgain
    ? 'Your business requires two-factor sign-in, so you will set it up again with your authenticator app when you next sign in.'
    : 'When you next sign in, only your password is asked. You can turn two-factor sign-in on again in Settings, under Security.';
  const warning = `You have been signed out everywhere. If you did not ask for this, tell ${content.adminName} or another admin at once.`;
  const text =
    `Hello ${content.name},\n\n${content.adminName} reset your two-factor sign-in for ${content.orgName} on Finishline: your authenticator app's codes and your recovery codes no longer work.\n\n` +
    `${next}\n\n${warning}\n\nSign in: ${content.publicUrl}/login\n\n— ${content.orgName} on Finishline (${content.publicUrl})\n`;
  const html =
    `<p>Hello ${escapeHtml(content.name)},</p><p>${escapeHtml(content.adminName)} reset your two-factor sign-in for <strong>${escapeHtml(content.orgName)}</strong> on Finishline: your authenticator app's codes and your recovery codes no longer work.</p>` +
    `<p>${escapeHtml(next)}</p><p>${escapeHtml(warning)}</p>` +
    `<p><a href="${escapeHtml(content.publicUrl)}/login">Sign in</a></p>` +
    `<p style="color:#666">${escapeHtml(content.orgName)} on <a href="${escapeHtml(content.publicUrl)}">Finishline</a></p>`;
  return { to, subject, text, html };
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
