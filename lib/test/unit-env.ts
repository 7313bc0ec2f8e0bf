// Unit tests run handlers in-process against a real database: an in-memory PGlite per test file,
// or a fresh PostgreSQL database per file when TEST_DATABASE_URL is set (see ./db.ts).
process.env.SHIPLOG_ROLE = 'test';
process.env.SHIPLOG_LOG_LEVEL ??= 'silent';
process.env.SHIPLOG_DATA_DIR = 'memory://';
delete process.env.DATABASE_URL;
