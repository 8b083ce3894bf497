/**
 * A strict JSON parser (RFC 8259, what Go's encoding/json and Python's json module
 * accept, minus Python's NaN/Infinity extension) that also returns where every value
 * and key sits in the text, keyed by JSON pointer (RFC 6901). Lint and error messages
 * use it to point at the line a problem comes from.
 *
 * Errors carry the offset of the offending character as a 1-based line and column;
 * the line is the one Python's `json.JSONDecodeError.lineno` reports.
 */

export interface JsonPosition {
  /** 0-based offset in the text (UTF-16 code units). */
  readonly offset: number
  /** 1-based line ('\n' separates lines). */
  readonly line: number
  /** 1-based column. */
  readonly column: number
}

export interface JsonLocation {
  /** Where the value starts. */
  readonly value: JsonPosition
  /** Offset just after the value. */
  readonly end: number
  /** Where the member's key (its opening quote) starts, for object members. */
  readonly key?: JsonPosition
}

export type JsonLocations = ReadonlyMap<string, JsonLocation>

export type JsonPositionsParse =
  | {readonly ok: true; readonly value: unknown; readonly locations: JsonLocations}
  | {readonly ok: false; readonly message: string; readonly offset: number; readonly line: number; readonly column: number}

/** Nesting deeper than this is refused (Python's json gives up near 1000 too). */
export const MAX_JSON_DEPTH = 1000

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message)
  }
}

