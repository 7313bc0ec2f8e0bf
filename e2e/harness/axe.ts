// axe-core (the npm package) run inside a page the browser tests drive: injected through the DevTools
// protocol (page.evaluate, so a page's Content-Security-Policy cannot block it), with every rule axe runs
// by default (WCAG 2.x A/AA and best practices: labels, contrast, landmarks, heading order, ...). Open
// shadow roots (the widget) are checked too.
import fs from 'node:fs';
import path from 'node:path';
import type { AxeResults, Result, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from './browser';

type Scheme = 'light' | 'dark';

export interface AxeOptions {
  /** Colour schemes to check in turn (prefers-color-scheme emulated); default both. */
  colorSchemes?: Scheme[];
  /** Only these parts of the page (CSS selectors); default the whole document. */
  include?: string[];
  /** Leave these parts out (CSS selectors), e.g. a third party's markup. */
  exclude?: string[];
  /** Passed to axe.run (e.g. `{ rules: { region: { enabled: false } } }`, with a comment saying why). */
  runOptions?: RunOptions;
}

let source: string | undefined;
const axeSource = () => (source ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));

/** Runs axe once on the page as it is now; resolves with its violations. */
export async function axeViolations(page: Page, options: Omit<AxeOptions, 'colorSchemes'> = {}): Promise<Result[]> {
  if (!(await page.evaluate(() => typeof (window as { axe?: unknown }).axe === 'object'))) await page.evaluate(axeSource());
  const context = { include: options.include?.map((s) => [s]) ?? [['html']], exclude: options.exclude?.map((s) => [s]) ?? [] };
  const results = await page.evaluate(([ctx, opts]) => (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<AxeResults> } }).axe.run(ctx, opts), [
    context,
    { resultTypes: ['violations'], ...options.runOptions },
  ] as const);
  return results.violations;
}

/** One violation per paragraph: rule, impact, help, and each offending node with axe's summary. */
export function formatViolations(violations: Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.slice(0, 8).map((n) => `    ${n.target.join(' >>> ')}\n      ${(n.failureSummary ?? '').replace(/\n\s*/g, ' ')}\n      ${n.html.slice(0, 200)}`);
      const more = v.nodes.length > 8 ? [`    … and ${v.nodes.length - 8} more`] : [];
      return [`  ${v.id} (${v.impact}): ${v.help} (${v.nodes.length} node${v.nodes.length === 1 ? '' : 's'}) ${v.helpUrl}`, ...nodes, ...more].join('\n');
    })
    .join('\n');
}

/**
 * Fails (with a readable list, also saved as e2e/artifacts/axe-<label>-<scheme>.json) unless axe finds
 * no violation on the page, in each colour scheme asked for (light and dark by default). The page's
 * own colour scheme is restored afterwards.
 */
export async function expectNoAxeViolations(page: Page, label: string, options: AxeOptions = {}): Promise<void> {
  const { colorSchemes = ['light', 'dark'], ...rest } = options;
  const before: Scheme = (await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)) ? 'dark' : 'light';
  const failures: string[] = [];
  try {
    for (const scheme of colorSchemes) {
      await page.emulateMedia({ colorScheme: scheme });
      // Let CSS transitions (hover/theme colours) settle before contrast is measured.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const violations = await axeViolations(page, rest);
      if (violations.length === 0) continue;
      const name = `axe-${label.replace(/[^\w-]+/g, '-')}-${scheme}`;
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      fs.writeFileSync(path.join(ARTIFACTS, `${name}.json`), JSON.stringify(violations, null, 2));
      failures.push(`${label} (${scheme}, ${page.url()}): ${violations.length} axe violation${violations.length === 1 ? '' : 's'}\n${formatViolations(violations)}`);
    }
  } finally {
    await page.emulateMedia({ colorScheme: before });
  }
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
}
