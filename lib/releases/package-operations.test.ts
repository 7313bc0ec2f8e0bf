import type { Principal } from '../auth/principal';
import { write } from '../db/write';
import { createProject } from '../projects/repo';
import { useTestDatabase } from '../test/db';
import { listPackages } from './package-operations';
import type { ReleaseWrite } from './schema';
import * as service from './service';

useTestDatabase();
const principal: Principal = { kind: 'token', tokenId: 1, name: 'tester', scopes: ['read', 'write'] };
const release = (tag: string, over: Partial<ReleaseWrite> = {}): ReleaseWrite => ({
  tag,
  name: null,
  body: '',
  url: null,
  publishedAt: new Date('2026-04-01T00:00:00Z'),
  prerelease: false,
  draft: false,
  hidden: false,
  author: null,
  ...over,
});

describe('listPackages', () => {
  it('lists each package with its latest version in semver order and its release count; readers count public releases only', async () => {
    const p = await write((tx) => createProject(tx, { owner: 'acme', repo: 'pk', name: 'pk', description: null, homepage: null }));
    for (const [tag, over] of [
      ['@acme/ui@1.9.0', {}],
      ['@acme/ui@1.10.0', {}],
      ['@acme/ui@2.0.0-rc.1', { prerelease: true }],
      ['@acme/ui@2.0.0', { hidden: true }],
      ['chart-x-1.2.0', {}],
      ['nightly', {}],
    ] as const) {
      await write((tx) => service.createRelease(tx, { owner: 'acme', repo: 'pk' }, release(tag, over), { actor: { kind: 'person', principal } }));
    }
    const pick = (list: Awaited<ReturnType<typeof listPackages>>) => list.map((x) => [x.package, x.latestVersion, x.latestTag, x.releaseCount]);
    expect(pick(await listPackages(p.id, false))).toEqual([
      [null, null, 'nightly', 1],
      ['@acme/ui', '1.10.0', '@acme/ui@1.10.0', 3],
      ['chart-x', '1.2.0', 'chart-x-1.2.0', 1],
    ]);
    expect(pick(await listPackages(p.id, true))[1]).toEqual(['@acme/ui', '2.0.0', '@acme/ui@2.0.0', 4]);
  }, 60_000);
});
