import { resetConfig } from './config';
import { closeDb } from './db';
import health from '@/pages/api/health';
import { useTestDatabase } from './test/db';
import { invoke } from './test/http';

describe('GET /api/health', () => {
  describe('with a database', () => {
    useTestDatabase();
    it('answers 200 with status, database "up", version and uptime', async () => {
      const r = await invoke(health);
      expect(r.status).toBe(200);
      expect(r.json()).toMatchObject({ status: 'ok', database: 'up', version: expect.any(String), uptime: expect.any(Number) });
      expect(r.headers['cache-control']).toBe('no-store');
    });
  });

  describe('when PostgreSQL cannot be reached', () => {
    beforeAll(async () => {
      await closeDb();
      process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:1/nowhere';
      resetConfig();
    });
    afterAll(async () => {
      delete process.env.DATABASE_URL;
      resetConfig();
      await closeDb();
    });

    it('answers 503 problem+json with Retry-After, quickly', async () => {
      const started = Date.now();
      const r = await invoke(health, { headers: { 'x-request-id': 'down-1' } });
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBeDefined();
      expect(r.json()).toMatchObject({ type: '/problems/unavailable', status: 503, requestId: 'down-1' });
      expect(r.json<{ detail: string }>().detail).toMatch(/database cannot be reached/i);
      expect(Date.now() - started).toBeLessThan(20_000);
    });

    it('tells anonymous callers nothing about the database (no host, port, database name, data path or pid)', async () => {
      const r = await invoke(health);
      expect(r.status).toBe(503);
      expect(r.text).not.toMatch(/127\.0\.0\.1|:1\b|nowhere|ECONNREFUSED|pid/i);
      expect(r.json()).not.toHaveProperty('reason');
      // A token that is not the bootstrap admin token learns no more.
      const other = await invoke(health, { headers: { authorization: 'Bearer shp_not-an-admin-token-at-all' } });
      expect(other.status).toBe(503);
      expect(other.text).not.toMatch(/127\.0\.0\.1|nowhere|ECONNREFUSED/);
    });

    it('gives the reason to a caller holding SHIPLOG_ADMIN_TOKEN', async () => {
      const token = 'health-admin-token-0123456789';
      process.env.SHIPLOG_ADMIN_TOKEN = token;
      resetConfig();
      try {
        const r = await invoke(health, { headers: { authorization: `Bearer ${token}` } });
        expect(r.status).toBe(503);
        expect(r.json<{ reason: string }>().reason).toMatch(/ECONNREFUSED|127\.0\.0\.1|not reachable/);
      } finally {
        delete process.env.SHIPLOG_ADMIN_TOKEN;
        resetConfig();
      }
    });
  });
});
