import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Installed version of a package, found by walking up from its entry point (some hide package.json). */
export function versionOf(pkg) {
  let dir = dirname(require.resolve(pkg));
  for (;;) {
    try {
      const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (meta.name === pkg) return meta.version;
    } catch {
      // no package.json at this level
    }
    const up = dirname(dir);
    if (up === dir) return '?';
    dir = up;
  }
}
