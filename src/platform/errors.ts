// The few kinds of failure a use case can report; HTTP maps each to one status.
export interface FieldError {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly errors?: FieldError[];
  /** The last part of the problem's `type` when it is more particular than the status (e.g. `two-factor-required`). */
  problemType?: string;
  /** More members of the problem document (e.g. the token of a sign-in's second step). */
  extra?: Record<string, unknown>;
  constructor(message: string, errors?: FieldError[]) {
    super(message);
    this.name = new.target.name;
    this.errors = errors;
  }
  /** This error, as a problem of a particular type with more members. */
  typed(problemType: string, extra?: Record<string, unknown>): this {
    this.problemType = problemType;
    this.extra = extra;
    return this;
  }
}

export class Invalid extends DomainError {
  readonly status = 400;
  readonly code = 'invalid';
  constructor(message: string, errors: FieldError[] = []) {
    super(message, errors);
  }
  static field(path: string, message: string): Invalid {
    return new Invalid(`${path}: ${message}`, [{ path, message }]);
  }
}

export class Unauthorized extends DomainError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly code = 'forbidden';
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly code = 'not-found';
  constructor(what: string, errors?: FieldError[]) {
    super(`${what} not found`, errors);
  }
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly code = 'conflict';
}

/** A body, or what it would add to a quota, is larger than allowed. */
export class TooLarge extends DomainError {
  readonly status = 413;
  readonly code = 'too-large';
}

export class Stale extends DomainError {
  readonly status = 412;
  readonly code = 'stale';
  constructor(readonly currentVersion: number) {
    super(`The resource has changed (now at version ${currentVersion}); reload it and try again`);
  }
}

/** Too many attempts; the client may try again after `retryAfterSeconds`. */
export class TooManyAttempts extends DomainError {
  readonly status = 429;
  readonly code = 'too-many-attempts';
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

export class Unavailable extends DomainError {
  readonly status = 503;
  readonly code = 'unavailable';
}
