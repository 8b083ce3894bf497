/** Shared helpers of the image tests: temp dirs, external oracles, odd trees. */
import {execFileSync} from 'node:child_process'
import {mkdtemp, rm, mkdir, writeFile, symlink, link, chmod, utimes} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export async function withTempDir<T>(fn: (dir: string) => Promise<T>, prefix = 'sb-img-'): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

// Oracles: hasTool to branch, needTool / toolSkipReason where a missing tool must skip (or, in CI, fail) the test.
export {hasTool, needTool, toolSkipReason} from '../kit/tools.js'

export const sh = (cmd: string, opts: {cwd?: string} = {}): string => execFileSync('sh', ['-c', cmd], {encoding: 'utf8', cwd: opts.cwd, maxBuffer: 64 << 20})

/** sha256 of a file by coreutils. */
export const sha256sum = (file: string): string => `sha256:${execFileSync('sha256sum', [file], {encoding: 'utf8'}).slice(0, 64)}`

/**
 * A tree full of odd inputs: spaces, UTF-8, a 200-character path, empty dirs, a hard-link farm, setuid/setgid/
 * sticky bits, a symlink loop, dangling and absolute symlinks, a fifo, an empty file, a file with mode 000.
 */
export async function makeOddTree(root: string): Promise<void> {
  await mkdir(join(root, 'dir with spaces', 'empty dir'), {recursive: true})
  await writeFile(join(root, 'dir with spaces', 'file name.txt'), 'spaces\n')
  await mkdir(join(root, 'ünïcødé', '日本語'), {recursive: true})
  await writeFile(join(root, 'ünïcødé', '日本語', 'файл.txt'), 'utf-8\n')
  const long = ['a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60)].join('/')
  await mkdir(join(root, long), {recursive: true})
  await writeFile(join(root, long, 'd'.repeat(17)), 'long path\n') // 200 characters
  await mkdir(join(root, 'links'))
  await writeFile(join(root, 'links', 'original'), 'x'.repeat(10000))
  for (let i = 0; i < 20; i++) await link(join(root, 'links', 'original'), join(root, 'links', `hard-${String(i).padStart(2, '0')}`))
  await mkdir(join(root, 'modes'))
  await writeFile(join(root, 'modes', 'setuid'), '#!/bin/sh\n')
  await chmod(join(root, 'modes', 'setuid'), 0o4755)
  await writeFile(join(root, 'modes', 'setgid'), '#!/bin/sh\n')
  await chmod(join(root, 'modes', 'setgid'), 0o2711)
  await mkdir(join(root, 'modes', 'sticky'))
  await chmod(join(root, 'modes', 'sticky'), 0o1777)
  await writeFile(join(root, 'modes', 'none'), 'no permissions\n')
  await chmod(join(root, 'modes', 'none'), 0o000)
  await writeFile(join(root, 'modes', 'empty'), '')
  await mkdir(join(root, 'symlinks'))
  await symlink('loop-b', join(root, 'symlinks', 'loop-a'))
  await symlink('loop-a', join(root, 'symlinks', 'loop-b'))
  await symlink('/does/not/exist', join(root, 'symlinks', 'dangling'))
  await symlink('../links/original', join(root, 'symlinks', 'relative'))
  await symlink('x'.repeat(150), join(root, 'symlinks', 'long-target'))
  sh(`mkfifo '${join(root, 'symlinks', 'fifo')}'`)
  const t = new Date('2001-02-03T04:05:06Z')
  await utimes(join(root, 'modes', 'empty'), t, t)
}

/** `find` listing (path, type, mode, owner, link target, size) for comparisons with tar's view. */
export function findListing(root: string): string[] {
  return sh(`cd '${root}' && find . -mindepth 1 -printf '%P|%y|%m|%U|%G|%l|%s\\n' | LC_ALL=C sort`)
    .trim()
    .split('\n')
    .map((l) => {
      const [p, y, m, u, g, l2, s] = l.split('|')
      return `${p}|${y}|${m}|${u}|${g}|${l2}|${y === 'f' ? s : ''}`
    })
}
