import pino from 'pino';

type Logger = pino.Logger;
const g = globalThis as typeof globalThis & { __shiplogLog?: Logger };

/** One structured (JSON lines) logger per process. Secrets are redacted by key. */
export function log(): Logger {
  if (!g.__shiplogLog) {
    const level = process.env.SHIPLOG_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');
    g.__shiplogLog = pino({
      level,
      base: { app: 'shiplog' },
      redact: {
        paths: ['authorization', 'token', 'secret', 'webhookSecret', '*.authorization', '*.token', '*.secret'],
        censor: '[redacted]',
      },
    });
  }
  return g.__shiplogLog;
}
