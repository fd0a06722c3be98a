/**
 * Every order a broker accepted, by clientOrderId, in submission order. Ids are never reused, so the index keeps
 * them all and checks each new one: that check runs on every order, so it is an open-addressing table of 32-bit
 * hashes (FNV-1a over the id's UTF-16 code units) pointing into the list of states. A fresh id costs one hash and
 * a probe or two through typed arrays, where a Map<string> spent several times longer hashing the id and growing;
 * ids are compared as strings only when their hashes are equal.
 */
import type { OrderState } from './types.ts';

/** Slots per entry at most: the table doubles before it is more than half full. */
const MAX_LOAD = 0.5;
const INITIAL_SLOTS = 64;
const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32 bits, over the UTF-16 code units of `id`. */
export function clientOrderIdHash(id: string): number {
  let hash = FNV_OFFSET_BASIS | 0;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), FNV_PRIME);
  return hash;
}

export class OrderIndex {
  private readonly states: OrderState[] = [];
  /** clientOrderIdHash of each state's id, by position in `states`. */
  private readonly hashes: number[] = [];
  /** Position in `states` + 1, or 0 for an empty slot. */
  private slots = new Int32Array(INITIAL_SLOTS);
  /** The id get() hashed last, and its hash: the broker looks an id up, then adds it. */
  private lastId: string | undefined;
  private lastHash = 0;

  /** Adds `state` under its request's clientOrderId; false, changing nothing, when that id is already taken. */
  add(state: OrderState): boolean {
    const id = state.request.clientOrderId;
    const hash = this.hashOf(id);
    const slot = this.probe(id, hash);
    if (this.slots[slot] !== 0) return false;
    this.states.push(state);
    this.hashes.push(hash);
    this.slots[slot] = this.states.length;
    if (this.states.length > this.slots.length * MAX_LOAD) this.grow();
    return true;
  }

  /** undefined for an id never added, including one that is not a string at all (as Map.get would answer). */
  get(clientOrderId: string): OrderState | undefined {
    if (typeof clientOrderId !== 'string') return undefined;
    const position = this.slots[this.probe(clientOrderId, this.hashOf(clientOrderId))] as number;
    return position === 0 ? undefined : this.states[position - 1];
  }

  /** Every state, in submission order. */
  all(): readonly OrderState[] {
    return this.states;
  }

  private hashOf(id: string): number {
    if (id !== this.lastId) {
      this.lastHash = clientOrderIdHash(id);
      this.lastId = id;
    }
    return this.lastHash;
  }

  /** The slot holding `id`, or the empty slot where it would go (linear probing). */
  private probe(id: string, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const position = slots[slot] as number;
      if (position === 0) return slot;
      if (
        this.hashes[position - 1] === hash &&
        (this.states[position - 1] as OrderState).request.clientOrderId === id
      ) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Doubles the table, placing every entry again from its stored hash (no id is read). */
  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let position = 1; position <= this.states.length; position++) {
      let slot = (this.hashes[position - 1] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = position;
    }
    this.slots = slots;
  }
}
