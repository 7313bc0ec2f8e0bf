import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { DataTable } from './DataTable';

const render = (rows: string[], actions?: boolean) =>
  renderToStaticMarkup(
    h(DataTable<string>, {
      label: 'Things',
      columns: ['Name', { label: 'Count', num: true }],
      actions,
      rows,
      row: (r) => h('tr', { key: r, 'data-thing': r }, h('td', null, r)),
      empty: 'Nothing yet.',
    }),
  );

describe('DataTable', () => {
  it('draws a labelled table: column headings (numbers right-aligned), an optional hidden Actions heading, the caller’s rows', () => {
    expect(render(['a', 'b'], true)).toBe(
      '<div class="table-wrap"><table class="data" aria-label="Things"><thead><tr>' +
        '<th scope="col">Name</th><th scope="col" class="num">Count</th><th scope="col"><span class="sr-only">Actions</span></th>' +
        '</tr></thead><tbody><tr data-thing="a"><td>a</td></tr><tr data-thing="b"><td>b</td></tr></tbody></table></div>',
    );
    expect(render(['a'])).not.toContain('Actions');
  });

  it('shows the empty note instead of a table with no rows', () => {
    expect(render([])).toBe('<p class="empty-note">Nothing yet.</p>');
  });
});
