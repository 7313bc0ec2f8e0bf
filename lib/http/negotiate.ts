import type { IncomingMessage } from 'node:http';
import Negotiator from 'negotiator';
import { ApiError } from './errors';
import { queryObject } from './validate';

export const REPRESENTATIONS = ['full', 'brief', 'extended'] as const;
export type Representation = (typeof REPRESENTATIONS)[number];

export interface Negotiated {
  representation: Representation;
  /** The Content-Type to answer with: it always names the view (see `viewType`). */
  contentType: string;
}

const JSON_TYPE = 'application/json';

/** `application/vnd.shiplog.release.brief+json` and friends. */
export function vendorType(resource: string, representation: Representation): string {
  return representation === 'full' ? `application/vnd.shiplog.${resource}+json` : `application/vnd.shiplog.${resource}.${representation}+json`;
}

/**
 * The media type of a sparse fieldset (`fields=`): any subset of a view's members. A response with
 * `fields=` says so in its Content-Type, so `application/json` and the view types always carry every
 * member of their view.
 */
export function sparseType(resource: string): string {
  return `application/vnd.shiplog.${resource}.sparse+json`;
}

export function offersFor(resource: string): string[] {
  return [JSON_TYPE, vendorType(resource, 'full'), vendorType(resource, 'brief'), vendorType(resource, 'extended')];
}

/** Types Accept may name that select no view: the version media type and the sparse types (read as JSON). */
const JSON_ALIAS = /^application\/vnd\.shiplog\.(?:v\d+|[a-z]+\.sparse)\+json$/i;

function normalisedAccept(raw: string | undefined): string | undefined {
  return raw
    ?.split(',')
    .map((part) => {
      const semi = part.indexOf(';');
      const type = semi === -1 ? part : part.slice(0, semi);
      // Keep the parameters (q=): only the type is read as JSON.
      return JSON_ALIAS.test(type.trim()) ? `${JSON_TYPE}${semi === -1 ? '' : part.slice(semi)}` : part;
    })
    .join(',');
}

/** The type of the full view: plain JSON, or its vendor type when Accept prefers that. */
function fullType(resource: string, accept: string | undefined): string {
  if (!accept) return JSON_TYPE;
  return new Negotiator({ headers: { accept } }).mediaType([JSON_TYPE, vendorType(resource, 'full')]) ?? JSON_TYPE;
}

/**
 * Picks the view (full, brief, extended) and the Content-Type. `?representation=` wins over Accept;
 * Accept may name the vendor types, plain JSON, the version media type or wildcards. Nothing
 * acceptable → 406 listing what is on offer.
 *
 * The Content-Type names the view, whichever way it was chosen: brief and extended are always sent as
 * their vendor type, and `application/json` always carries the full view (so a typed client can rely on
 * one schema per media type). The vendor types are JSON (`+json`) for any JSON parser.
 */
export function negotiate(req: IncomingMessage, resource: string): Negotiated {
  const offers = offersFor(resource);
  const raw = req.headers.accept;
  const accept = normalisedAccept(raw);
  const chosen = accept ? new Negotiator({ headers: { accept } }).mediaType(offers) : JSON_TYPE;
  const param = queryObject(req).representation;
  if (param !== undefined) {
    if (typeof param !== 'string' || !(REPRESENTATIONS as readonly string[]).includes(param)) {
      throw ApiError.badRequest(`representation must be one of ${REPRESENTATIONS.join(', ')}.`, [
        { parameter: 'representation', detail: `must be one of ${REPRESENTATIONS.join(', ')}` },
      ]);
    }
    // The parameter wins over Accept, as long as Accept takes any of this resource's types at all.
    if (!chosen) throw notAcceptable(offers, raw);
    const representation = param as Representation;
    return { representation, contentType: representation === 'full' ? fullType(resource, accept) : vendorType(resource, representation) };
  }
  if (!chosen) throw notAcceptable(offers, raw);
  if (chosen === vendorType(resource, 'brief')) return { representation: 'brief', contentType: chosen };
  if (chosen === vendorType(resource, 'extended')) return { representation: 'extended', contentType: chosen };
  return { representation: 'full', contentType: chosen };
}

/**
 * Where a response has no extended view (writes; project lists), the extended view is the full one:
 * answered as the full view's type, never as the extended type with a full body.
 */
export function withoutExtended(req: IncomingMessage, resource: string, rep: Negotiated): Negotiated {
  if (rep.representation !== 'extended') return rep;
  return { representation: 'full', contentType: fullType(resource, normalisedAccept(req.headers.accept)) };
}

export function notAcceptable(offers: string[], asked: string | undefined): ApiError {
  return new ApiError(406, {
    detail: `None of the media types in Accept (${asked ?? 'none'}) is available here. Available: ${offers.join(', ')}.`,
    extensions: { available: offers },
  });
}

/**
 * For responses that are JSON and nothing else (no views): 406 unless Accept is absent or takes
 * `application/json` (a wildcard, `+json` aliases such as the version media type, or JSON itself).
 */
export function requireJsonAccept(req: IncomingMessage): void {
  const raw = req.headers.accept;
  if (!raw) return;
  if (!new Negotiator({ headers: { accept: normalisedAccept(raw) } }).mediaType([JSON_TYPE])) throw notAcceptable([JSON_TYPE], raw);
}
