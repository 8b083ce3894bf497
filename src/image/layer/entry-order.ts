/**
 * The order of a layer's entries: component by component, bytewise (GNU tar --sort=name), with the opaque marker and
 * then whiteouts first among their siblings, so it never depends on readdir or on the host.
 */

/** Component-wise bytewise order; among siblings: the opaque marker, then whiteouts, then the rest. */
export function sortEntries<T extends {name: string}>(entries: readonly T[]): T[] {
  const keyed = entries.map((e) => {
    const k = sortKey(e.name)
    return {e, k, astral: ASTRAL.test(k)}
  })
  keyed.sort(compareKeyed)
  return keyed.map((x) => x.e)
}

/**
 * Strings compare by UTF-16 code unit, which is UTF-8 byte order except between a surrogate (a character beyond
 * U+FFFF) and U+E000–U+FFFF: keys with surrogates are compared as bytes.
 */
const ASTRAL = /[\uD800-\uDFFF]/

/** One directory's names in the order sortEntries gives them (the rank of a component, then its bytes). */
export function sortNames(names: string[]): void {
  if (names.length < 2) return
  const keyed = names.map((n) => {
    const k = componentRank(n) + n
    return {n, k, astral: ASTRAL.test(k)}
  })
  keyed.sort(compareKeyed)
  for (let i = 0; i < names.length; i++) names[i] = keyed[i]!.n
}

const componentRank = (c: string): string => (c === '.wh..wh..opq' ? '\u0001' : c.startsWith('.wh.') ? '\u0002' : '\u0003')

function compareKeyed(a: {k: string; astral: boolean}, b: {k: string; astral: boolean}): number {
  if (a.astral || b.astral) return Buffer.compare(Buffer.from(a.k, 'utf8'), Buffer.from(b.k, 'utf8'))
  return a.k < b.k ? -1 : a.k > b.k ? 1 : 0
}

function sortKey(name: string): string {
  // Each component gets a rank character (opaque marker < whiteouts < the rest); components are separated by NUL.
  if (!name.includes('.wh.')) return '\u0003' + name.replaceAll('/', '\u0000\u0003')
  const parts = name.split('/').map((c) => componentRank(c) + c)
  return parts.join('\u0000')
}
