/** The layer cache key: what changes a layer's bytes (or may have) changes it; a directory touched by another tool does not. */
import {describe, expect, it} from 'vitest'
import {chmod, mkdir, utimes, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {collectEntries, layerCacheKey} from '../../../src/image/index.js'
import {withTempDir} from '../kit.js'

const keyOf = async (src: string, epoch = 0): Promise<string> =>
  layerCacheKey({compression: 'none', level: 0, entries: await collectEntries([{source: src, destination: '/'}], {epoch})})

describe('layer cache key', () => {
  it('follows file contents and headers, not the change times of directories', async () => {
    await withTempDir(async (dir) => {
      const src = join(dir, 'src')
      await mkdir(join(src, 'etc', 'app'), {recursive: true})
      await writeFile(join(src, 'etc', 'app', 'conf'), 'a=1\n')
      const first = await keyOf(src)
      expect(await keyOf(src)).toBe(first)
      // chmod to the same mode and a new mtime before the epoch clamp: only the directories' ctimes change.
      await chmod(join(src, 'etc'), 0o755)
      await utimes(join(src, 'etc', 'app'), new Date(), new Date())
      expect(await keyOf(src)).toBe(first)
      // A directory's mode is in its header: a new key.
      await chmod(join(src, 'etc', 'app'), 0o700)
      const modeChanged = await keyOf(src)
      expect(modeChanged).not.toBe(first)
      // A file written again changes the key even with the same bytes (its ctime is new: the content is re-read).
      await writeFile(join(src, 'etc', 'app', 'conf'), 'a=1\n')
      expect(await keyOf(src)).not.toBe(modeChanged)
      // Another epoch clamps times differently: a new key.
      expect(await keyOf(src, 1_700_000_000)).not.toBe(await keyOf(src))
    })
  })
})
