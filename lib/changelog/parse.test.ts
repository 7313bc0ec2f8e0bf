import fs from 'node:fs';
import path from 'node:path';
import { parseChangelog } from './parse';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

describe('parseChangelog', () => {
  it('reads a Keep a Changelog file: 30 versions, dates, notes by section, link references as URLs, Unreleased left out', () => {
    const { releases, skipped } = parseChangelog(fixture('keep-a-changelog-30.md'));
    expect(skipped).toEqual([]);
    expect(releases).toHaveLength(30);
    expect(releases[0]).toMatchObject({ version: '3.0.0-rc.1', date: '2022-09-21', url: 'https://github.com/acme/kac/compare/v2.4.0...v3.0.0-rc.1', package: null });
    const two = releases.find((r) => r.version === '2.0.0')!;
    expect(two.notes).toMatch(/^### Changed\n\n- \*\*Breaking:\*\*/);
    expect(two.notes).toContain('### Added');
    expect(two.notes).not.toContain('## [');
    expect(releases.find((r) => r.version === '1.2.1')!.yanked).toBe(true);
    // the link references at the bottom belong to no release's notes
    expect(releases.at(-1)).toMatchObject({ version: '0.0.0', url: 'https://github.com/acme/kac/releases/tag/v0.0.0' });
    expect(releases.at(-1)!.notes).not.toContain(']: https://');
    expect(releases.some((r) => r.notes.includes('Something not released yet'))).toBe(false);
  });

  it('reads conventional-changelog (semantic-release, release-please) headings at levels 1 to 3', () => {
    const md = [
      '# Changelog',
      '',
      '## [2.1.0](https://github.com/acme/cc/compare/v2.0.0...v2.1.0) (2024-03-02)',
      '',
      '### Features',
      '',
      '* **api:** add a thing ([abc1234](https://github.com/acme/cc/commit/abc1234))',
      '',
      '# [2.0.0](https://github.com/acme/cc/compare/v1.9.0...v2.0.0) (2024-02-01)',
      '',
      '### ⚠ BREAKING CHANGES',
      '',
      '* drop Node 18',
      '',
      '### [1.9.1](https://github.com/acme/cc/compare/v1.9.0...v1.9.1) (2024-01-15)',
      '',
      '### Bug Fixes',
      '',
      '* a fix',
      '',
      '## 1.9.0 (2024-01-02)',
      '',
      '* first',
    ].join('\n');
    const { releases } = parseChangelog(md);
    expect(releases.map((r) => [r.version, r.date, r.url])).toEqual([
      ['2.1.0', '2024-03-02', 'https://github.com/acme/cc/compare/v2.0.0...v2.1.0'],
      ['2.0.0', '2024-02-01', 'https://github.com/acme/cc/compare/v1.9.0...v2.0.0'],
      ['1.9.1', '2024-01-15', 'https://github.com/acme/cc/compare/v1.9.0...v1.9.1'],
      ['1.9.0', '2024-01-02', null],
    ]);
    expect(releases[1]!.notes).toBe('### ⚠ BREAKING CHANGES\n\n* drop Node 18');
    expect(releases[2]!.notes).toBe('### Bug Fixes\n\n* a fix');
  });

  it('reads a changesets file: the scoped package of its title, versions without dates', () => {
    const md = [
      '# @acme/ui',
      '',
      '## 2.0.0',
      '',
      '### Major Changes',
      '',
      '- 1a2b3c4: Buttons take `variant` instead of `kind`',
      '',
      '### Patch Changes',
      '',
      '- Updated dependencies [9f8e7d6]',
      '  - @acme/icons@1.7.0',
      '',
      '## 1.9.0',
      '',
      '### Minor Changes',
      '',
      '- 5d6e7f8: A new `Tooltip`',
    ].join('\n');
    const parsed = parseChangelog(md);
    expect(parsed.package).toBe('@acme/ui');
    expect(parsed.releases.map((r) => [r.package, r.version, r.date])).toEqual([
      ['@acme/ui', '2.0.0', null],
      ['@acme/ui', '1.9.0', null],
    ]);
    expect(parsed.releases[0]!.notes).toContain('  - @acme/icons@1.7.0');
  });

  it('ignores headings inside code blocks and reports headings whose version it cannot read', () => {
    const md = ['## 1.1.0', '', '```md', '## 9.9.9', '```', '', '## [1.0.0.0.1] - 2020-01-01', '', 'x', '', '## 1.0.0', '', 'first'].join('\n');
    const { releases, skipped } = parseChangelog(md);
    expect(releases.map((r) => r.version)).toEqual(['1.1.0', '1.0.0']);
    expect(releases[0]!.notes).toBe('```md\n## 9.9.9\n```');
    expect(skipped).toEqual(['## [1.0.0.0.1] - 2020-01-01']);
  });
});
