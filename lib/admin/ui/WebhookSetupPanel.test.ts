import type { IncomingMessage } from 'node:http';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { webhookSetup } from '../data';
import { payloadUrlHint, WebhookSetupPanel } from './WebhookSetupPanel';

const req = (host: string) => ({ headers: { host }, socket: {} }) as unknown as IncomingMessage;
const project = { owner: 'acme', repo: 'rocket', webhookSecret: null };
const panel = (host: string) => renderToStaticMarkup(createElement(WebhookSetupPanel, { fullName: 'acme/rocket', setup: webhookSetup(req(host), project, { reveal: false }) }));

afterEach(() => {
  delete process.env.SHIPLOG_PUBLIC_URL;
  delete process.env.GITHUB_WEBHOOK_SECRET;
});

describe('what the console tells about the webhook', () => {
  it('a project without a secret on a server without GITHUB_WEBHOOK_SECRET: deliveries are refused (no "global secret")', () => {
    const html = panel('changelog.example.com');
    expect(html).toContain('the server has no GITHUB_WEBHOOK_SECRET: every delivery is refused');
    process.env.GITHUB_WEBHOOK_SECRET = 'a-global-secret';
    expect(panel('changelog.example.com')).toContain('must be signed with the server-wide GITHUB_WEBHOOK_SECRET');
  });

  it('a payload URL built from a local address says GitHub cannot reach it and names SHIPLOG_PUBLIC_URL', () => {
    const local = webhookSetup(req('127.0.0.1:3000'), project, { reveal: false });
    expect([local.payloadUrl, local.payloadUrlLocal, local.payloadUrlConfigured]).toEqual(['http://127.0.0.1:3000/api/webhooks/github', true, false]);
    expect(payloadUrlHint(local)).toMatch(/local one GitHub cannot reach\. Set SHIPLOG_PUBLIC_URL/);
    expect(webhookSetup(req('localhost:3000'), project, { reveal: false }).payloadUrlLocal).toBe(true);
    expect(webhookSetup(req('192.168.1.20:3000'), project, { reveal: false }).payloadUrlLocal).toBe(true);

    const remote = webhookSetup(req('changelog.example.com'), project, { reveal: false });
    expect(remote.payloadUrlLocal).toBe(false);
    expect(payloadUrlHint(remote)).toMatch(/If GitHub reaches this server at another address, set SHIPLOG_PUBLIC_URL/);

    process.env.SHIPLOG_PUBLIC_URL = 'https://changelog.example.com';
    const configured = webhookSetup(req('127.0.0.1:3000'), project, { reveal: false });
    expect([configured.payloadUrl, configured.payloadUrlConfigured, configured.payloadUrlLocal]).toEqual(['https://changelog.example.com/api/webhooks/github', true, false]);
    expect(payloadUrlHint(configured)).toBe('From SHIPLOG_PUBLIC_URL.');
  });
});
