import { inlineReaderProps } from './inline-props';
import { nameBesideTag, releaseTitle, titleSaysTag } from './ui/format';

const release = (tag: string, html = '<p>Notes</p>') => ({ tag, name: null, html, path: `/a/b/releases/${tag}` });

describe('inlineReaderProps()', () => {
  it("leaves the notes' HTML out of a project page's and a release page's inline props, nothing else", () => {
    const project = { pageProps: { project: { owner: 'a' }, releases: [release('v2'), release('v1')], page: 1 }, __N_SSG: true };
    expect(inlineReaderProps('/[owner]/[repo]', project)).toEqual({
      pageProps: {
        project: { owner: 'a' },
        releases: [
          { tag: 'v2', name: null, path: '/a/b/releases/v2' },
          { tag: 'v1', name: null, path: '/a/b/releases/v1' },
        ],
        page: 1,
      },
      __N_SSG: true,
    });
    const single = { pageProps: { release: release('v1'), previous: null, next: null } };
    expect(inlineReaderProps('/[owner]/[repo]/releases/[...tag]', single).pageProps.release).toEqual({ tag: 'v1', name: null, path: '/a/b/releases/v1' });
    // The props themselves (also the page's JSON for client-side navigations) are not changed.
    expect(project.pageProps.releases[0]!.html).toBe('<p>Notes</p>');
    expect(single.pageProps.release.html).toBe('<p>Notes</p>');
  });

  it('leaves other pages alone (the console has releases of its own)', () => {
    const admin = { pageProps: { release: release('v1') } };
    expect(inlineReaderProps('/admin/projects/[owner]/[repo]/release', admin)).toBe(admin);
  });
});

describe('release titles', () => {
  it('a name that only says the tag is the tag; lists show a name without the tag it repeats', () => {
    expect(releaseTitle({ tag: 'v1.2.0', name: '1.2.0' })).toBe('v1.2.0');
    expect(releaseTitle({ tag: 'v1.2.0', name: '  ' })).toBe('v1.2.0');
    expect(releaseTitle({ tag: 'v1.2.0', name: 'v1.2.0 — Rockets' })).toBe('v1.2.0 — Rockets');
    expect(titleSaysTag({ tag: 'v1.2.0', name: 'v1.2.0 — Rockets' })).toBe(true);
    expect(titleSaysTag({ tag: 'v1.2.0', name: 'Rockets' })).toBe(false);
    expect(nameBesideTag({ tag: 'v1.2.0', name: 'v1.2.0 — Rockets' })).toBe('Rockets');
    expect(nameBesideTag({ tag: 'v1.2.0', name: 'Rocket v1.2.0' })).toBe('Rocket');
    expect(nameBesideTag({ tag: '@acme/ui@2.0.0', name: '@acme/ui@2.0.0' })).toBeNull();
    expect(nameBesideTag({ tag: 'v3', name: 'Release' })).toBe('Release');
  });
});
