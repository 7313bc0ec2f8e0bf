import type { NextApiRequest, NextApiResponse } from 'next';
import { hasScope } from '../auth/tokens';
import type { TokenScope } from '../db/schema';
import { readBody } from '../http/body';
import type { ProblemItem } from '../http/errors';
import { toApiError } from '../http/problem';
import type { Handler } from '../http/method-router';
import { setFlash, type FieldError, type FlashMessage } from './flash';
import { requireSameOrigin } from '../auth/same-origin';
import { readSession, type Session } from '../auth/session';
import type { FormValues } from './form-values';

/**
 * The console's HTML forms (which can only GET and POST) post urlencoded bodies to small endpoints
 * under /api/admin. Each calls the same lib/ functions and zod schemas as the REST API and answers
 * `303 See Other` back to a page with a flash message: the outcome, or the problem with the user's
 * input kept. Cross-site posts are refused (403 problem+json) before anything is read.
 */
export { checked, field, fields, type FormValues } from './form-values';

export interface FormRequest {
  req: NextApiRequest;
  res: NextApiResponse;
  session: Session;
  form: FormValues;
}

export interface FormResult {
  /** Where to send the browser (an /admin path). */
  to: string;
  flash?: FlashMessage;
}

export interface FormSpec {
  scope: TokenScope;
  /** The page the form is on: problems go back there, with the input. */
  back: (form: FormValues) => string;
  /** Form field for a problem's JSON Pointer when they differ (`/notes/markdown` → `body`). */
  fields?: Record<string, string>;
  /** Fields never echoed back (secrets). */
  omit?: string[];
  handle: (f: FormRequest) => Promise<FormResult>;
}

/**
 * An /admin path, or the fallback: redirect targets never leave the console (no open redirects).
 * What comes back is percent-encoded printable ASCII, fit for a `Location` header: `/admin/ā` becomes
 * `/admin/%C4%81`; a path with control characters, a broken percent-encoding or one that resolves
 * outside /admin (`/admin/../api`) is the fallback.
 */
export function adminPath(path: string | undefined, fallback = '/admin'): string {
  if (!path || path.length > 2_048 || !/^\/admin(?:[/?#]|$)/.test(path) || /[\\\s]|\/\//.test(path)) return fallback;
  if (/[\u0000-\u001f\u007f]/.test(path) || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(path)) return fallback;
  let url: URL;
  try {
    url = new URL(path, 'http://console.invalid');
    decodeURIComponent(url.pathname);
    decodeURIComponent(url.search.replace(/\+/g, ' '));
  } catch {
    return fallback; // e.g. `%ZZ`: the page could not be routed
  }
  const target = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== 'http://console.invalid' || !/^\/admin(?:\/|$)/.test(url.pathname) || url.pathname.includes('//') || !/^[\x21-\x7e]+$/.test(target)) return fallback;
  return target;
}

export function loginPath(next?: string): string {
  const target = next ? adminPath(next) : '/admin';
  return target === '/admin' ? '/admin/login' : `/admin/login?next=${encodeURIComponent(target)}`;
}

/** Problems from a problem document as errors per form field. */
export function fieldErrors(errors: ProblemItem[] | undefined, map: Record<string, string> = {}): FieldError[] | undefined {
  if (!errors?.length) return undefined;
  return errors.map((e) => {
    const key = e.pointer ?? (e.header ? `header:${e.header}` : (e.parameter ?? ''));
    const mapped = map[key] ?? Object.entries(map).find(([p]) => key.startsWith(`${p}/`))?.[1];
    return { field: mapped ?? (e.pointer ? (e.pointer.split('/')[1] ?? '') : key), detail: e.detail };
  });
}

function keep(form: FormValues, omit: string[] = []): FormValues {
  return Object.fromEntries(Object.entries(form).filter(([k]) => !omit.includes(k)));
}

/** A pages/api handler for one console form. */
export function formHandler(spec: FormSpec): Handler {
  return async function consoleForm(req: NextApiRequest, res: NextApiResponse): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    requireSameOrigin(req);
    const body = await readBody(req, { types: ['application/x-www-form-urlencoded'] });
    const form = body.value as FormValues;
    const back = adminPath(spec.back(form));
    const session = await readSession(req);
    if (!session) {
      const to = loginPath(back);
      await setFlash(res, to, { kind: 'info', message: 'Your session has ended (it expired, or its token was revoked). Sign in again to continue.' });
      res.redirect(303, to);
      return;
    }
    if (!hasScope(session.principal, spec.scope)) {
      await setFlash(res, back, { kind: 'error', message: `This needs a token with the ${spec.scope} scope; you signed in with ${session.principal.scopes.join(', ')}.` });
      res.redirect(303, back);
      return;
    }
    let result: FormResult;
    try {
      result = await spec.handle({ req, res, session, form });
    } catch (err) {
      const e = toApiError(err);
      if (e.status >= 500) throw err;
      await setFlash(res, back, {
        kind: e.status === 412 ? 'conflict' : 'error',
        message: e.detail ?? e.title,
        errors: fieldErrors(e.errors, spec.fields),
        form: keep(form, spec.omit),
      });
      res.redirect(303, back);
      return;
    }
    const to = adminPath(result.to);
    if (result.flash) await setFlash(res, to, result.flash);
    res.redirect(303, to);
  };
}
