/**
 * `WWW-Authenticate` parsing (RFC 7235): one or more challenges, each a scheme followed by comma-separated
 * `name=value` or `name="quoted value"` parameters, e.g.
 * `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"`.
 */

export interface Challenge {
  /** Lower-case scheme: `basic`, `bearer`, ... */
  readonly scheme: string
  /** Lower-case parameter names. */
  readonly params: Readonly<Record<string, string>>
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/

export function parseChallenges(headers: readonly string[]): Challenge[] {
  return headers.flatMap(parseChallengeHeader)
}

function parseChallengeHeader(header: string): Challenge[] {
  const out: {scheme: string; params: Record<string, string>}[] = []
  let s = header
  const skip = (re: RegExp): void => {
    s = s.replace(re, '')
  }
  skip(/^[\s,]+/)
  while (s.length > 0) {
    const scheme = TOKEN.exec(s)
    if (!scheme) break
    s = s.slice(scheme[0].length)
    const current = {scheme: scheme[0].toLowerCase(), params: {} as Record<string, string>}
    out.push(current)
    skip(/^\s+/)
    // parameters until a token followed by something other than '=' (the next challenge) or the end
    while (s.length > 0) {
      skip(/^[\s,]+/)
      const name = TOKEN.exec(s)
      if (!name) return out
      const after = s.slice(name[0].length).replace(/^\s*/, '')
      if (!after.startsWith('=')) break // a new scheme
      s = after.slice(1).replace(/^\s*/, '')
      let value: string
      if (s.startsWith('"')) {
        let i = 1
        value = ''
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++
          value += s[i]
          i++
        }
        s = s.slice(i + 1)
      } else {
        const m = /^[^,\s]*/.exec(s)
        value = m ? m[0] : ''
        s = s.slice(value.length)
      }
      current.params[name[0].toLowerCase()] = value
      skip(/^\s*,?/)
    }
  }
  return out
}

/** The first challenge of a scheme, if any. */
export const findChallenge = (challenges: readonly Challenge[], scheme: string): Challenge | undefined =>
  challenges.find((c) => c.scheme === scheme.toLowerCase())
