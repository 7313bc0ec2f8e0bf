import http from 'node:http';

/**
 * Many Server-Sent Events clients on raw `http.request` sockets (no EventSource): each notes when the
 * frame naming an awaited tag reaches it (performance.now()), with the socket's bytes as they arrive.
 */
export interface SseCrowd {
  size: number;
  /** Resolves with each client's arrival time once all have `tag` (rejects after `timeoutMs`). */
  await(tag: string, timeoutMs?: number): Promise<number[]>;
  /** The raw text of the first frame a client saw for `tag` (to replay it elsewhere). */
  frameOf(tag: string): string | undefined;
  close(): void;
}

export async function openCrowd(url: string, count: number, batch = 100): Promise<SseCrowd> {
  const requests: http.ClientRequest[] = [];
  let awaited: { needle: string; times: (number | undefined)[]; left: number; done: () => void } | undefined;
  const frames = new Map<string, string>();
  let opened = 0;
  const open = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`stream ${i} → ${res.statusCode}`));
        res.setEncoding('utf8');
        let carry = '';
        let first = true;
        res.on('data', (chunk: string) => {
          if (first) {
            first = false;
            opened++;
            resolve();
          }
          const a = awaited;
          if (a && a.times[i] === undefined) {
            const text = carry + chunk;
            if (text.includes(a.needle)) {
              a.times[i] = performance.now();
              if (!frames.has(a.needle)) frames.set(a.needle, text.slice(text.lastIndexOf('id:', text.indexOf(a.needle))));
              if (--a.left === 0) a.done();
            }
          }
          carry = chunk.slice(-200);
        });
        res.on('error', () => {});
      });
      req.on('error', reject);
      req.end();
      requests.push(req);
    });
  for (let i = 0; i < count; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => open(i + j)));
  }
  if (opened !== count) throw new Error(`only ${opened} of ${count} streams opened`);
  return {
    size: count,
    await(tag, timeoutMs = 30_000) {
      const needle = `"tag":"${tag}"`;
      return new Promise<number[]>((resolve, reject) => {
        const times: (number | undefined)[] = new Array(count).fill(undefined);
        const timer = setTimeout(() => {
          awaited = undefined;
          reject(new Error(`${times.filter((t) => t === undefined).length} of ${count} clients did not get ${tag} within ${timeoutMs} ms`));
        }, timeoutMs);
        awaited = {
          needle,
          times,
          left: count,
          done: () => {
            clearTimeout(timer);
            awaited = undefined;
            resolve(times as number[]);
          },
        };
      });
    },
    frameOf: (tag) => frames.get(`"tag":"${tag}"`),
    close() {
      for (const r of requests) r.destroy();
    },
  };
}
