import { renderMarkdown } from './markdown';

describe('renderMarkdown()', () => {
  it('renders GitHub-flavoured markdown: tables, task lists, autolinks, strikethrough, footnotes', () => {
    const html = renderMarkdown(
      [
        '| a | b |',
        '| - | - |',
        '| 1 | 2 |',
        '',
        '- [x] done',
        '- [ ] todo',
        '',
        'See https://example.com and ~~old~~ text.[^1]',
        '',
        '[^1]: A note.',
      ].join('\n'),
    );
    expect(html).toContain('<table>');
    expect(html).toMatch(/<input type="checkbox" checked disabled>/);
    expect(html).toContain('<a href="https://example.com">https://example.com</a>');
    expect(html).toContain('<del>old</del>');
    expect(html).toContain('user-content-fn-1');
  });

  it('keeps harmless inline HTML such as <details>', () => {
    expect(renderMarkdown('<details><summary>More</summary>\n\nHidden\n\n</details>')).toContain('<details><summary>More</summary>');
  });

  it.each([
    ['a script tag', '<script>alert(1)</script>', /<script/i],
    ['an event handler', '<img src="x.png" onerror="alert(1)">', /onerror/i],
    ['a javascript: link', '[click](javascript:alert(1))', /javascript:/i],
    ['a javascript: href in HTML', '<a href="javascript:alert(1)">x</a>', /javascript:/i],
    ['an iframe', '<iframe src="https://evil.example"></iframe>', /<iframe/i],
    ['a style attribute', '<p style="background:url(javascript:alert(1))">x</p>', /style=/i],
  ])('makes %s inert', (_name, input, forbidden) => {
    expect(renderMarkdown(input)).not.toMatch(forbidden);
  });
});
