// The public lead form: what a visitor sends, what the page learns about the business, and how a request becomes a lead's title.
import { z } from 'zod';

export const leadFormParams = z.strictObject({ slug: z.string().min(1).max(60) });

export const leadFormView = z.object({
  name: z.string().describe("the business's name, for the form's heading"),
  slug: z.string(),
});

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : null));

export const leadFormBody = z
  .strictObject({
    name: z.string().trim().min(1, 'Please tell us your name').max(200),
    phone: optionalText(40),
    email: z
      .union([z.literal(''), z.email('Please check the email address').max(254)])
      .optional()
      .transform((v) => (v ? v.toLowerCase() : null)),
    address: optionalText(500),
    need: z.string().trim().min(1, 'Please tell us what you need').max(5000).describe('what the visitor needs, in their words'),
    website: z.string().max(500).optional().describe('leave empty: a field people never see, which only robots fill in; a request with it is answered as received and dropped'),
  })
  .superRefine((body, ctx) => {
    if (!body.phone && !body.email) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'Please give a phone number or an email address so we can reply' });
  });

export type LeadFormInput = z.infer<typeof leadFormBody>;

export const leadFormReceived = z.object({ received: z.literal(true) });

/** Submissions allowed per client address in a window (the same address may be a household or an office). */
export const DEFAULT_LEAD_FORM_LIMIT = { max: 5, windowMs: 10 * 60_000 };

/** A lead's title from the request: who, and the first words of what they need. */
export function leadTitle(name: string, need: string): string {
  const firstLine = need.split(/\r?\n/).find((line) => line.trim())?.trim() ?? '';
  const summary = firstLine.length > 80 ? `${firstLine.slice(0, 79).trimEnd()}…` : firstLine;
  return `${name.slice(0, 100)} — ${summary}`.slice(0, 200);
}
