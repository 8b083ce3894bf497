/** The dependency direction of house-style.md §2, checked on every import in src/ and commands/. */
import {describe, expect, it} from 'vitest'
import {readdirSync, readFileSync, statSync} from 'node:fs'
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

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!)

describe('architecture', () => {
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
