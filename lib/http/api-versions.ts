/** API versions, shared by middleware (edge) and routes (node): keep this file free of Node imports. */
export const API_VERSIONS = ['1', '2'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export const LATEST_VERSION: ApiVersion = '2';

/** Set by middleware on requests whose version it chose from headers (unversioned paths). */
export const NEGOTIATED_HEADER = 'x-shiplog-negotiated-version';

const VENDOR = /application\/vnd\.shiplog\.v(\d+)\+json/i;

export type VersionChoice = { ok: true; version: ApiVersion } | { ok: false; asked: string; source: string };

/**
 * The version an unversioned request asks for: `API-Version` header (alias `version`), else the vendor
 * media type `application/vnd.shiplog.vN+json` in Accept, else the latest.
 */
export function chooseVersion(headers: { get(name: string): string | null }): VersionChoice {
  const header = headers.get('api-version') ?? headers.get('version');
  if (header !== null) {
    const asked = header.trim().replace(/^v/i, '');
    return (API_VERSIONS as readonly string[]).includes(asked)
      ? { ok: true, version: asked as ApiVersion }
      : { ok: false, asked: header, source: headers.get('api-version') !== null ? 'API-Version' : 'version' };
  }
  const vendor = VENDOR.exec(headers.get('accept') ?? '');
  if (vendor) {
    const asked = vendor[1] ?? '';
    return (API_VERSIONS as readonly string[]).includes(asked)
      ? { ok: true, version: asked as ApiVersion }
      : { ok: false, asked: `application/vnd.shiplog.v${asked}+json`, source: 'Accept' };
  }
  return { ok: true, version: LATEST_VERSION };
}
