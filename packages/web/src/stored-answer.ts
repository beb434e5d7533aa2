import type { OfrepItem, StorageLike } from './types.js';

interface StoredEntry {
  format: 'wavegate-web-cache/1';
  context: string;
  etag: string | null;
  flags: OfrepItem[];
}

function storageKey(url: string): string {
  return `wavegate:${url}`;
}

/**
 * Reads the last bulk answer stored for `url` and fills `into` with its flags when it was evaluated for
 * `contextKey`. Returns the entry, or undefined when there is none, it is for another context, or it is bad.
 */
export function loadStored(
  storage: StorageLike,
  url: string,
  contextKey: string,
  into: Map<string, OfrepItem>,
): { etag: string | null; context: string } | undefined {
  try {
    const raw = storage.getItem(storageKey(url));
    if (!raw) return undefined;
    const entry = JSON.parse(raw) as StoredEntry;
    if (entry.format !== 'wavegate-web-cache/1' || entry.context !== contextKey) return undefined;
    if (!Array.isArray(entry.flags)) return undefined;
    for (const f of entry.flags) into.set(f.key, f);
    return entry;
  } catch {
    // A bad stored entry is ignored.
    return undefined;
  }
}

/** Stores the bulk answer for `url` and `contextKey` (best effort: quota and privacy-mode errors are ignored). */
export function saveStored(
  storage: StorageLike,
  url: string,
  contextKey: string,
  etag: string | null,
  flags: OfrepItem[],
): void {
  const entry: StoredEntry = { format: 'wavegate-web-cache/1', context: contextKey, etag, flags };
  try {
    storage.setItem(storageKey(url), JSON.stringify(entry));
  } catch {
    // Quota or privacy mode: the cache is best effort.
  }
}
