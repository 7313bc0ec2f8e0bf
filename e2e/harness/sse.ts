/** One server-sent event block: its fields (`id`, `event`, `data`, `retry`) and whether it had a comment line. */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: boolean;
}

/** Parses one block (the lines between two blank lines) of a text/event-stream. */
export function parseSseBlock(block: string): SseFrame {
  const frame: SseFrame = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) frame.comment = true;
    const m = /^(id|event|data|retry): ?(.*)$/.exec(line);
    if (m) frame[m[1] as 'id' | 'event' | 'data' | 'retry'] = m[2];
  }
  return frame;
}

/** The frames of a fetch response's body as they arrive; ends with the body (an abort ends it quietly). */
export async function* sseFrames(body: ReadableStream<Uint8Array> | null): AsyncGenerator<SseFrame> {
  if (!body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let i;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        yield parseSseBlock(block);
      }
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  }
}
