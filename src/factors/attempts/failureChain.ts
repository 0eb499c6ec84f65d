import type { AttemptRepository, ChainEntry } from '../../store/repositories/attemptRepository.ts';

export type { ChainEntry };

/** What a kind of chain (a person's factor, an address) keeps in each link, and how a failure changes it. */
export type ChainKind<State> = {
  empty: State;
  /** The state after one more failure at `at`; undefined when it does not count (a failure during a timed lock). */
  next(state: State, at: number): State | undefined;
  /** Whether the state still has failures that count at `now`: only then may a newer slot matter. */
  live(state: State, now: number): boolean;
};

export type ChainId = { owner: string; key: string; factor: string };

/**
 * The newest link of a chain as far as its slots go. The head's entry is where the walk
 * starts: written after each failure by `_id` alone, it may lag behind the slots when
 * failures race (the embedded database writes a document as a read followed by a write),
 * so a live entry is followed while a newer slot exists — one lookup by `_id` when it does
 * not lag, which is every time but under racing failures. An entry with nothing live
 * needs no walk: whatever raced past it is found by the next failure.
 */
export async function newestLink<State>(repository: AttemptRepository, { owner, key }: ChainId, entry: ChainEntry<State> | undefined, kind: Pick<ChainKind<State>, 'empty' | 'live'>, now: number): Promise<ChainEntry<State>> {
  let current: ChainEntry<State> = entry ?? { n: 0, last: 0, state: kind.empty };
  if (entry === undefined || !kind.live(entry.state, now)) return current;
  for (;;) {
    const slot = await repository.slot(owner, key, current.n + 1);
    if (!slot) return current;
    current = { n: slot.n, last: slot.at, state: slot.state as State };
  }
}

/**
 * Adds a failure after `from`: it takes the next slot by inserting its `_id`, which only
 * one failure can do; a failure that finds its slot taken adopts that slot's state and
 * tries the next, so every failure counts exactly once, in order, on every instance.
 * Returns the newest link after it (the one it reached, when it does not count) and
 * whether the chain moved past `from`, so that the caller writes the head.
 */
export async function appendFailure<State>(repository: AttemptRepository, id: ChainId, from: ChainEntry<State>, at: number, kind: ChainKind<State>): Promise<{ link: ChainEntry<State>; moved: boolean }> {
  let current = from;
  for (;;) {
    const state = kind.next(current.state, at);
    if (state === undefined) return { link: current, moved: current !== from };
    const n = current.n + 1;
    if (await repository.insertSlot({ ...id, n, at, state })) return { link: { n, last: at, state }, moved: true };
    const taken = await repository.slot(id.owner, id.key, n);
    // Swept between the insert and the read (older than any failure that counts): try the same number again.
    if (taken) current = { n, last: taken.at, state: taken.state as State };
  }
}
