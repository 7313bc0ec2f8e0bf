import fs from 'node:fs';
import path from 'node:path';
import { config, ConfigError, configProblems, INTERNAL_SETTINGS, SETTINGS } from './config';

describe('settings (lib/config)', () => {
  it('names the variable, the rule and an example for a bad value (SHIPLOG_ADMIN_TOKEN=secret)', () => {
    expect(configProblems({ SHIPLOG_ADMIN_TOKEN: 'secret' })).toEqual([
      { variable: 'SHIPLOG_ADMIN_TOKEN', rule: 'must be at least 16 characters', example: '"$(openssl rand -hex 24)"' },
    ]);
  });

  it('refuses what used to pass silently: a rate limit that is not a number, a port out of range, a flag that is not one', () => {
    const problems = configProblems({
      SHIPLOG_RATE_LIMIT_READ: 'abc',
      PORT: '70000',
      SHIPLOG_TRUST_PROXY: 'maybe',
      SHIPLOG_PUBLIC_URL: 'changelog.example.com',
      DATABASE_URL: 'mysql://db/x',
    });
    expect(Object.fromEntries(problems.map((p) => [p.variable, p.rule]))).toEqual({
      SHIPLOG_RATE_LIMIT_READ: 'must be a whole number from 0 to 1000000000',
      PORT: 'must be a whole number from 0 to 65535',
      SHIPLOG_TRUST_PROXY: 'must be 1 or 0 (true/false and yes/no work too)',
      SHIPLOG_PUBLIC_URL: 'must be an http(s) URL',
      DATABASE_URL: 'must be a PostgreSQL URL',
    });
    expect(problems.every((p) => p.example)).toBe(true);
  });

  it('treats an empty variable as unset and accepts good values', () => {
    expect(configProblems({ SHIPLOG_RATE_LIMIT_READ: '', GITHUB_TOKEN: '', SHIPLOG_ADMIN_TOKEN: '' })).toEqual([]);
    expect(configProblems({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db', PORT: '3411', SHIPLOG_TRUST_PROXY: 'yes', SHIPLOG_SESSION_HOURS: '0.5' })).toEqual([]);
  });

  it('config() reads the environment and throws one error listing every bad variable', () => {
    const saved = { ...process.env };
    try {
      process.env.SHIPLOG_RATE_LIMIT_READ = '';
      process.env.SHIPLOG_RATE_LIMIT_WRITE = '7';
      expect([config().SHIPLOG_RATE_LIMIT_READ, config().SHIPLOG_RATE_LIMIT_WRITE]).toEqual([3000, 7]);
      process.env.SHIPLOG_RATE_LIMIT_READ = 'abc';
      process.env.SHIPLOG_SESSION_SECRET = 'short';
      let error: unknown;
      try {
        config();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(
        'Invalid Shiplog settings (environment variables):\n' +
          '  SHIPLOG_RATE_LIMIT_READ must be a whole number from 0 to 1000000000, for example SHIPLOG_RATE_LIMIT_READ=3000\n' +
          '  SHIPLOG_SESSION_SECRET must be at least 32 characters, for example SHIPLOG_SESSION_SECRET="$(openssl rand -hex 32)"',
      );
    } finally {
      process.env = saved;
    }
  });

  it("siteUrl: SHIPLOG_PUBLIC_URL (without a trailing slash), else Vercel's production domain, else localhost on PORT", () => {
    const saved = { ...process.env };
    try {
      delete process.env.VERCEL;
      delete process.env.VERCEL_PROJECT_PRODUCTION_URL;
      process.env.SHIPLOG_PUBLIC_URL = 'https://changelog.example.com/';
      expect(config().siteUrl).toBe('https://changelog.example.com');
      delete process.env.SHIPLOG_PUBLIC_URL;
      process.env.PORT = '4123';
      expect(config().siteUrl).toBe('http://localhost:4123');
      process.env.VERCEL_PROJECT_PRODUCTION_URL = 'shiplog-demo.vercel.app';
      expect(config().siteUrl).toBe('http://localhost:4123'); // only on Vercel
      process.env.VERCEL = '1';
      expect(config().siteUrl).toBe('https://shiplog-demo.vercel.app');
      process.env.VERCEL_PROJECT_PRODUCTION_URL = 'bad host/"x';
      expect(config().siteUrl).toBe('http://localhost:4123');
    } finally {
      process.env = saved;
    }
  });

  it('refuses bad values of the other kinds: hours, a Redis URL, a log level, a thread count, a build folder outside the project', () => {
    const problems = configProblems({
      SHIPLOG_SESSION_HOURS: '0',
      REDIS_URL: 'http://127.0.0.1:6379',
      SHIPLOG_LOG_LEVEL: 'verbose',
      SHIPLOG_MARKDOWN_THREADS: '2.5',
      SHIPLOG_ISR_FRESH_MS: '-1',
      SHIPLOG_DIST_DIR: '../elsewhere',
      SHIPLOG_ROLE: 'worker',
    });
    expect(Object.fromEntries(problems.map((p) => [p.variable, p.rule]))).toEqual({
      SHIPLOG_SESSION_HOURS: 'must be a number of hours from 0.1 to 720',
      REDIS_URL: 'must be a redis:// or rediss:// URL',
      SHIPLOG_LOG_LEVEL: 'must be one of fatal, error, warn, info, debug, trace, silent',
      SHIPLOG_MARKDOWN_THREADS: 'must be a whole number from 1 to 64',
      SHIPLOG_ISR_FRESH_MS: 'must be a whole number from 1 to 3600000',
      SHIPLOG_DIST_DIR: 'must be a folder inside the project (a relative path without ..)',
      SHIPLOG_ROLE: 'must be server, cli or test',
    });
    expect(configProblems({ SHIPLOG_DIST_DIR: '.next-soak' })).toEqual([]);
    expect(configProblems({ SHIPLOG_DIST_DIR: '/tmp/build' }).map((p) => p.variable)).toEqual(['SHIPLOG_DIST_DIR']);
  });

  it('every setting an operator may set is documented in README.md and .env.example', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const example = fs.readFileSync(path.join(__dirname, '..', '.env.example'), 'utf8');
    const inTable = new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    const inExample = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const operators = SETTINGS.filter((name) => !INTERNAL_SETTINGS.includes(name));
    expect(operators.length).toBeGreaterThan(30);
    expect(operators.filter((name) => !inTable.has(name))).toEqual([]);
    expect(operators.filter((name) => !inExample.has(name))).toEqual([]);
  });
});
