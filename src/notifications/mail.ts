// Email: the SMTP transport (nodemailer) and the messages we send — one per
// notification, and the daily digest — each as plain text and simple HTML.
import type { Transporter } from 'nodemailer';
import type { NotificationKind } from './notification.ts';

export interface MailConfig {
  /** smtp://user:pass@host:port (smtps:// for TLS from the start). */
  smtpUrl: string;
  from: string;
  /** Where people open the web app: links in mail point there. */
  publicUrl: string;
}

export interface Message {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(message: Message): Promise<void>;
  close(): void;
}

export function smtpMailer(config: MailConfig): Mailer {
  // Short timeouts: a dead server must not hold the worker round for minutes.
  // nodemailer is loaded with the first message, not with the server.
  let transport: Promise<Transporter> | undefined;
  const open = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({ url: config.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }),
    ));
  return {
    async send(message) {
      await (await open()).sendMail({ from: config.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
    close: () => void transport?.then((opened) => opened.close()),
  };
}

export function taskLink(publicUrl: string, taskKey: string): string {
  // The web app opens a task in its drawer over the task list.
  return `${publicUrl.replace(/\/+$/, '')}/tasks?task=${encodeURIComponent(taskKey)}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const SUBJECT_PREFIX: Record<NotificationKind, string> = {
  assigned: 'Assigned to you',
  mentioned: 'You were mentioned',
  due_soon: 'Due soon',
  overdue: 'Overdue',
  escalated: 'Escalated to you',
  rule: 'Notice',
  unblocked: 'Ready to start',
};

export function notificationEmail(
  config: Pick<MailConfig, 'publicUrl'>,
  to: { email: string; name: string },
  notification: { kind: NotificationKind; message: string; taskKey: string | null },
): Message {
  const link = notification.taskKey ? taskLink(config.publicUrl, notification.taskKey) : config.publicUrl;
  const subject = `${SUBJECT_PREFIX[notification.kind]}: ${notification.message}`.slice(0, 200);
  const text = `Hello ${to.name},\n\n${notification.message}\n\nOpen it: ${link}\n\n— Finishline (change what you receive in Settings → Notifications)\n`;
  const html =
    `<p>Hello ${escapeHtml(to.name)},</p><p>${escapeHtml(notification.message)}</p>` +
    `<p><a href="${escapeHtml(link)}">Open ${escapeHtml(notification.taskKey ?? 'Finishline')}</a></p>` +
    '<p style="color:#666">Finishline — change what you receive in Settings → Notifications.</p>';
  return { to: to.email, subject, text, html };
}

export interface DigestTask {
  key: string;
  title: string;
  dueAt: string | null;
}

export interface DigestContent {
  localDate: string;
  overdue: DigestTask[];
  dueToday: DigestTask[];
  unread: { message: string; taskKey: string | null }[];
}

export function digestEmail(config: Pick<MailConfig, 'publicUrl'>, to: { email: string; name: string }, content: DigestContent): Message {
  const sections: { title: string; lines: { text: string; link: string }[] }[] = [
    { title: 'Overdue', lines: content.overdue.map((t) => ({ text: `${t.key} ${t.title}${t.dueAt ? ` (was due ${t.dueAt})` : ''}`, link: taskLink(config.publicUrl, t.key) })) },
    { title: 'Due today', lines: content.dueToday.map((t) => ({ text: `${t.key} ${t.title}${t.dueAt ? ` (due ${t.dueAt})` : ''}`, link: taskLink(config.publicUrl, t.key) })) },
    { title: 'Unread notifications', lines: content.unread.map((n) => ({ text: n.message, link: n.taskKey ? taskLink(config.publicUrl, n.taskKey) : config.publicUrl })) },
  ].filter((s) => s.lines.length > 0);
  const subject = `Your day, ${content.localDate}: ${content.overdue.length} overdue, ${content.dueToday.length} due today, ${content.unread.length} unread`;
  const text =
    `Good morning ${to.name},\n\n` +
    sections.map((s) => `${s.title}\n${s.lines.map((l) => `- ${l.text}\n  ${l.link}`).join('\n')}`).join('\n\n') +
    `\n\n— Finishline (${config.publicUrl})\n`;
  const html =
    `<p>Good morning ${escapeHtml(to.name)},</p>` +
    sections
      .map((s) => `<h3>${escapeHtml(s.title)}</h3><ul>${s.lines.map((l) => `<li><a href="${escapeHtml(l.link)}">${escapeHtml(l.text)}</a></li>`).join('')}</ul>`)
      .join('') +
    `<p style="color:#666">Finishline — <a href="${escapeHtml(config.publicUrl)}">open the app</a>.</p>`;
  return { to: to.email, subject, text, html };
}
