import { z } from 'zod';
import { RELEASE_LEVELS, type ReleaseLevel } from './versions';

/** `level=major,minor` or `level=major&level=minor`: one or several levels, each one of RELEASE_LEVELS. */
export const levelListParam = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    [v]
      .flat()
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(RELEASE_LEVELS, { error: `must be ${RELEASE_LEVELS.join(', ')} (one or several, comma separated)` })).min(1, { error: 'names no level' }))
  .transform((v) => [...new Set(v)] as ReleaseLevel[]);
