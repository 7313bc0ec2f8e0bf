import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` turns changes in lib/db/schema.ts into a new versioned SQL migration in drizzle/.
export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/db/schema.ts',
  out: './drizzle',
});
