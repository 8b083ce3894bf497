/**
 * A small Dockerfile reader for lint: instructions with their line numbers, continuation
 * lines joined (comment and empty lines inside them dropped, as BuildKit does), the
 * `# escape=` parser directive, JSON-array and shell forms, leading `--flag`s, LABEL
 * pairs (quoted keys and values, the legacy `LABEL key value` form), and a rough
 * splitter of RUN shell text into simple commands. It never throws: a Dockerfile that
 * Docker would refuse still gives the instructions that could be read.
 */

export interface DockerfileInstruction {
  /** Upper-case keyword: FROM, RUN, COPY, ... */
  readonly keyword: string
  /** Arguments on one line: continuations joined, flags included. */
  readonly args: string
  /** 1-based line of the keyword and of the instruction's last line. */
  readonly line: number
  readonly endLine: number
  /** Leading `--name[=value]` flags (COPY, ADD, RUN, FROM), as written. */
  readonly flags: readonly string[]
  /** The arguments after the flags, as text. */
  readonly rest: string
  /** The arguments after the flags when written as a JSON array of strings. */
  readonly json?: readonly string[]
}

export interface Dockerfile {
  readonly instructions: readonly DockerfileInstruction[]
  /** The escape character (`\` unless a `# escape=` directive says otherwise). */
  readonly escape: string
}

const FLAGGED = new Set(['COPY', 'ADD', 'RUN', 'FROM'])
const JSON_FORMS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'VOLUME', 'SHELL'])

function escapeDirective(lines: readonly string[]): string {
  for (const raw of lines) {
    const m = /^\s*#\s*([A-Za-z]+)\s*=\s*(\S*)\s*$/.exec(raw)
    if (!m) break
    if (m[1]!.toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2]
  }
  return '\\'
}

/** Parse Dockerfile text into instructions. */
export function parseDockerfile(text: string): Dockerfile {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
  const escape = escapeDirective(lines)
  const continues = (l: string): boolean => l.trimEnd().endsWith(escape)
  const instructions: DockerfileInstruction[] = []
  let i = 0
  while (i < lines.length) {
    const first = lines[i]!
    if (first.trim() === '' || first.trimStart().startsWith('#')) {
      i++
      continue
    }
    const start = i
    let joined = ''
    let current = first
    for (;;) {
      if (!continues(current)) {
        joined += current
        break
      }
      const trimmed = current.trimEnd()
      joined += trimmed.slice(0, -escape.length)
      i++
      // Inside a continuation, comment lines and empty lines are skipped.
      while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.trimStart().startsWith('#'))) i++
      if (i >= lines.length) break
      current = lines[i]!
    }
    if (joined.trim()) instructions.push(instruction(joined, start + 1, Math.min(i, lines.length - 1) + 1))
    i++
  }
  return {instructions, escape}
}

function instruction(joined: string, line: number, endLine: number): DockerfileInstruction {
  const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(joined)!
  const keyword = m[1]!.toUpperCase()
  const args = m[2]!.trim()
  let rest = args
  const flags: string[] = []
  if (FLAGGED.has(keyword)) {
    for (;;) {
      const f = /^(--[A-Za-z][\w-]*(?:=\S*)?)\s*/.exec(rest)
      if (!f) break
      flags.push(f[1]!)
      rest = rest.slice(f[0].length)
    }
  }
  const json = JSON_FORMS.has(keyword) ? jsonArray(rest) : undefined
  return {keyword, args, line, endLine, flags, rest, ...(json ? {json} : {})}
}

function jsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined
  try {
    const v: unknown = JSON.parse(text)
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined
  } catch {
    return undefined
  }
}

/** The value of a `--name=value` flag of an instruction, or undefined. */
export function instructionFlag(ins: DockerfileInstruction, name: string): string | undefined {
  const f = ins.flags.find((x) => x === `--${name}` || x.startsWith(`--${name}=`))
  return f === undefined ? undefined : f.slice(name.length + 3)
}

/**
 * Split text into words the way Docker reads LABEL/ENV arguments: whitespace separates
 * words unless quoted; quotes are removed; the escape character takes the next character
 * literally (outside single quotes).
 */
export function dockerWords(text: string, escape = '\\'): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: '"' | "'" | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      if (c === quote) quote = undefined
      else if (c === escape && quote === '"' && i + 1 < text.length) word += text[++i]
      else word += c
      continue
    }
    if (/\s/.test(c)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
      continue
    }
    inWord = true
    if (c === '"' || c === "'") quote = c
    else if (c === escape && i + 1 < text.length) word += text[++i]
    else word += c
  }
  if (inWord) words.push(word)
  return words
}

export interface DockerfileLabel {
  readonly key: string
  readonly value: string
  readonly line: number
}

