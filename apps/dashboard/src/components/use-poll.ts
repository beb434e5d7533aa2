import { useEffect, useState } from 'react';

/**
 * A number that goes up every `intervalMs` while `enabled` and the page is visible (a hidden tab does not poll):
 * put it in a fetch's dependencies to refetch. For state the event stream does not announce, such as a release's
 * latest evaluation (an unchanged hold is not appended, so no event fires).
 */
export function usePoll(enabled: boolean, intervalMs: number): number {
  const [tick, setTick] = useState(0);
  const [visible, setVisible] = useState(() => typeof document === 'undefined' || !document.hidden);
  useEffect(() => {
    if (typeof document === 'undefined') return;
    const onChange = () => {
      setVisible(!document.hidden);
      if (!document.hidden) setTick((t) => t + 1); // back to the tab: refresh at once
    };
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  useEffect(() => {
    if (!enabled || !visible) return;
    const handle = setInterval(() => setTick((t) => t + 1), intervalMs);
    return () => clearInterval(handle);
  }, [enabled, visible, intervalMs]);
  return tick;
}
