import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import { Piscina } from 'piscina';
import { config } from '../config';
import { log } from '../log';
import renderInline, { prepare as prepareInline, RENDERER_VERSION } from './worker.mjs';

/**
 * Markdown → sanitized HTML, rendered on a pool of worker threads (piscina) so that a large or
 * pathological body never holds the event loop: every other request keeps being answered while it
 * renders. Each render has a size limit and a time limit; one that runs past its time is cancelled (its
 * thread is ended). The renderer itself (GitHub-flavoured markdown, GitHub's sanitizer allow-list) is
 * lib/markdown/worker.mjs.
 */

/** The version of the renderer, stored with the HTML it made: rows with an older one are rendered again. */
export const MARKDOWN_RENDERER_VERSION: number = RENDERER_VERSION;

/**
 * What a render is for. `repository` (`owner/repo`, the project's GitHub repository) is what `#12`,
 * `@user` and commit SHAs in the notes link to; without it they stay text.
 */
export interface RenderContext {
  repository?: string;
}

/** The render context of a project. */
export const renderContextOf = (project: { owner: string; repo: string }): RenderContext => ({ repository: `${project.owner}/${project.repo}` });

/** The longest markdown rendered (characters): release notes and previews accept no more. */
export const MARKDOWN_MAX_CHARS = 500_000;

/** Why a body was not rendered. */
export type MarkdownRefusal = 'too-large' | 'too-slow' | 'too-complex' | 'busy';

export class MarkdownLimitError extends Error {
  constructor(
    readonly reason: MarkdownRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'MarkdownLimitError';
  }
}

/** Where the worker script is at run time: a real file under the project (traced into serverless bundles). */
export function workerPath(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), 'lib', 'markdown', 'worker.mjs');
}

/**
 * Bodies this short render on the calling thread: whatever their structure, that takes milliseconds
 * (the parser's worst cases grow with the square of the length), less than handing them to a thread.
 */
export const INLINE_MAX_CHARS = 2_000;

/** How long a render waits for a free thread before the pool counts as busy. */
const QUEUE_WAIT_MS = 30_000;

interface Pool {
  piscina: Piscina;
  threads: number;
}

/** A cached outcome: the HTML, or why the body was refused (a refusal that does not depend on load). */
type Outcome = string | { refused: MarkdownRefusal; message: string };

const g = globalThis as typeof globalThis & { __shiplogMarkdownPool?: Pool; __shiplogMarkdownCache?: LRUCache<string, Outcome> };

function pool(): Pool {
  if (!g.__shiplogMarkdownPool) {
    const threads = config().SHIPLOG_MARKDOWN_THREADS ?? Math.max(1, Math.min(4, os.availableParallelism() - 1));
    const piscina = new Piscina({
      filename: workerPath(),
      // One thread always: it replaces a cancelled render's thread at once (with none, piscina 5 leaves
      // the tasks queued behind a cancelled render waiting). Idle threads never keep a process alive.
      minThreads: 1,
      maxThreads: threads,
      idleTimeout: 30_000,
      maxQueue: threads * 32,
      // Renders yield the CPU to the threads answering requests.
      niceIncrement: 5,
      // A render that would need more memory than this ends its thread, not the server.
      resourceLimits: { maxOldGenerationSizeMb: 512, stackSizeMb: 8 },
      atomics: 'disabled',
      // Plain Node: no loader hooks of the parent (tsx compiles the ES module worker to CommonJS, where
      // starry-night's default imports of CommonJS packages come out undefined).
      execArgv: [],
    });
    g.__shiplogMarkdownPool = { piscina, threads };
  }
  return g.__shiplogMarkdownPool;
}

/** Ends the pool's threads (tests, CLIs, shutdown). The next render starts a new pool. */
export async function closeMarkdownPool(): Promise<void> {
  const current = g.__shiplogMarkdownPool;
  g.__shiplogMarkdownPool = undefined;
  await current?.piscina.destroy();
}

/**
 * Recent outcomes, so that a body rendered before a transaction (callers warm it: see warmMarkdown) is
 * not rendered again inside it, where a long render would hold every other write.
 */
function cache(): LRUCache<string, Outcome> {
  g.__shiplogMarkdownCache ??= new LRUCache<string, Outcome>({
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (value, key) => (typeof value === 'string' ? value.length : value.message.length) + key.length + 1,
  });
  return g.__shiplogMarkdownCache;
}

let inline: boolean | undefined;

/** Whether this thread can render (not where the renderer was compiled to CommonJS: tsx scripts); else every body goes to the pool. */
function inlineAvailable(): boolean {
  if (inline === undefined) {
    try {
      (prepareInline as () => unknown)();
      inline = true;
    } catch (err) {
      log().debug?.({ err: (err as Error).message }, 'markdown renders on worker threads only here');
      inline = false;
    }
  }
  return inline;
}

const keyOf = (markdown: string, context: RenderContext) =>
  createHash('sha256')
    .update(context.repository ?? '')
    .update('\0')
    .update(markdown)
    .digest('base64url');

