/** The dependency direction of house-style.md §2, checked on every import in src/ and commands/. */
import {describe, expect, it} from 'vitest'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative, resolve, dirname} from 'node:path'

const root = join(import.meta.dirname, '../..')

const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  exports: ['exports', 'core'],
  image: ['image', 'core'],
  registry: ['registry', 'image', 'core'],
  engine: ['engine', 'registry', 'image', 'exports', 'core'],
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}

/** Static imports and re-exports, bare `import 'x'`, and dynamic `import('x')` (a lazy import is still a dependency). */
const importsOf = (file: string): string[] => {
  const text = readFileSync(file, 'utf8')
  return [
    ...[...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  ]
}

describe('architecture', () => {
  it('sees every kind of import (the checks below cannot pass by missing one)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-arch-'))
    try {
      const f = join(dir, 'x.ts')
      writeFileSync(f, "import {a} from './a.js'\nimport type {B} from '../b/index.js'\nexport * from './c.js'\nimport './d.js'\nconst e = await import('../e/index.js')\n")
      expect(importsOf(f)).toEqual(['./a.js', '../b/index.js', './c.js', './d.js', '../e/index.js'])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('src domains import only what the dependency direction allows', () => {
    const bad: string[] = []
    for (const f of files(join(root, 'src'))) {
      const domain = relative(join(root, 'src'), f).split('/')[0]!
      for (const spec of importsOf(f).filter((s) => s.startsWith('.'))) {
        const target = relative(join(root, 'src'), resolve(dirname(f), spec))
        const tdomain = target.split('/')[0]!
        if (target.startsWith('..')) bad.push(`${relative(root, f)} imports ${spec} (outside src)`)
        else if (!ALLOWED[domain]?.includes(tdomain)) bad.push(`${relative(root, f)} (${domain}) imports ${tdomain}`)
      }
    }
    expect(bad).toEqual([])
  })

  it('commands import src only through a domain index and use no fs/http/child_process', () => {
    const bad: string[] = []
    for (const f of files(join(root, 'commands'))) {
      for (const spec of importsOf(f)) {
        if (/^(node:)?(fs|fs\/promises|http|https|child_process|net)$/.test(spec)) bad.push(`${relative(root, f)} imports ${spec}`)
        if (spec.startsWith('.') && spec.includes('/src/') && !/\/src\/[a-z]+\/index\.js$/.test(spec)) bad.push(`${relative(root, f)} imports ${spec}`)
      }
    }
    expect(bad).toEqual([])
  })
})
