import { randomUUID } from 'node:crypto';
import { deliveryHeaders, releaseEvent } from '../lib/github';
import { load, CONNECTIONS, type LoadResult } from '../lib/load';
import type { Section, SuiteContext } from '../lib/report';
import { createProject, engineName, onFreshServer } from '../lib/servers';
import { ms, num, pct } from '../lib/stats';

/**
 * Webhook ingestion: signed `release.published` deliveries, each a new release (unique delivery id,
 * GitHub id and tag), posted by autocannon with 20 connections for the whole run — verified, logged,
 * applied and put in the outbox, with the page revalidator and the live stream doing their work as in
 * production. Baseline: the bare route taking POSTs of the same size.
 */
const ID = 987_654_321_012;

export async function webhooksSuite(ctx: SuiteContext): Promise<Section> {
  const duration = ctx.quick ? 3 : 10;
  const warmup = ctx.quick ? 1 : 2;
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  for (const engine of ctx.engines) {
    const name = engineName(engine);
    await onFreshServer(engine, 'hooks', { demo: false }, async (server) => {
      await createProject(server, 'bench', 'ingest');
      const template = JSON.stringify(releaseEvent('published', 'bench', 'ingest', ID, 'v-TAG'));
      if (template.split(String(ID)).length !== 2) throw new Error('the payload template must name its release id once');
      let n = 0;
      const setupRequest = (req: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }) => {
        const i = n++;
        const body = template.replace(String(ID), String(ID + i)).replace('"v-TAG"', `"v9.${Math.floor(i / 1000)}.${i % 1000}"`);
        return { ...req, method: 'POST', path: '/api/webhooks/github', headers: deliveryHeaders(body, randomUUID()), body };
      };
      const bare: LoadResult = await load({
        url: `${server.url}/api/bench/bare`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: template,
        duration,
        warmup,
      });
      const hooks: LoadResult = await load({ url: server.url, setupRequest, duration, warmup });
      const logged = await fetch(`${server.url}/api/v1/deliveries?limit=1`, { headers: { authorization: `Bearer ${server.adminToken}` } });
      const total = Number(logged.headers.get('x-total-count'));
      await logged.arrayBuffer();
      const answered = n; // every request built, warm-up included (autocannon may build one it never sends per connection at the end)
      ctx.log(
        `  ${name}: ${num(hooks.rps)} deliveries/s, p50 ${ms(hooks.p50)}, p99 ${ms(hooks.p99)} (bare POST ${num(bare.rps)}/s); ${total} logged of ${answered} built${hooks.bad ? `; ${hooks.bad} bad ${JSON.stringify(hooks.statuses)}` : ''}`,
      );
      rows.push([
        name,
        num(hooks.rps),
        ms(hooks.p50),
        ms(hooks.p99),
        num(bare.rps),
        pct(hooks.rps / bare.rps),
        hooks.bad ? `**${hooks.bad}** ${JSON.stringify(hooks.statuses)}` : '0',
      ]);
      if (total > answered || total < answered - CONNECTIONS) notes.push(`${name}: the delivery log holds ${total} deliveries but ${answered} requests were built.`);
      else notes.push(`${name}: the delivery log accounts for every delivery (${num(total)} logged; requests built but never sent when the run stopped: ${answered - total}).`);
    });
  }
  return {
    id: 'webhooks',
    title: '5. Webhook ingestion',
    method:
      `autocannon, ${CONNECTIONS} connections, ${warmup} s warm-up then ${duration} s measured: \`POST /api/webhooks/github\` with GitHub's \`release.published\` example (${'~'}7 KB), each delivery a new delivery id, GitHub release id and tag, signed (HMAC-SHA256) per request. ` +
      'Each is verified, logged, applied (a new release), written to the outbox and followed by page revalidation and the live stream, as in production. Baseline: the bare route answering POSTs of the same body.',
    tables: [{ head: ['Database', 'Deliveries/s', 'p50', 'p99', 'Bare route POST/s', '÷ bare', 'Non-2xx / errors'], rows }],
    notes,
    targets: [],
  };
}