/**
 * Renders off the event loop, within the limits: throws MarkdownLimitError when the body is too long,
 * takes longer than `timeMs` once its render has started (it is cancelled), fails (e.g. nesting deep
 * enough to exhaust the renderer's stack) or waits too long for a free thread.
 */
export async function renderMarkdown(markdown: string, context: RenderContext, options: { timeMs?: number } = {}): Promise<string> {
  if (markdown.length > MARKDOWN_MAX_CHARS) {
    throw new MarkdownLimitError('too-large', `is longer than ${MARKDOWN_MAX_CHARS.toLocaleString('en')} characters (${markdown.length.toLocaleString('en')})`);
  }
  if (markdown.length <= INLINE_MAX_CHARS && inlineAvailable()) {
    try {
      return await (renderInline as (task: { markdown: string; repository?: string }) => Promise<string>)({ markdown, repository: context.repository });
    } catch (err) {
      // The renderer cannot start on this thread (tsx scripts compile it to CommonJS): use the pool.
      if (err instanceof TypeError) inline = false;
      else {
        log().warn({ err: (err as Error).message, chars: markdown.length }, 'markdown render failed');
        throw new MarkdownLimitError('too-complex', 'cannot be rendered: its structure is nested too deeply or is too complex');
      }
    }
  }
  const key = keyOf(markdown, context);
  const hit = cache().get(key);
  if (typeof hit === 'string') return hit;
  if (hit) throw new MarkdownLimitError(hit.refused, hit.message);
  const timeMs = options.timeMs ?? config().SHIPLOG_MARKDOWN_TIMEOUT_MS;
  const { piscina } = pool();
  const started = new BigInt64Array(new SharedArrayBuffer(8));
  const controller = new AbortController();
  let outcome: MarkdownRefusal | undefined;
  const queued = Date.now();
  let timer: NodeJS.Timeout | undefined;
  // The time limit counts from the moment a thread starts this render (the worker writes it into
  // `started`); waiting for a free thread has a separate, longer allowance.
  const watch = () => {
    const began = Number(Atomics.load(started, 0));
    const now = Date.now();
    if (began === 0 && now - queued >= QUEUE_WAIT_MS) {
      outcome = 'busy';
      controller.abort();
    } else if (began !== 0 && now - began >= timeMs) {
      outcome = 'too-slow';
      controller.abort();
    } else {
      timer = setTimeout(watch, began === 0 ? Math.min(250, timeMs) : Math.max(1, began + timeMs - now));
    }
  };
  timer = setTimeout(watch, Math.min(250, timeMs));
  try {
    const html = (await piscina.run({ markdown, started, repository: context.repository }, { signal: controller.signal })) as string;
    cache().set(key, html);
    return html;
  } catch (err) {
    if (outcome === 'busy' || /queue is at limit/i.test((err as Error).message ?? '')) {
      throw new MarkdownLimitError('busy', 'could not be rendered now: every renderer is busy; retry shortly');
    }
    const refusal: Outcome =
      outcome === 'too-slow'
        ? { refused: 'too-slow', message: `took longer than ${timeMs} ms to render and was cancelled; shorten it or simplify its structure` }
        : { refused: 'too-complex', message: 'cannot be rendered: its structure is nested too deeply or is too complex' };
    if (outcome !== 'too-slow') log().warn({ err: (err as Error).message, chars: markdown.length }, 'markdown render failed');
    cache().set(key, refusal);
    throw new MarkdownLimitError(refusal.refused, refusal.message);
  } finally {
    clearTimeout(timer);
  }
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * What a body that could not be rendered is shown as: its text, escaped, in a `<pre>`: nothing in it
 * is markup, so it is as safe as the sanitizer's output, and nothing the author wrote is lost.
 */
export function unrenderedHtml(markdown: string): string {
  return `<p><em>These notes are shown as plain text: they are too long or too complex to format.</em></p>\n<pre class="unrendered">${escapeHtml(markdown)}</pre>`;
}

/**
 * For bodies that are stored whatever they hold (GitHub deliveries and imports, seeds): the rendered
 * HTML, or the escaped text when the body is refused. Never throws.
 */
export async function renderStoredMarkdown(markdown: string, context: RenderContext): Promise<string> {
  try {
    return await renderMarkdown(markdown, context);
  } catch (err) {
    if (!(err instanceof MarkdownLimitError)) throw err;
    log().warn({ reason: err.reason, chars: markdown.length }, 'markdown stored unformatted');
    return unrenderedHtml(markdown);
  }
}

/**
 * Renders bodies ahead of a transaction that will store them (the render inside it is then a cache
 * hit): values that are not strings are skipped, refusals are remembered, nothing throws.
 */
export async function warmMarkdown(bodies: readonly unknown[], context: RenderContext): Promise<void> {
  await Promise.all(bodies.filter((b): b is string => typeof b === 'string' && b.length > 0).map((b) => renderStoredMarkdown(b, context)));
}
