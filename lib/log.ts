import pino from 'pino';
import { config, nodeEnv } from './config';

type Logger = pino.Logger;
const g = globalThis as typeof globalThis & { __shiplogLog?: Logger };

/** One structured (JSON lines) logger per process. Secrets are redacted by key. */
export function log(): Logger {
  if (!g.__shiplogLog) {
    let configured: string | undefined;
    try {
      configured = config().SHIPLOG_LOG_LEVEL;
    } catch {
      // Invalid settings are reported by whoever reads them; logging still works meanwhile.
    }
    const level = configured ?? (nodeEnv() === 'test' ? 'silent' : 'info');
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
