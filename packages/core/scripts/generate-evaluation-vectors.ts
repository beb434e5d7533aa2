/**
 * Writes `spec/evaluation.json`. Every expected result below is written by hand; units for rollouts and splits
 * were chosen by their buckets under the independent reference implementation (`test/reference-murmur3.ts`),
 * noted next to each case. Run: `npx tsx packages/core/scripts/generate-evaluation-vectors.ts`
 */
import { writeFileSync } from 'node:fs';
// The sections run in this order, which is the order of the cases in the file (keep it).
import { segments } from './evaluation-vectors/operators.js';
import './evaluation-vectors/rules.js';
import './evaluation-vectors/rollouts.js';
import './evaluation-vectors/splits.js';
import './evaluation-vectors/errors.js';
import { cases, flags } from './evaluation-vectors/shared.js';

const vectors = {
  specVersion: 2,
  description:
    'Wavegate evaluation conformance vectors. For each case: evaluate flags[case.flag] with case.context and the ' +
    'segments below, or build a snapshot {version: 1, project: "spec", environment: "spec", flags, segments} and ' +
    'evaluate case.flag through it (snapshotOnly cases only this way). Compare value, variant, reason, ruleIndex, ' +
    'errorCode and rollout; a field absent from expected must be absent from the result. Messages are not compared.',
  segments,
  flags,
  cases,
};
const target = new URL('../spec/evaluation.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${target.pathname} with ${cases.length} cases`);
