/**
 * What can go wrong in the domain, said without HTTP: repositories and services throw these, and the
 * HTTP layer (`toApiError` in lib/http/problem.ts) turns each into its problem document in one place.
 * Nothing here knows about status codes, problem types as URIs, or requests.
 */

/** One problem with an input: where it is and why it is refused. */
export interface Issue {
  /**
   * Where: a JSON Pointer into the written document (`/tag`, `/notes/markdown`) by default; a query
   * parameter's name with `in: 'query'`; a header's name with `in: 'header'`.
   */
  path: string;
  reason: string;
  in?: 'document' | 'query' | 'header';
}

export interface DomainErrorOptions {
  /** A more specific name for the problem (`tag-taken`), when callers must tell it from others of its kind. */
  code?: string;
  issues?: Issue[];
  cause?: unknown;
}

export abstract class DomainError extends Error {
  abstract readonly kind: 'not-found' | 'conflict' | 'stale' | 'invalid' | 'invalid-parameter' | 'too-large' | 'moved' | 'busy';
  readonly code: string | undefined;
  readonly issues: Issue[] | undefined;

  constructor(message: string, options: DomainErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.issues = options.issues;
  }
}

/** The thing asked for does not exist (or the caller may not know it does). */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
}

/** The change would break a uniqueness or state rule (a tag already taken, a name in use). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}

/**
 * The thing changed since the caller read it: the version the caller expected (`expected: true`) is
 * not the current one, or a concurrent write got there first.
 */
export class StaleError extends DomainError {
  readonly kind = 'stale' as const;
  /** True when the caller named the version it expected and that version is not current. */
  readonly expected: boolean;
  constructor(message: string, options: DomainErrorOptions & { expected?: boolean } = {}) {
    super(message, options);
    this.expected = options.expected ?? false;
  }
}

/** The written document breaks a rule; `issues` say where and why. */
export class InvalidError extends DomainError {
  readonly kind = 'invalid' as const;
}

/** A query parameter (a cursor, a filter) cannot be used; `issues` name it (`in: 'query'`). */
export class InvalidParameterError extends DomainError {
  readonly kind = 'invalid-parameter' as const;
}

/** An input is bigger than the domain accepts. */
export class TooLargeError extends DomainError {
  readonly kind = 'too-large' as const;
}

/** Every worker that could do this is busy; worth retrying shortly. */
export class BusyError extends DomainError {
  readonly kind = 'busy' as const;
}

/** A project asked for by a name it had before: it lives under `to` now. */
export class MovedError extends DomainError {
  readonly kind = 'moved' as const;
  constructor(
    message: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(message, { code: 'project-renamed' });
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
