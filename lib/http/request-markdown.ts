import { MarkdownLimitError, renderMarkdown } from '../markdown';
import { ApiError } from './errors';

/**
 * Renders markdown a request sent (a release's notes, a preview), before any transaction: a body the
 * renderer refuses is the client's to fix — 413 when too long, 422 when it takes too long or cannot be
 * rendered — naming the field; 503 with Retry-After when every renderer is busy.
 */
export async function renderRequestMarkdown(markdown: string, pointer: string): Promise<string> {
  try {
    return await renderMarkdown(markdown);
  } catch (err) {
    if (!(err instanceof MarkdownLimitError)) throw err;
    const errors = [{ pointer, detail: err.message }];
    if (err.reason === 'busy') throw new ApiError(503, { detail: `The markdown at ${pointer} ${err.message}.`, headers: { 'Retry-After': '5' } });
    if (err.reason === 'too-large') throw new ApiError(413, { type: 'markdown-too-large', detail: `The markdown at ${pointer} ${err.message}.`, errors });
    throw new ApiError(422, { type: 'markdown-unrenderable', detail: `The markdown at ${pointer} ${err.message}.`, errors });
  }
}
