import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from './api.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/**
 * GETs `path` (null: nothing to load) and refetches when `path` or `version` changes. Keeps the last data while
 * a refetch runs, so live updates do not flash a loading state.
 */
export function useResource<T>(path: string | null, version: unknown = 0): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: path !== null });
  const [nonce, setNonce] = useState(0);
  const current = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: nonce and version trigger a refetch on purpose
  useEffect(() => {
    if (path === null) return;
    const request = ++current.current;
    setState((s) => ({ ...s, loading: true }));
    api<T>('GET', path).then(
      (data) => request === current.current && setState({ data, loading: false }),
      (error: unknown) =>
        request === current.current &&
        setState((s) => ({
          ...s,
          loading: false,
          error: error instanceof ApiError ? error : new ApiError(0, 'CLIENT', String(error)),
        })),
    );
  }, [path, version, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
