import { chooseVersion } from './api-versions';

const h = (init: Record<string, string>) => new Headers(init);

describe('chooseVersion()', () => {
  it('defaults to the latest', () => expect(chooseVersion(h({}))).toEqual({ ok: true, version: '2' }));
  it('reads API-Version, with or without a v', () => {
    expect(chooseVersion(h({ 'api-version': '1' }))).toEqual({ ok: true, version: '1' });
    expect(chooseVersion(h({ 'api-version': 'v1' }))).toEqual({ ok: true, version: '1' });
  });
  it('accepts `version` as an alias', () => expect(chooseVersion(h({ version: '1' }))).toEqual({ ok: true, version: '1' }));
  it('reads the vendor media type', () => expect(chooseVersion(h({ accept: 'application/vnd.shiplog.v1+json' }))).toEqual({ ok: true, version: '1' }));
  it('rejects an unknown version, saying where it came from', () => {
    expect(chooseVersion(h({ 'api-version': '9' }))).toEqual({ ok: false, asked: '9', source: 'API-Version' });
    expect(chooseVersion(h({ accept: 'application/vnd.shiplog.v7+json' }))).toMatchObject({ ok: false, source: 'Accept' });
  });
});
