import fc from 'fast-check';
import semver from 'semver';
import { checkTagPatterns, compareVersions, deriveRelease, isBreaking, levelOf, packageLevels, parseTag, sortByVersion, versionKey, compileTagPatterns } from './index';

describe('parseTag', () => {
  it.each([
    ['v1.2.3', null, '1.2.3'],
    ['1.2.3', null, '1.2.3'],
    ['v2.0.0-rc.1', null, '2.0.0-rc.1'],
    ['1.0.0+build.5', null, '1.0.0+build.5'],
    ['@acme/ui@2.0.0', '@acme/ui', '2.0.0'],
    ['@acme/icons@1.7.0-beta.2', '@acme/icons', '1.7.0-beta.2'],
    ['pkg@1.2.3', 'pkg', '1.2.3'],
    ['chart-x-1.2.0', 'chart-x', '1.2.0'],
    ['pkg-v1.2.3', 'pkg', '1.2.3'],
    ['my-lib-v10.0.1', 'my-lib', '10.0.1'],
    ['pkg/v1.4.0', 'pkg', '1.4.0'],
    ['packages/core/1.4.0', 'packages/core', '1.4.0'],
    ['v1.2', null, '1.2'],
  ])('%s → package %s, version %s', (tag, pkg, version) => {
    expect(parseTag(tag)).toEqual({ package: pkg, version });
  });

  it('leaves tags that name no version without one', () => {
    expect(parseTag('nightly')).toEqual({ package: null, version: null });
    expect(parseTag('release-2024')).toEqual({ package: null, version: null });
    expect(parseTag('v1')).toEqual({ package: null, version: null });
  });

  it("tries the project's own patterns first", () => {
    const own = compileTagPatterns(['^release-(?<package>[a-z]+)-(?<version>\\d+\\.\\d+\\.\\d+)$', '^(?<version>\\d{4}\\.\\d{2})$']);
    expect(parseTag('release-api-1.2.3', own)).toEqual({ package: 'api', version: '1.2.3' });
    expect(parseTag('2024.05', own)).toEqual({ package: null, version: '2024.05' });
    // the defaults still apply after them
    expect(parseTag('@acme/ui@2.0.0', own)).toEqual({ package: '@acme/ui', version: '2.0.0' });
  });
});

describe('checkTagPatterns', () => {
  it('accepts patterns with a version group', () => {
    expect(checkTagPatterns(['^(?<package>.+)@(?<version>.+)$', '^v(?<version>.+)$'])).toEqual([]);
  });
  it('names each bad pattern and why', () => {
    const issues = checkTagPatterns(['^(?<version>.+$', '^v(.+)$', '^(?<pkg>.+)@(?<version>.+)$', '', 'x'.repeat(301)]);
    expect(issues.map((i) => i.index)).toEqual([0, 1, 2, 3, 4]);
    expect(issues[0]!.reason).toMatch(/not a valid regular expression/);
    expect(issues[1]!.reason).toMatch(/named group "version"/);
    expect(issues[2]!.reason).toMatch(/pkg/);
  });
  it('limits how many there are', () => {
    expect(checkTagPatterns(Array.from({ length: 21 }, () => '(?<version>.+)'))).toHaveLength(1);
  });
});

