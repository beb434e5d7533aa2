import { type Change, diffJson } from '../diff.js';
import type { FlagResource } from './flags.js';

/** A change request's operation, as the server stores it (docs/users.md). */
export type Operation =
  | { kind: 'flag-environment'; flag: string; environment: string; config: Record<string, unknown> }
  | { kind: 'flag'; flag: string; patch: Record<string, unknown> }
  | { kind: 'flag-archive' | 'flag-restore'; flag: string }
  | { kind: 'segment-upsert'; segment: string; description?: string | null; conditions: unknown[] }
  | { kind: 'segment-delete'; segment: string }
  | { kind: 'release-create'; definition: Record<string, unknown> }
  | { kind: 'release-start' | 'release-resume' | 'release-approve' | 'release-promote'; release: string }
  | { kind: 'environment-unprotect'; environment: string };

export interface SegmentView {
  key: string;
  description: string | null;
  conditions: unknown[];
}

/** What the page knows of the targets now (to diff against). */
export interface Current {
  flags: FlagResource[];
  segments: SegmentView[];
}

const RELEASE_VERBS: Record<string, string> = {
  'release-start': 'Start release',
  'release-resume': 'Resume release',
  'release-approve': 'Approve the current wave of release',
  'release-promote': 'Promote to the next wave: release',
};

function configSummary(config: Record<string, unknown>): string {
  const parts: string[] = [];
  if (config['enabled'] === true) parts.push('turn on');
  if (config['enabled'] === false) parts.push('turn off');
  if (Array.isArray(config['rules'])) parts.push(`${config['rules'].length} rule(s)`);
  if (config['serve'] !== undefined) parts.push('default serve');
  if (config['offVariant'] !== undefined) parts.push(`off variant ${String(config['offVariant'])}`);
  return parts.length === 0 ? 'no change' : parts.join(', ');
}

/** One line saying what applying the operation does, in the words of the dashboard. */
export function operationSummary(op: Operation, environment: string | undefined, current: Current): string {
  switch (op.kind) {
    case 'flag-environment':
      return `Flag ${op.flag} in ${op.environment}: ${configSummary(op.config)}`;
    case 'flag':
      return `Flag ${op.flag} definition (every environment): ${Object.keys(op.patch).join(', ')}`;
    case 'flag-archive':
      return `Archive flag ${op.flag} (every environment stops serving it)`;
    case 'flag-restore':
      return `Restore flag ${op.flag}`;
    case 'segment-upsert': {
      const exists = current.segments.some((s) => s.key === op.segment);
      return `${exists ? 'Update' : 'Create'} segment ${op.segment} (${op.conditions.length} condition(s))`;
    }
    case 'segment-delete':
      return `Delete segment ${op.segment}`;
    case 'release-create': {
      const d = op.definition;
      const waves = Array.isArray(d['waves'])
        ? (d['waves'] as { percentage?: number }[]).map((w) => `${w.percentage}%`).join(' → ')
        : '';
      return `Create release ${String(d['id'])}: flag ${String(d['flag'])} in ${String(d['environment'])}, waves ${waves}`;
    }
    case 'environment-unprotect':
      return `Unprotect environment ${op.environment} (its changes stop needing an approval)`;
    default:
      return `${RELEASE_VERBS[op.kind]} ${op.release}${environment === undefined ? '' : ` in ${environment}`}`;
  }
}

/** Before → after of the target, where there is one (the target as it is now against the proposal). */
export function operationChanges(op: Operation, current: Current): Change[] {
  const flag = 'flag' in op ? current.flags.find((f) => f.key === op.flag) : undefined;
  switch (op.kind) {
    case 'flag-environment': {
      const before = flag?.environments[op.environment];
      return diffJson(before ?? {}, { ...(before ?? {}), ...op.config });
    }
    case 'flag': {
      const before = Object.fromEntries(
        Object.keys(op.patch).map((k) => [k, flag?.[k as keyof FlagResource]] as const),
      );
      return diffJson(before, op.patch);
    }
    case 'segment-upsert': {
      const seg = current.segments.find((s) => s.key === op.segment);
      const before = seg === undefined ? {} : { description: seg.description, conditions: seg.conditions };
      return diffJson(before, { description: op.description ?? null, conditions: op.conditions });
    }
    default:
      return [];
  }
}
