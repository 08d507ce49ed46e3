/** Replaces what a model's tool name may not hold (`.`, `/`, spaces, ...) with `_`. */
function sanitize(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]+/g, '_');
  return cleaned === '' ? 'tool' : cleaned;
}

/**
 * Gives each MCP tool a name a model accepts (`^[a-zA-Z0-9_-]{1,64}$`), unique in the list:
 * invalid characters become `_`, the prefix (if any) is put in front, names are cut to 64
 * characters, and a name already taken gets `_2`, `_3`, ... Pure: the same list gives the same
 * names.
 *
 * @param names - The tools' names as the server gives them, in the server's order.
 * @param prefix - Put before every name (`fs` gives `fs_read_file`), or none.
 * @returns The agentloop name of each, by server name.
 */
export function agentToolNames(
  names: readonly string[],
  prefix: string | undefined,
): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  const head = prefix === undefined ? '' : `${sanitize(prefix)}_`;
  for (const name of names) {
    const base = `${head}${sanitize(name)}`.slice(0, 64);
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) {
      const suffix = `_${n}`;
      candidate = `${base.slice(0, 64 - suffix.length)}${suffix}`;
    }
    taken.add(candidate);
    out.set(name, candidate);
  }
  return out;
}
