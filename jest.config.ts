/** @jest-config-loader esbuild-register */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from 'jest';
import nextJest from 'next/jest.js';

const createJestConfig = nextJest({ dir: __dirname });

/**
 * Packages that ship only ES modules (the remark/rehype stack). Jest runs CommonJS, so next/jest's
 * SWC transform must compile them too; everything else in node_modules stays untransformed.
 */
function esmOnlyPackages(): string[] {
  const modules = path.join(__dirname, 'node_modules');
  const names: string[] = [];
  const consider = (name: string) => {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(modules, name, 'package.json'), 'utf8'));
      if (pkg.type === 'module') names.push(name);
    } catch {
      /* not a package */
    }
  };
  for (const entry of fs.readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) for (const sub of fs.readdirSync(path.join(modules, entry))) consider(`${entry}/${sub}`);
    else consider(entry);
  }
  return names;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function project(config: Config): Promise<Config> {
  const resolved = (await createJestConfig(config as never)()) as Config;
  const esm = esmOnlyPackages().map(escape).join('|');
  resolved.transformIgnorePatterns = [`/node_modules/(?!(${esm})/)`, ...(resolved.transformIgnorePatterns ?? []).filter((p) => !p.startsWith('/node_modules/'))];
  resolved.moduleNameMapper = {
    '^@/(.*)$': '<rootDir>/$1',
    // starry-night's grammars are named by scope (`source.css`, `text.xml.svg`): before next/jest's
    // mappers, which would take them for stylesheets and images.
    '^@wooorm/starry-night/((?:source|text)\\..+)$': '<rootDir>/node_modules/@wooorm/starry-night/lang/$1.js',
    '^(vscode-textmate|vscode-oniguruma)$': '<rootDir>/lib/test/esm-default/$1.cjs',
    ...resolved.moduleNameMapper,
  };
  return resolved;
}

/**
 * The soak project (e2e/soak/*.soak.ts: long fuzzing, a bigger webhook storm, a build checked for
 * secrets, longer crash tests) is all `npm run test:soak` runs (`npm run test:soak -- <path>` for one
 * file); SHIPLOG_SOAK=1 adds it to the others. Plain `npm test` does not see it at all.
 */
const soakOnly = process.env.npm_lifecycle_event === 'test:soak';
const soak = soakOnly || process.env.SHIPLOG_SOAK === '1';

const integration = {
  testEnvironment: 'node',
  globalSetup: '<rootDir>/e2e/harness/global-setup.ts',
  globalTeardown: '<rootDir>/e2e/harness/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/e2e/harness/timeout.ts'],
} satisfies Config;

export default async function jestConfig(): Promise<Config> {
  return {
    projects: [...(soakOnly ? [] : await regular()), ...(soak ? [await project({ displayName: 'soak', testMatch: ['<rootDir>/e2e/soak/**/*.soak.ts'], ...integration })] : [])],
  };
}

async function regular(): Promise<Config[]> {
  return [
    await project({
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/lib/**/*.test.ts'],
      setupFiles: ['<rootDir>/lib/test/unit-env.ts'],
    }),
    await project({ displayName: 'integration', testMatch: ['<rootDir>/e2e/**/*.test.ts'], ...integration }),
  ];
}