/** Escape one reference token of a JSON pointer. */
export const escapePointerToken = (token: string | number): string => String(token).replace(/~/g, '~0').replace(/\//g, '~1')

/** Build a JSON pointer from its tokens: `jsonPointer(['mounts', 0, 'type'])` → `/mounts/0/type`. */
export const jsonPointer = (tokens: readonly (string | number)[]): string => tokens.map((t) => '/' + escapePointerToken(t)).join('')

/** Split a JSON pointer into its unescaped tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** The location of `pointer`, or of its nearest ancestor that exists (the document itself at worst). */
export function nearestLocation(locations: JsonLocations, pointer: string): {pointer: string; location: JsonLocation} | undefined {
  let p = pointer
  for (;;) {
    const location = locations.get(p)
    if (location) return {pointer: p, location}
    if (p === '') return undefined
    p = p.slice(0, p.lastIndexOf('/'))
  }
}

const describeChar = (c: string | undefined): string => (c === undefined ? 'the end of the text' : `'${c}'`)

class Parser {
  private pos = 0
  private line = 1
  private lineStart = 0
  readonly locations = new Map<string, JsonLocation>()

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    this.skipSpace()
    const value = this.parseValue('', 0)
    this.skipSpace()
    if (this.pos < this.text.length) throw this.fail(`unexpected ${describeChar(this.text[this.pos])} after the end of the JSON document`)
    return value
  }

  /** Position of the current offset. */
  private here(): JsonPosition {
    return {offset: this.pos, line: this.line, column: this.pos - this.lineStart + 1}
  }

  private fail(message: string, offset = this.pos): JsonSyntaxError {
    return new JsonSyntaxError(message, offset)
  }

  private skipSpace(): void {
    const t = this.text
    for (;;) {
      const c = t.charCodeAt(this.pos)
      if (c === 0x20 || c === 0x09 || c === 0x0d) this.pos++
      else if (c === 0x0a) {
        this.pos++
        this.line++
        this.lineStart = this.pos
      } else return
    }
  }

  private parseValue(pointer: string, depth: number, key?: JsonPosition): unknown {
    if (depth > MAX_JSON_DEPTH) throw this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels`)
    const start = this.here()
    const c = this.text[this.pos]
    let value: unknown
    if (c === '{') value = this.parseObject(pointer, depth)
    else if (c === '[') value = this.parseArray(pointer, depth)
    else if (c === '"') value = this.parseString()
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) value = this.parseNumber()
    else if (this.text.startsWith('true', this.pos)) value = this.literal(4, true)
    else if (this.text.startsWith('false', this.pos)) value = this.literal(5, false)
    else if (this.text.startsWith('null', this.pos)) value = this.literal(4, null)
    else throw this.fail(`expected a value, found ${describeChar(c)}`)
    this.locations.set(pointer, key ? {value: start, end: this.pos, key} : {value: start, end: this.pos})
    return value
  }

  private literal(length: number, value: boolean | null): boolean | null {
    this.pos += length
    return value
  }

  private parseObject(pointer: string, depth: number): Record<string, unknown> {
    const open = this.here()
    const obj: Record<string, unknown> = {}
    this.pos++
    this.skipSpace()
    if (this.text[this.pos] === '}') {
      this.pos++
      return obj
    }
    for (;;) {
      if (this.text[this.pos] !== '"') {
        const found = this.text[this.pos]
        throw this.fail(
          found === undefined
            ? `unterminated object (opened at line ${open.line}, column ${open.column})`
            : `expected a property name in double quotes, found ${describeChar(found)}`,
        )
      }
      const keyPos = this.here()
      const name = this.parseString()
      this.skipSpace()
      if (this.text[this.pos] !== ':') throw this.fail(`expected ':' after the property name "${name}", found ${describeChar(this.text[this.pos])}`)
      this.pos++
      this.skipSpace()
      const value = this.parseValue(pointer + '/' + escapePointerToken(name), depth + 1, keyPos)
      // Own data property even for "__proto__", as JSON.parse does.
      if (name === '__proto__') Object.defineProperty(obj, name, {value, enumerable: true, writable: true, configurable: true})
      else obj[name] = value
      if (this.closesAfterElement('}', open, 'object', `the value of "${name}"`)) return obj
    }
  }

  private parseArray(pointer: string, depth: number): unknown[] {
    const open = this.here()
    const arr: unknown[] = []
    this.pos++
    this.skipSpace()
    if (this.text[this.pos] === ']') {
      this.pos++
      return arr
    }
    for (;;) {
      if (this.pos >= this.text.length) throw this.fail(`unterminated array (opened at line ${open.line}, column ${open.column})`)
      arr.push(this.parseValue(`${pointer}/${arr.length}`, depth + 1))
      if (this.closesAfterElement(']', open, 'array', 'an array element')) return arr
    }
  }

  /**
   * After an element of an object or array: consume `,` (refusing a trailing one) and return false, or consume
   * the closing bracket and return true; anything else is an error naming where the container opened.
   */
  private closesAfterElement(close: '}' | ']', open: {line: number; column: number}, kind: string, after: string): boolean {
    this.skipSpace()
    const c = this.text[this.pos]
    if (c === ',') {
      const comma = this.here()
      this.pos++
      this.skipSpace()
      if (this.text[this.pos] === close) throw this.fail(`trailing comma: the ',' at line ${comma.line}, column ${comma.column} is followed by '${close}'`)
      return false
    }
    if (c === close) {
      this.pos++
      return true
    }
    throw this.fail(
      c === undefined
        ? `unterminated ${kind} (opened at line ${open.line}, column ${open.column})`
        : `expected ',' or '${close}' after ${after}, found ${describeChar(c)}`,
    )
  }

  private parseString(): string {
    const t = this.text
    const open = this.pos
    let i = open + 1
    let out = ''
    let chunk = i
    for (;;) {
      if (i >= t.length) throw this.fail('unterminated string', open)
      const c = t.charCodeAt(i)
      if (c === 0x22) break
      if (c < 0x20) {
        throw this.fail(`control character U+${c.toString(16).toUpperCase().padStart(4, '0')} inside a string (write it as an escape such as \\n or \\t)`, i)
      }
      if (c !== 0x5c) {
        i++
        continue
      }
      out += t.slice(chunk, i)
      const e = t[i + 1]
      switch (e) {
        case '"': out += '"'; break
        case '\\': out += '\\'; break
        case '/': out += '/'; break
        case 'b': out += '\b'; break
        case 'f': out += '\f'; break
        case 'n': out += '\n'; break
        case 'r': out += '\r'; break
        case 't': out += '\t'; break
        case 'u': {
          const hex = t.slice(i + 2, i + 6)
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw this.fail(`invalid escape '\\u${hex}' (expected four hex digits)`, i)
          out += String.fromCharCode(parseInt(hex, 16))
          i += 4
          break
        }
        case undefined:
          throw this.fail('unterminated string', open)
        default:
          throw this.fail(`invalid escape '\\${e}' inside a string`, i)
      }
      i += 2
      chunk = i
    }
    out += t.slice(chunk, i)
    this.pos = i + 1
    return out
  }

  private parseNumber(): number {
    const m = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y
    m.lastIndex = this.pos
    const r = m.exec(this.text)
    if (!r || r[0] === '-') throw this.fail(`expected a value, found '-'`)
    const next = this.text[this.pos + r[0].length]
    if (next !== undefined && /[0-9.eE+-]/.test(next)) {
      throw this.fail(`malformed number '${r[0]}${next}' (JSON numbers have no leading zeros and need digits after '.' and 'e')`, this.pos + r[0].length)
    }
    this.pos += r[0].length
    return Number(r[0])
  }

  /** Line and column of an offset the parser has not reached through skipSpace (error positions). */
  positionOf(offset: number): JsonPosition {
    let line = 1
    let lineStart = 0
    for (let i = 0; i < offset && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++
        lineStart = i + 1
      }
    }
    return {offset, line, column: offset - lineStart + 1}
  }
}

/** Parse JSON text, returning the value and the location of every value, or where and why it is broken. */
export function parseJsonWithPositions(text: string): JsonPositionsParse {
  const parser = new Parser(text)
  try {
    const value = parser.parseDocument()
    return {ok: true, value, locations: parser.locations}
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e
    const at = parser.positionOf(e.offset)
    return {ok: false, message: e.message, offset: at.offset, line: at.line, column: at.column}
  }
}
