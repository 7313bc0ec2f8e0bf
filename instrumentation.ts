/**
 * Next.js calls `register` once when a server process starts, before it answers any request. The Node.js
 * server checks its settings first (a bad one stops it here with a ConfigError naming the variable and the
 * rule, as `npm start` does, instead of a server whose requests all fail), then registers its startup work
 * (seed an empty database when asked, start the accelerators) with lib/db, which runs it once the database
 * is open: the database layer never imports the app.
 * NEXT_RUNTIME is set by Next itself (never configured by an operator), hence read here directly; the edge
 * runtime (middleware) has no database.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { registerServerStartup } = await import('./lib/startup');
  registerServerStartup();
}
