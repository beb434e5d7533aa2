import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { AdminApi, ReleaseView } from './admin-api.js';

/** A config-as-code document with its `releases:` section (release id → definition without `id`). */
export interface ReleaseDocument {
  project: string;
  releases?: Record<string, Record<string, unknown> & { waves?: { minBakeSeconds?: number }[] }>;
  [section: string]: unknown;
}

/** Reads a `wavegate.yaml` (or JSON) file as is. */
export async function loadConfigFile(path: string): Promise<ReleaseDocument> {
  return parse(await readFile(path, 'utf8')) as ReleaseDocument;
}

/**
 * A copy of the document whose release durations are multiplied by `factor` and rounded up to whole seconds:
 * `scaleDurations(doc, 20 / 86_400)` turns a day of bake (`minBakeSeconds`) into 20 seconds. `onNoData.afterSeconds`
 * is scaled too but kept at 60 seconds or more: metrics arrive in 10-second windows, so a shorter silence is not a
 * sign of missing data. Nothing else changes.
 */
export function scaleDurations(doc: ReleaseDocument, factor: number): ReleaseDocument {
  const copy = structuredClone(doc);
  const scale = (s: unknown) => (typeof s === 'number' ? Math.max(1, Math.ceil(s * factor)) : s);
  for (const release of Object.values(copy.releases ?? {})) {
    for (const wave of release.waves ?? []) wave.minBakeSeconds = scale(wave.minBakeSeconds) as number;
    const onNoData = release['onNoData'] as { afterSeconds?: number } | undefined;
    if (typeof onNoData?.afterSeconds === 'number') {
      onNoData.afterSeconds = Math.max(MIN_NO_DATA_SECONDS, Math.ceil(onNoData.afterSeconds * factor));
    }
  }
  return copy;
}

/** The shortest `onNoData.afterSeconds` scaleDurations leaves: six 10-second metric windows. */
const MIN_NO_DATA_SECONDS = 60;

/**
 * Applies a document with its `releases:` to the server as `wavegate apply -f` does (POST /api/v1/apply: releases
 * are created pending unless they say `start: true`), then, unless `start: false`, starts those still pending.
 * Returns the document's releases.
 */
export async function applyWithReleases(
  api: AdminApi,
  doc: ReleaseDocument,
  options: { start?: boolean } = {},
): Promise<ReleaseView[]> {
  await api.request('POST', '/api/v1/apply', doc);
  const releases = Object.entries(doc.releases ?? {});
  const ids = releases.map(([id]) => id);
  if (options.start === false) return Promise.all(ids.map((id) => api.release(doc.project, id)));
  return startReleases(api, doc.project, ids);
}

/** Starts the releases that are still pending; returns all of them. */
export async function startReleases(api: AdminApi, project: string, ids: readonly string[]): Promise<ReleaseView[]> {
  const out: ReleaseView[] = [];
  for (const id of ids) {
    let release = await api.release(project, id);
    if (release.status === 'pending') {
      const path = `/api/v1/projects/${encodeURIComponent(project)}/releases/${encodeURIComponent(id)}/start`;
      release = await api.request('POST', path);
    }
    out.push(release);
  }
  return out;
}

/** Whether a release has finished (completed or rolled back). */
export function finished(release: ReleaseView): boolean {
  return release.status === 'completed' || release.status === 'rolled_back';
}

export interface WatchOptions {
  /** Real milliseconds between polls (default 250). */
  intervalMs?: number;
  /** Give up after this many real milliseconds (rejects). */
  timeoutMs?: number;
  /** Called with every poll's releases. */
  onUpdate?: (releases: ReleaseView[]) => void;
  signal?: AbortSignal;
}

/** Polls the releases until every one has finished; resolves with their final state. */
export async function waitForReleases(
  api: AdminApi,
  project: string,
  ids: readonly string[],
  options: WatchOptions = {},
): Promise<ReleaseView[]> {
  const started = Date.now();
  for (;;) {
    const releases = await Promise.all(ids.map((id) => api.release(project, id)));
    options.onUpdate?.(releases);
    if (releases.every(finished)) return releases;
    if (options.signal?.aborted === true) throw new Error('stopped');
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) {
      const states = releases.map((r) => `${r.id}: ${r.status} at wave ${r.wave} (${r.reason ?? 'no reason'})`);
      throw new Error(`releases not finished after ${options.timeoutMs} ms: ${states.join('; ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}
