/**
 * A deep copy for stores that keep what they are given in memory and are called often with
 * nearly the same value (a run's snapshot at every checkpoint). Internal to the run stores.
 *
 * @module
 */

/**
 * Copies `value` deeply into frozen plain objects and arrays, so that nothing the caller does
 * later changes the copy. Objects frozen to the leaves are kept as they are, not copied: nobody
 * can change them (a run's snapshot shares its conversation and records this way, see
 * `snapshotOf`, and an `InMemoryStore` hands out its messages so).
 *
 * Finding an object frozen to the leaves takes a walk over it. With `previous`, the copy made of
 * the last value saved in the same place, the walk is skipped for every object found again at its
 * position in `previous`: a copy holds frozen objects and copies of its own only. A snapshot
 * saved again thus costs copies of its few small changing parts, not a walk over the whole
 * conversation.
 *
 * Objects other than plain objects and arrays (a `Date`, a `Map`) are copied with
 * `structuredClone` and not frozen. Cycles are not supported (a snapshot is JSON).
 *
 * @param value - The value to copy.
 * @param previous - What `frozenCopy` returned for the last value saved in the same place, if
 *   any. Only a value `frozenCopy` returned: whatever is found in it is taken as frozen.
 * @returns The frozen copy (or `value` itself when it is a primitive or frozen to the leaves).
 */
export function frozenCopy<T>(value: T, previous?: T): T {
  return copy(value, previous) as T;
}

function copy(value: unknown, previous: unknown): unknown {
  if (typeof value !== 'object' || value === null || value === previous) return value;
  // Whatever `previous` holds at the same place: only an object found there again is used.
  const before = previous as Record<string, unknown> | undefined;
  if (Array.isArray(value)) return copyArray(value, before);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    return copyObject(value as Record<string, unknown>, before);
  }
  return structuredClone(value);
}

function copyArray(value: unknown[], previous: Record<string, unknown> | undefined): unknown[] {
  // `undefined` while `value` is frozen and every element so far is kept as it is.
  let out: unknown[] | undefined = Object.isFrozen(value) ? undefined : [];
  for (let i = 0; i < value.length; i++) {
    const element = value[i];
    const copied = copy(element, previous?.[i]);
    if (out === undefined) {
      if (copied === element) continue;
      out = value.slice(0, i);
    }
    out.push(copied);
  }
  return out === undefined ? value : (Object.freeze(out) as unknown[]);
}

function copyObject(
  value: Record<string, unknown>,
  previous: Record<string, unknown> | undefined,
): Record<string, unknown> {
  // `undefined` while `value` is frozen and every field so far is kept as it is.
  let out: Record<string, unknown> | undefined = Object.isFrozen(value) ? undefined : {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const field = value[key];
    const copied = copy(field, previous?.[key]);
    if (out === undefined) {
      if (copied === field) continue;
      out = {};
      for (let j = 0; j < i; j++) out[keys[j] as string] = value[keys[j] as string];
    }
    out[key] = copied;
  }
  return out === undefined ? value : Object.freeze(out);
}