/** The labels one LABEL instruction sets (`k=v` pairs, or the legacy `LABEL key value`). */
export function labelsOf(ins: DockerfileInstruction, escape = '\\'): DockerfileLabel[] {
  const words = dockerWords(ins.args, escape)
  if (!words.length) return []
  const firstRaw = /^\S+/.exec(ins.args)?.[0] ?? ''
  if (!firstRaw.includes('=')) {
    // Legacy form: the first word is the key, the rest of the line (unquoted) the value.
    const value = dockerWords(ins.args.slice(firstRaw.length).trim(), escape).join(' ')
    return [{key: words[0]!, value, line: ins.line}]
  }
  return words.flatMap((w) => {
    const eq = w.indexOf('=')
    return eq > 0 ? [{key: w.slice(0, eq), value: w.slice(eq + 1), line: ins.line}] : []
  })
}

/**
 * The instructions that make the final image: the last stage, preceded by the stages it
 * is built FROM (by stage name), outermost first.
 */
export function finalStage(df: Dockerfile): DockerfileInstruction[] {
  interface Stage {
    name?: string
    base: string
    body: DockerfileInstruction[]
  }
  const stages: Stage[] = []
  for (const ins of df.instructions) {
    if (ins.keyword === 'FROM') {
      const w = ins.rest.split(/\s+/)
      const as = w.length >= 3 && w[1]!.toLowerCase() === 'as' ? w[2]!.toLowerCase() : undefined
      stages.push({name: as, base: (w[0] ?? '').toLowerCase(), body: [ins]})
    } else if (stages.length) stages[stages.length - 1]!.body.push(ins)
    else stages.push({base: '', body: [ins]})
  }
  const chain: DockerfileInstruction[][] = []
  let stage: Stage | undefined = stages[stages.length - 1]
  const seen = new Set<unknown>()
  while (stage && !seen.has(stage)) {
    seen.add(stage)
    chain.unshift(stage.body)
    const base: string = stage.base
    const idx = stages.indexOf(stage)
    stage = stages.slice(0, idx).reverse().find((s) => s.name !== undefined && s.name === base)
  }
  return chain.flat()
}

const OPERATORS = new Set(['&&', '||', ';', '|', '&', '(', ')'])
/** Reserved words that may start a simple command without being its program. */
const KEYWORDS = new Set(['{', '}', '!', 'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until'])

/**
 * Split RUN shell text into simple commands (arrays of words, quotes removed).
 * Redirections are separate words (`>`, `>>`, `<`, `2>`, `>&`). This is a reading aid
 * for lint, not a shell: expansions are left as written.
 */
export function shellCommands(script: string): string[][] {
  const tokens: string[] = []
  let word = ''
  let inWord = false
  let quote: '"' | "'" | undefined
  const flush = (): void => {
    if (inWord) tokens.push(word)
    word = ''
    inWord = false
  }
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!
    if (quote) {
      if (c === quote) quote = undefined
      else if (c === '\\' && quote === '"' && i + 1 < script.length) word += script[++i]
      else word += c
    } else if (c === '"' || c === "'") {
      quote = c
      inWord = true
    } else if (c === '\\' && i + 1 < script.length) {
      word += script[++i]
      inWord = true
    } else if (/\s/.test(c)) flush()
    else if (c === '>' || c === '<') {
      const fd: string = inWord && /^\d+$/.test(word) ? word : ''
      word = fd ? '' : word
      inWord = fd ? false : inWord
      flush()
      let op = c
      while (script[i + 1] === '>' || script[i + 1] === '&') op += script[++i]
      tokens.push(fd + op)
    } else if (OPERATORS.has(c)) {
      flush()
      const two = script.slice(i, i + 2)
      if (two === '&&' || two === '||') i++
      tokens.push(two === '&&' || two === '||' ? two : c)
    } else {
      word += c
      inWord = true
    }
  }
  flush()
  const commands: string[][] = []
  let cmd: string[] = []
  for (const t of tokens) {
    if (OPERATORS.has(t)) {
      if (cmd.length) commands.push(cmd)
      cmd = []
    } else if (!(cmd.length === 0 && KEYWORDS.has(t))) cmd.push(t)
  }
  if (cmd.length) commands.push(cmd)
  return commands
}

/** Expand shell brace lists (`/etc/{a,b}` → `/etc/a`, `/etc/b`); nested braces included. */
export function expandBraces(word: string): string[] {
  const open = word.indexOf('{')
  if (open === -1) return [word]
  let depth = 0
  const commas: number[] = []
  for (let i = open; i < word.length; i++) {
    const c = word[i]
    if (c === '{') depth++
    else if (c === '}') {
      depth--
      if (depth === 0) {
        if (!commas.length) return expandBraces(word.slice(i + 1)).map((t) => word.slice(0, i + 1) + t)
        const parts: string[] = []
        let from = open + 1
        for (const at of [...commas, i]) {
          parts.push(word.slice(from, at))
          from = at + 1
        }
        const head = word.slice(0, open)
        const tails = expandBraces(word.slice(i + 1))
        return parts.flatMap((p) => expandBraces(p)).flatMap((p) => tails.map((t) => head + p + t))
      }
    } else if (c === ',' && depth === 1) commas.push(i)
  }
  return [word]
}
