// What the settings forms share: a problem's messages by field, shown under each field, and saving with the version read.
import { ApiError, describeError, request } from '../api/client.ts';

export type Errors = Record<string, string>;

export function errorsOf(error: unknown): Errors {
  if (error instanceof ApiError && error.problem.errors?.length) return Object.fromEntries(error.problem.errors.map((e) => [e.path, e.message]));
  return { _: describeError(error) };
}

export function FieldError({ errors, path }: { errors: Errors; path: string }) {
  const message = Object.entries(errors).find(([p]) => p === path || p.startsWith(`${path}.`))?.[1];
  return message ? <p className="field-error" role="alert">{message}</p> : null;
}

/** Sends a change with the resource's version, and reports the outcome. */
export async function save<T>(method: string, path: string, body: unknown, version?: number): Promise<T> {
  const headers: Record<string, string> = version === undefined ? {} : { 'if-match': `"${version}"` };
  return (await request<T>(method, path, body, headers)).data;
}
