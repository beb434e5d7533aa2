import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';

/** An event as the dashboard stream sends it (no payload: pages refetch what they show). */
export interface LiveEvent {
  seq: number;
  time: string;
  actor: string;
  kind: string;
  subject: string;
}

interface Live {
  /** Events received since the page loaded (the last 200). */
  events: LiveEvent[];
  connected: boolean;
}

const LiveContext = createContext<Live>({ events: [], connected: false });

/** Listens to `GET /api/v1/events/stream` (SSE; the browser reconnects by itself) while signed in. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [live, setLive] = useState<Live>({ events: [], connected: false });
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/events/stream');
    source.onopen = () => setLive((l) => ({ ...l, connected: true }));
    source.onerror = () => setLive((l) => ({ ...l, connected: false }));
    source.addEventListener('events', (message) => {
      const batch = JSON.parse((message as MessageEvent<string>).data) as LiveEvent[];
      setLive((l) => ({ connected: true, events: [...l.events, ...batch].slice(-200) }));
    });
    return () => source.close();
  }, []);
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

export const useLive = () => useContext(LiveContext);

/**
 * A number that changes whenever an event arrives whose subject starts with one of `prefixes` (all events when
 * none are given): put it in a fetch's dependencies to refetch on change.
 */
export function useLiveVersion(...prefixes: string[]): number {
  const { events } = useLive();
  let version = 0;
  for (const event of events) {
    if (prefixes.length === 0 || prefixes.some((p) => event.subject.startsWith(p))) version = event.seq;
  }
  return version;
}
