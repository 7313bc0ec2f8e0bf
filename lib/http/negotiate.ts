import type { IncomingMessage } from 'node:http';
import Negotiator from 'negotiator';
import { ApiError } from './errors';
import { queryObject } from './validate';

export const REPRESENTATIONS = ['full', 'brief', 'extended'] as const;
export type Representation = (typeof REPRESENTATIONS)[number];

export interface Negotiated {
  representation: Representation;
  /** The Content-Type to answer with. */
  contentType: string;
}

/** `application/vnd.shiplog.release.brief+json` and friends. */
export function vendorType(resource: string, representation: Exclude<Representation, 'full'>): string {
  return `application/vnd.shiplog.${resource}.${representation}+json`;
}

export function offersFor(resource: string): string[] {
  return [
    'application/json',
    `application/vnd.shiplog.${resource}+json`,
    vendorType(resource, 'brief'),
    vendorType(resource, 'extended'),
  ];
}

const VERSION_TYPE = /^application\/vnd\.shiplog\.v\d+\+json$/i;

/**
 * Picks the view (full, brief, extended) and the Content-Type. `?representation=` wins over Accept;
 * Accept may name the vendor types, plain JSON, the version media type or wildcards. Nothing
 * acceptable → 406 listing what is on offer.
 */
export function negotiate(req: IncomingMessage, resource: string): Negotiated {
  const offers = offersFor(resource);
  const raw = req.headers.accept;
  // The version media type (application/vnd.shiplog.v2+json) selects a version, not a view: read it as JSON.
  const accept = raw
    ?.split(',')
    .map((part) => (VERSION_TYPE.test(part.split(';')[0]!.trim()) ? 'application/json' : part))
    .join(',');
  const chosen = accept ? new Negotiator({ headers: { accept } }).mediaType(offers) : 'application/json';
  const param = queryObject(req).representation;
  if (param !== undefined) {
    if (typeof param !== 'string' || !(REPRESENTATIONS as readonly string[]).includes(param)) {
      throw ApiError.badRequest(`representation must be one of ${REPRESENTATIONS.join(', ')}.`, [
        { parameter: 'representation', detail: `must be one of ${REPRESENTATIONS.join(', ')}` },
      ]);
    }
    const representation = param as Representation;
    const vendor = representation === 'full' ? `application/vnd.shiplog.${resource}+json` : vendorType(resource, representation);
    if (!accept) return { representation, contentType: 'application/json' };
    // The parameter wins over Accept, as long as Accept takes any of this resource's types at all.
    if (!chosen) throw notAcceptable(offers, raw);
    const negotiator = new Negotiator({ headers: { accept } });
    return { representation, contentType: negotiator.mediaType([vendor, 'application/json']) ?? vendor };
  }
  if (!chosen) throw notAcceptable(offers, raw);
  if (chosen === vendorType(resource, 'brief')) return { representation: 'brief', contentType: chosen };
  if (chosen === vendorType(resource, 'extended')) return { representation: 'extended', contentType: chosen };
  return { representation: 'full', contentType: chosen };
}

export function notAcceptable(offers: string[], asked: string | undefined): ApiError {
  return new ApiError(406, {
    detail: `None of the media types in Accept (${asked ?? 'none'}) is available here. Available: ${offers.join(', ')}.`,
    extensions: { available: offers },
  });
}
