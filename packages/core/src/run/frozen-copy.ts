/**
 * A deep copy for stores that keep what they are given in memory and are called often with
 * nearly the same value (a run's snapshot at every checkpoint). Internal to the run stores.
 *
 * @module
 */

/** Values that can never change: this module's own copies and caller objects found frozen to the leaves. */
const deepFrozen = new WeakSet<object>();
/** The last copy made of an object: given the same data again, it is reused rather than rebuilt. */
const copies = new WeakMap<object, object>();

/**
 * Copies `value` deeply into frozen plain objects and arrays, so that nothing the caller does
 * later changes the copy, reusing whatever it can:
 *
 * - an object already frozen to the leaves (such as a copy this function made, or a message an
 *   `InMemoryStore` handed out) is kept as it is: nobody can change it;
 * - an object copied before whose data is still the same gets its previous copy back, so a
 *   snapshot saved again after one field changed costs a walk over the data and new objects only
 *   along the changed path, not a new copy of the whole conversation.
 *
 * Objects other than plain objects and arrays (a `Date`, a `Map`) are copied with
 * `structuredClone` every time and not frozen. Cycles are not supported (a snapshot is JSON).
 *
 * @param value - The value to copy.
 * @returns The frozen copy (or `value` itself when it is a primitive or frozen to the leaves).
 */
export function frozenCopy<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (deepFrozen.has(value)) return value;
  if (Array.isArray(value)) return copyArray(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    return copyObject(value as Record<string, unknown>);
  }
  return structuredClone(value);
}

function copyArray(value: unknown[]): unknown[] {
  const previous = copies.get(value) as unknown[] | undefined;
  let frozen = Object.isFrozen(value);
  // `undefined` while every element so far matches the previous copy's.
  let out: unknown[] | undefined =
    previous !== undefined && previous.length === value.length ? undefined : [];
  for (let i = 0; i < value.length; i++) {
    const element = value[i];
    const copied = copy(element);
    if (copied !== element) frozen = false;
    if (out === undefined) {
      if (Object.is(copied, (previous as unknown[])[i])) continue;
      out = (previous as unknown[]).slice(0, i);
    }
    out.push(copied);
  }
  return settle(value, frozen, previous, out);
}

function copyObject(value: Record<string, unknown>): Record<string, unknown> {
  const previous = copies.get(value) as Record<string, unknown> | undefined;
  let frozen = Object.isFrozen(value);
  const keys = Object.keys(value);
  let out: Record<string, unknown> | undefined =
    previous !== undefined && Object.keys(previous).length === keys.length ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const field = value[key];
    const copied = copy(field);
    if (copied !== field) frozen = false;
    if (out === undefined) {
      const before = previous as Record<string, unknown>;
      if (Object.is(copied, before[key]) && Object.hasOwn(before, key)) continue;
      // The keys before this one matched: take them from the previous copy.
      out = {};
      for (let j = 0; j < i; j++) out[keys[j] as string] = before[keys[j] as string];
    }
    out[key] = copied;
  }
  return settle(value, frozen, previous, out);
}

function settle<T extends object>(
  value: T,
  frozen: boolean,
  previous: T | undefined,
  out: T | undefined,
): T {
  if (frozen) {
    // Frozen, and every child is too: it can never change, so it needs no copy.
    deepFrozen.add(value);
    return value;
  }
  if (out === undefined) return previous as T;
  Object.freeze(out);
  deepFrozen.add(out);
  copies.set(value, out);
  return out;
}
