import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ImportView } from '../data';
import { ImportProgress, progressText } from './ImportsPanel';

const run = (over: Partial<ImportView>): ImportView => ({
  id: 7,
  project: 'vercel/next.js',
  state: 'running',
  pagesDone: 0,
  pagesTotal: null,
  created: 0,
  updated: 0,
  skipped: 0,
  errors: [],
  message: null,
  createdAt: '2026-12-06T20:00:00.000Z',
  finishedAt: null,
  ...over,
});

const html = (r: ImportView) => renderToStaticMarkup(createElement(ImportProgress, { run: r }));
const progress = (markup: string) => /<progress[^>]*>/.exec(markup)![0];

describe('the import progress shows one consistent state', () => {
  it('a failed import (nothing fetched) says so, with a still bar and no "Done"', () => {
    const markup = html(run({ state: 'failed', message: 'GitHub could not be reached: fetch failed', finishedAt: '2026-12-06T20:00:05.000Z' }));
    expect(progressText(run({ state: 'failed' }))).toBe('Failed before the first page');
    expect(markup).toContain('Failed before the first page');
    expect(markup).not.toMatch(/Done|Starting|…/);
    // A <progress> without a value is indeterminate (it animates): a finished import always has one.
    expect(progress(markup)).toMatch(/value="0"/);
    expect(progress(markup)).toMatch(/max="1"/);
  });

  it('failed or rate-limited midway stops the bar where it was', () => {
    expect(progress(html(run({ state: 'failed', pagesDone: 2, pagesTotal: 5 })))).toMatch(/max="5".*value="2"|value="2".*max="5"/);
    expect(progressText(run({ state: 'failed', pagesDone: 2, pagesTotal: 5 }))).toBe('Failed after page 2 of 5');
    expect(progressText(run({ state: 'rate_limited', pagesDone: 1 }))).toBe("Paused by GitHub's rate limit after page 1");
  });

  it('only a running import without a page count is indeterminate', () => {
    expect(progress(html(run({ state: 'running' })))).not.toMatch(/value=/);
    expect(progressText(run({ state: 'running' }))).toBe('Starting…');
    expect(progressText(run({ state: 'running', pagesDone: 2, pagesTotal: 3 }))).toBe('Page 2 of 3');
    expect(progressText(run({ state: 'succeeded', pagesDone: 3, pagesTotal: 3 }))).toBe('Page 3 of 3, done');
  });
});
