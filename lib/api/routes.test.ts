import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Operation } from '../http/operation';
import { OPERATIONS } from './registry';

const PAGES = path.join(__dirname, '..', '..', 'pages', 'api');

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The OpenAPI path a route file answers: `[version]/tokens/[id].ts` → `/tokens/{id}` (versioned). */
function pathOf(file: string): { versioned: boolean; path: string } {
  const rel = path
    .relative(PAGES, file)
    .replace(/\.ts$/, '')
    .replace(/(^|\/)index$/, '');
  const versioned = rel.startsWith('[version]');
  const segments = rel
    .split('/')
    .filter((s) => s && s !== '[version]')
    .map((s) => s.replace(/^\[(?:\.\.\.)?(\w+)\]$/, '{$1}'));
  return { versioned, path: `${versioned ? '' : '/api'}/${segments.join('/')}`.replace(/\/$/, '') || '/api' };
}

describe('route files and the registry', () => {
  it('mount every registered operation once, each in the route file of its path', async () => {
    const mounted = new Map<Operation, string>();
    for (const file of routeFiles(PAGES)) {
      const mod = (await import(file)) as { default?: { operations?: readonly Operation[] } };
      const operations = mod.default?.operations;
      if (!operations) continue; // not an operation route: admin console, session, widget
      const at = pathOf(file);
      for (const op of operations) {
        expect({ op: op.operationId, file: path.relative(PAGES, file), twice: mounted.has(op) }).toEqual({ op: op.operationId, file: path.relative(PAGES, file), twice: false });
        mounted.set(op, file);
        // A catch-all serving several depths ([[...scope]]) mounts each operation at its own path below it;
        // one with a sub-resource ([...tag]: {tag} and {tag}/reactions) mounts it below its own path.
        if (file.includes('[[...')) continue;
        const sub = file.includes('[...') && op.path.startsWith(`${at.path}/`) ? op.path : at.path;
        expect({ op: op.operationId, path: op.path, versioned: !!op.versions }).toEqual({ op: op.operationId, ...at, path: sub });
      }
    }
    const unmounted = OPERATIONS.filter((op) => !mounted.has(op)).map((op) => `${op.method} ${op.path}`);
    expect(unmounted).toEqual([]);
    const unregistered = [...mounted.keys()].filter((op) => !OPERATIONS.includes(op)).map((op) => `${op.method} ${op.path}`);
    expect(unregistered).toEqual([]);
  });
});
