// A title template as the title editor holds it: runs of text, and the record's details between them
// ("Call ", the lead's title, " back"), and back to the template the API takes ("Call {{record.title}} back").
// A detail keeps the exact text it was read from, so a title nobody edited is saved as it came.

export type Token = { kind: 'text'; text: string } | { kind: 'detail'; field: string; raw: string };

/** The same placeholders the server fills in (src/automation/rule.ts render). */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

export function toTokens(template: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match.index > at) tokens.push({ kind: 'text', text: template.slice(at, match.index) });
    tokens.push({ kind: 'detail', field: match[1]!, raw: match[0] });
    at = match.index + match[0].length;
  }
  if (at < template.length) tokens.push({ kind: 'text', text: template.slice(at) });
  return tokens;
}

export function toTemplate(tokens: readonly Token[]): string {
  return tokens.map((t) => (t.kind === 'text' ? t.text : t.raw)).join('');
}

/** A detail to put into a title: {{record.title}}. */
export function detailToken(field: string): Token {
  return { kind: 'detail', field, raw: `{{${field}}}` };
}

/** Neighbouring text runs as one, and no empty ones: what two token lists that read the same have in common. */
export function normalise(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const token of tokens) {
    const last = out[out.length - 1];
    if (token.kind === 'text' && !token.text) continue;
    if (token.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + token.text };
    else out.push(token);
  }
  return out;
}
