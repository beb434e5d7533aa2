import { validateRelease } from '@wavegate/core';
import type { ConfigDocument } from './config.types.js';
import { parseCorePath } from './core-check.js';
import type { DocumentRelease } from './releases.types.js';
import type { LocatedProblem } from './schema-check.js';

/** `validateRelease` on every release of the document, problems under `releases.<id>`. */
export function checkReleasesLocated(document: ConfigDocument, problems: LocatedProblem[]): void {
  for (const [id, written] of Object.entries(document.releases ?? {})) {
    const { start: _start, ...rest } = (written ?? {}) as DocumentRelease;
    const result = validateRelease({ id, ...rest });
    if (result.ok) continue;
    for (const problem of result.problems) {
      problems.push({
        segments: ['releases', id, ...parseCorePath(problem.path)],
        code: problem.code,
        message: problem.message,
      });
    }
  }
}