describe('versions', () => {
  it('sorts in semver order, not string order', () => {
    const sorted = sortByVersion(['1.10.0', '2.0.0', '1.9.0', '2.0.0-rc.1', '2.0.0-beta.11', '2.0.0-beta.2', '2.0.0-alpha', '1.0.0'], (v) => v);
    expect(sorted).toEqual(['1.0.0', '1.9.0', '1.10.0', '2.0.0-alpha', '2.0.0-beta.2', '2.0.0-beta.11', '2.0.0-rc.1', '2.0.0']);
    expect(compareVersions('2.0.0-rc.1', '2.0.0')).toBeLessThan(0);
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
  });

  it('puts versions that are not semver before the semver ones', () => {
    expect(sortByVersion(['1.0.0', '1.2', null], (v) => v)).toEqual([null, '1.2', '1.0.0']);
  });

  it('makes keys that sort (byte order) like semver precedence', () => {
    const id = fc.oneof(
      fc.nat({ max: 200 }).map(String),
      fc.stringMatching(/^[0-9A-Za-z-]{1,6}$/).filter((s) => !/^\d+$/.test(s)),
    );
    const version = fc
      .tuple(fc.nat({ max: 1200 }), fc.nat({ max: 30 }), fc.nat({ max: 12000 }), fc.array(id, { maxLength: 3 }))
      .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre.length ? `-${pre.join('.')}` : ''}`)
      .filter((v) => semver.valid(v) !== null);
    fc.assert(
      fc.property(version, version, (a, b) => {
        const ka = versionKey(a)!;
        const kb = versionKey(b)!;
        const byKey = Buffer.compare(Buffer.from(ka), Buffer.from(kb));
        expect(Math.sign(byKey)).toBe(Math.sign(semver.compare(a, b)));
      }),
      { numRuns: 2000 },
    );
    expect(versionKey('1.2')).toBeNull();
    expect(versionKey('1.0.0+build')).toBe(versionKey('1.0.0'));
  });
});

describe('levels', () => {
  it('compares with the previous stable release', () => {
    expect(levelOf('2.0.0', '1.9.3')).toBe('major');
    expect(levelOf('1.10.0', '1.9.3')).toBe('minor');
    expect(levelOf('1.9.4', '1.9.3')).toBe('patch');
    expect(levelOf('2.0.0-rc.1', '1.9.3')).toBe('prerelease');
    expect(levelOf('1.2', '1.1.0')).toBe('other');
    expect(levelOf('1.0.0', null)).toBe('major');
    expect(levelOf('0.1.0', null)).toBe('minor');
    expect(levelOf('0.0.1', null)).toBe('patch');
  });

  it("levels a package's releases in semver order, whatever order they came in", () => {
    const items = [
      { id: 1, version: '2.0.0' },
      { id: 2, version: '1.9.0' },
      { id: 3, version: '2.0.0-rc.1' },
      { id: 4, version: '1.10.0' },
      { id: 5, version: '1.9.1' },
      { id: 6, version: '2.1.0' },
      { id: 7, version: 'nightly' },
      { id: 8, version: '1.0.0' },
    ];
    const levels = packageLevels(items);
    expect(Object.fromEntries(levels)).toEqual({ 1: 'major', 2: 'minor', 3: 'prerelease', 4: 'minor', 5: 'patch', 6: 'minor', 7: 'other', 8: 'major' });
    // 1.9.x removed: 1.10.0 is now relative to 1.0.0, still minor; 2.0.0 removed: 2.1.0 becomes major
    const without = packageLevels(items.filter((i) => i.id !== 1));
    expect(without.get(6)).toBe('major');
  });
});

describe('isBreaking', () => {
  it.each([
    ['feat!: drop Node 18', ''],
    ['feat(api)!: new auth', ''],
    ['v2.0.0', 'Some text\n\nBREAKING CHANGE: the config moved'],
    ['v2.0.0', '- fix: x\n- refactor(core)!: rename the options'],
    ['v2.0.0', '* **feat!:** no more callbacks'],
    ['v2.0.0', '## Breaking changes\n\n- The `foo` option is gone\n\n## Features\n\n- bar'],
    ['v2.0.0', '### ⚠ BREAKING CHANGES\n\n* drop support for v1 tokens'],
    ['v2.0.0', '### ⚠️ Breaking Changes\n- removed x'],
  ])('%j / %j is breaking', (title, notes) => {
    expect(isBreaking(title, notes)).toBe(true);
  });

  it.each([
    ['feat: add a thing', '- fix: a bug'],
    ['v1.2.0', 'There are no breaking changes in this release.'],
    ['v1.2.0', '## Breaking changes\n\nNone\n\n## Features\n\n- x'],
    ['v1.2.0', '## Breaking changes\n\n## Features\n\n- x'],
  ])('%j / %j is not breaking', (title, notes) => {
    expect(isBreaking(title, notes)).toBe(false);
  });
});

describe('deriveRelease', () => {
  it('derives package, version, its key and breaking from the tag, title and notes', () => {
    expect(deriveRelease({ tag: '@acme/ui@2.0.0', name: 'feat!: v2', body: '' })).toEqual({
      package: '@acme/ui',
      packageVersion: '2.0.0',
      versionKey: versionKey('2.0.0'),
      breaking: true,
    });
    expect(deriveRelease({ tag: 'api-1.0.0', name: null, body: '' }, ['^(?<version>api-.+)$']).package).toBeNull();
  });
});
