import { BusyError, InvalidError, TooLargeError } from '../domain/errors';
import { MarkdownLimitError, renderMarkdown, type RenderContext } from './index';

/**
 * Renders markdown someone submitted (a release's notes, a preview), before any transaction: a body
 * the renderer refuses is the submitter's to fix — too long, or taking too long or impossible to
 * render — named by `path` (a JSON Pointer into the written document); every renderer busy is worth
 * retrying shortly. `context` says which repository autolinks point at. Domain errors only: the HTTP layer makes them 413, 422 and 503.
 */
export async function renderSubmittedMarkdown(markdown: string, path: string, context: RenderContext): Promise<string> {
  try {
    return await renderMarkdown(markdown, context);
  } catch (err) {
    if (!(err instanceof MarkdownLimitError)) throw err;
    const issues = [{ path, reason: err.message }];
    if (err.reason === 'busy') throw new BusyError(`The markdown at ${path} ${err.message}.`);
    if (err.reason === 'too-large') throw new TooLargeError(`The markdown at ${path} ${err.message}.`, { code: 'markdown-too-large', issues });
    throw new InvalidError(`The markdown at ${path} ${err.message}.`, { code: 'markdown-unrenderable', issues });
  }
}
