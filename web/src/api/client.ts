// The one way the app talks to the API: JSON in and out, the session cookie,
// the CSRF header on writes, and problem+json turned into an ApiError.
import type { Problem } from './types.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.status = problem.status;
    this.problem = problem;
  }
  /** The message the API gave for one field, e.g. `fieldError('password')`. */
  fieldError(path: string): string | undefined {
    return this.problem.errors?.find((e) => e.path === path || e.path.startsWith(`${path}.`))?.message;
  }
}

/** The request never reached the server (no signal, server down). */
export class NetworkError extends Error {}

export interface Reply<T> {
  data: T;
  etag: string | null;
}

const listeners = new Set<() => void>();
/** Called when the API says the session is gone, so the app can show the log-in page. */
export function onSignedOut(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function csrfToken(): string {
  const match = /(?:^|;\s*)fl_csrf=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]!) : '';
}

export async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json', ...headers } };
  if (method !== 'GET' && method !== 'HEAD') (init.headers as Record<string, string>)['x-csrf-token'] = csrfToken();
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new NetworkError((error as Error).message);
  }
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const problem = (parsed as Problem | null) ?? { type: 'about:blank', title: response.statusText, status: response.status, detail: response.statusText };
    if (response.status === 401 && !path.startsWith('/api/v1/sessions') && path !== '/api/v1/signup') listeners.forEach((l) => l());
    throw new ApiError(problem);
  }
  return { data: parsed as T, etag: response.headers.get('etag') };
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path).then((r) => r.data),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, body, headers).then((r) => r.data),
  patch: <T>(path: string, body: unknown, headers?: Record<string, string>) => request<T>('PATCH', path, body, headers).then((r) => r.data),
  put: <T>(path: string, body: unknown, headers?: Record<string, string>) => request<T>('PUT', path, body, headers).then((r) => r.data),
  delete: (path: string, headers?: Record<string, string>) => request<null>('DELETE', path, undefined, headers).then(() => undefined),
};

export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A human sentence for any failure, for toasts. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.problem.errors?.length) return error.problem.errors.map((e) => `${e.path} ${e.message}`).join('; ');
    return error.message;
  }
  if (error instanceof NetworkError) return 'No connection to the server';
  return error instanceof Error ? error.message : String(error);
}
