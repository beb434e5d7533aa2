import type { StoredEvent } from './event.js';
import type { EventListener } from './event.store.js';

/** Listener registry shared by the stores. A throwing listener is reported and does not stop the others. */
export class EventListeners {
  readonly #listeners = new Set<EventListener>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void = () => {}) {
    this.#onError = onError;
  }

  add(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(events);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
