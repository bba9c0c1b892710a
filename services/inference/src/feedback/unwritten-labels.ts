import { NO_LABEL } from './recent-predictions.ts';

/**
 * The labels most recently accepted, by request id and passenger index, as many as can still be
 * waiting for the database (the feedback queue's rows plus one batch in flight). A label whose
 * prediction memory has already let go is found here until the database can show it, so a
 * repeat stays unchanged and a different label stays a conflict in that gap too.
 */
export class UnwrittenLabels {
  readonly #labels = new Map<string, number>();

  constructor(readonly capacity: number) {}

  get(requestId: string, index: number): number {
    return this.#labels.get(key(requestId, index)) ?? NO_LABEL;
  }

  add(requestId: string, index: number, label: number): void {
    const k = key(requestId, index);
    this.#labels.delete(k);
    this.#labels.set(k, label);
    // Labels arrive far less often than predictions: evicting from the front of the map is cheap here.
    if (this.#labels.size > this.capacity) this.#labels.delete(this.#labels.keys().next().value!);
  }
}

const key = (requestId: string, index: number) => `${requestId}\u0000${index}`;
