import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors';
import { negotiate, offersFor, sparseType, vendorType, withoutExtended } from './negotiate';

const JSON_TYPE = 'application/json';
const FULL = 'application/vnd.shiplog.release+json';
const BRIEF = 'application/vnd.shiplog.release.brief+json';
const EXTENDED = 'application/vnd.shiplog.release.extended+json';

function request(accept: string | undefined, query = ''): IncomingMessage {
  return { headers: accept === undefined ? {} : { accept }, url: `/api/v2/projects/acme/rocket/releases/v1.0.0${query}` } as IncomingMessage;
}

function failure(accept: string | undefined, query = ''): ApiError {
  try {
    negotiate(request(accept, query), 'release');
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('negotiate() did not throw');
}

describe('vendor media types', () => {
  it('names the views of a resource', () => {
    expect(vendorType('project', 'brief')).toBe('application/vnd.shiplog.project.brief+json');
    expect(offersFor('release')).toEqual([JSON_TYPE, FULL, BRIEF, EXTENDED]);
  });
});

describe('negotiate(): Accept', () => {
  it.each<[string | undefined, string, string]>([
    [undefined, 'full', JSON_TYPE],
    ['application/json', 'full', JSON_TYPE],
    ['*/*', 'full', JSON_TYPE],
    ['application/*', 'full', JSON_TYPE],
    [FULL, 'full', FULL],
    [BRIEF, 'brief', BRIEF],
    [EXTENDED, 'extended', EXTENDED],
    [`${BRIEF}, application/json;q=0.5`, 'brief', BRIEF],
    [`${BRIEF};q=0.4, application/json`, 'full', JSON_TYPE],
    [`text/html, ${EXTENDED};q=0.9`, 'extended', EXTENDED],
    ['application/vnd.shiplog.v2+json', 'full', JSON_TYPE], // the version media type selects a version, not a view
    ['application/vnd.shiplog.v1+json; q=1, text/html', 'full', JSON_TYPE],
    ['APPLICATION/JSON', 'full', JSON_TYPE],
  ])('Accept %s → %s as %s', (accept, representation, contentType) => {
    expect(negotiate(request(accept), 'release')).toEqual({ representation, contentType });
  });

  it.each(['text/html', 'application/xml, text/*', 'application/vnd.shiplog.project.brief+json', 'application/json;q=0'])('Accept %s → 406 listing what is available', (accept) => {
    const err = failure(accept);
    expect(err.status).toBe(406);
    expect(err.extensions.available).toEqual(offersFor('release'));
    expect(err.detail).toContain(accept);
  });
});

describe('negotiate(): ?representation=', () => {
  it.each<[string | undefined, string, string, string]>([
    // The Content-Type names the view, however it was chosen: application/json is always the full view.
    [undefined, 'brief', 'brief', BRIEF],
    [undefined, 'extended', 'extended', EXTENDED],
    [undefined, 'full', 'full', JSON_TYPE],
    ['application/json', 'brief', 'brief', BRIEF],
    ['application/json', 'full', 'full', JSON_TYPE],
    ['*/*', 'full', 'full', JSON_TYPE],
    ['*/*', 'extended', 'extended', EXTENDED],
    [BRIEF, 'brief', 'brief', BRIEF],
    [`${BRIEF}, application/json`, 'brief', 'brief', BRIEF],
    [FULL, 'full', 'full', FULL],
  ])('Accept %s with ?representation=%s → %s as %s', (accept, param, representation, contentType) => {
    expect(negotiate(request(accept, `?representation=${param}`), 'release')).toEqual({ representation, contentType });
  });

  it('wins over an Accept that names another view; 406 only when Accept takes none of the types', () => {
    expect(negotiate(request(`${EXTENDED}, application/json;q=0.1`, '?representation=brief'), 'release')).toEqual({ representation: 'brief', contentType: BRIEF });
    expect(negotiate(request(EXTENDED, '?representation=brief'), 'release')).toEqual({ representation: 'brief', contentType: 'application/vnd.shiplog.release.brief+json' });
    expect(failure('text/html', '?representation=brief').status).toBe(406);
  });

  it.each(['?representation=tiny', '?representation=', '?representation=brief&representation=full'])('%s → 400 naming the parameter', (query) => {
    const err = failure(undefined, query);
    expect(err.status).toBe(400);
    expect(err.errors).toEqual([{ parameter: 'representation', detail: 'must be one of full, brief, extended' }]);
  });

  it('reads the sparse type in Accept as JSON (a client may send every documented type)', () => {
    expect(negotiate(request(sparseType('release')), 'release')).toEqual({ representation: 'full', contentType: JSON_TYPE });
    expect(negotiate(request(`${sparseType('release')};q=0.5, ${BRIEF}`, '?fields=tag'), 'release')).toEqual({ representation: 'brief', contentType: BRIEF });
  });

  it('negotiates per resource', () => {
    expect(negotiate(request('application/vnd.shiplog.project.extended+json'), 'project')).toEqual({
      representation: 'extended',
      contentType: 'application/vnd.shiplog.project.extended+json',
    });
  });
});

describe('withoutExtended(): responses that have no extended view', () => {
  it.each<[string | undefined, string, string]>([
    [undefined, '?representation=extended', JSON_TYPE],
    [EXTENDED, '', JSON_TYPE],
    [`${EXTENDED}, ${FULL}`, '', FULL],
  ])('Accept %s %s → the full view as %s', (accept, query, contentType) => {
    const req = request(accept, query);
    expect(withoutExtended(req, 'release', negotiate(req, 'release'))).toEqual({ representation: 'full', contentType });
  });

  it('leaves the other views alone', () => {
    const req = request(BRIEF);
    expect(withoutExtended(req, 'release', negotiate(req, 'release'))).toEqual({ representation: 'brief', contentType: BRIEF });
  });
});
