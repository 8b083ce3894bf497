/** The transaction journal: reverse undo on failure, tolerant undo records, recovery after a crash. */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {recoverJournal, transact, Transaction} from '../../src/engine/journal.js'
import {lockContainer} from '../../src/engine/lock.js'
import {hostPaths} from '../../src/engine/paths.js'
import {recordingReporter} from '../../src/engine/reporter.js'
import {createFile, moveIntoPlace, pointLink, removeAtCommit, rewriteFile} from '../../src/engine/tx-fs.js'

let w: string
beforeEach(() => {
  w = mkdtempSync(join(tmpdir(), 'sb-journal-'))
})
afterEach(() => rmSync(w, {recursive: true, force: true}))

/** Everything under dir except sysbuild's own area (journals live there). */
const listing = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, {recursive: true}).map(String).filter((p) => !p.startsWith('var')).sort() : [])

describe('transact', () => {
  it('undoes every change in reverse order when a step fails, and deletes nothing until commit', async () => {
    const paths = hostPaths({root: join(w, 'root')})
    const host = join(w, 'root')
    mkdirSync(join(host, 'etc'), {recursive: true})
    writeFileSync(join(host, 'etc/old.conf'), 'old')
    writeFileSync(join(host, 'etc/info'), 'v1')
    symlinkSync('/slot.0', join(host, 'current'))
    mkdirSync(join(w, 'staged'))
    writeFileSync(join(w, 'staged/file'), 'x')
    const before = listing(host)
    const reporter = recordingReporter()
    const run = transact(paths, 'test', 'demo', reporter, async (t) => {
      await t.step('new', () => createFile(t, join(host, 'usr/local/new/file'), 'new'))
      await t.step('gone', () => removeAtCommit(t, join(host, 'etc/old.conf')))
      await t.step('moved', () => moveIntoPlace(t, join(w, 'staged'), join(host, 'deploy')))
      await t.step('link', () => pointLink(t, join(host, 'current'), '/slot.1'))
      await t.step('info', () => rewriteFile(t, join(host, 'etc/info'), 'v2'))
      throw new Error('boom')
    })
    await expect(run).rejects.toThrow('boom')
    expect(listing(host)).toEqual(before)
    expect(readFileSync(join(host, 'etc/old.conf'), 'utf8')).toBe('old')
    expect(readFileSync(join(host, 'etc/info'), 'utf8')).toBe('v1')
    expect(readlinkSync(join(host, 'current'))).toBe('/slot.0')
    expect(readFileSync(join(w, 'staged/file'), 'utf8')).toBe('x')
    expect(readdirSync(paths.journals)).toEqual([])
  })

  it('commits: deferred removals happen, the journal goes', async () => {
    const paths = hostPaths({root: join(w, 'root')})
    mkdirSync(join(w, 'root/etc'), {recursive: true})
    writeFileSync(join(w, 'root/etc/old.conf'), 'old')
    await transact(paths, 'test', 'demo', recordingReporter(), async (t) => {
      await removeAtCommit(t, join(w, 'root/etc/old.conf'))
      expect(readdirSync(join(w, 'root/etc'))[0]).toMatch(/^\.sysbuild-removed-/)
    })
    expect(readdirSync(join(w, 'root/etc'))).toEqual([])
    expect(readdirSync(paths.journals)).toEqual([])
  })

  it('never deletes a file that changed since it was created (undo compares the checksum)', async () => {
    const paths = hostPaths({root: join(w, 'root')})
    const f = join(w, 'root/f')
    await expect(transact(paths, 'test', 'demo', recordingReporter(), async (t) => {
      await createFile(t, f, 'ours')
      writeFileSync(f, 'someone else wrote this')
      throw new Error('fail')
    })).rejects.toThrow('fail')
    expect(readFileSync(f, 'utf8')).toBe('someone else wrote this')
  })

  it('a crash leaves the journal; recoverJournal undoes it (as the next locked operation does)', async () => {
    const paths = hostPaths({root: join(w, 'root')})
    const t = await Transaction.begin(paths, 'install', 'demo', recordingReporter())
    await createFile(t, join(w, 'root/etc/unit'), 'unit')
    // no commit, no abort: the process "died" here
    expect(existsSync(join(w, 'root/etc/unit'))).toBe(true)
    const reporter = recordingReporter()
    expect(await recoverJournal(paths, 'demo', reporter)).toBe(true)
    expect(reporter.warnings).toEqual(['Undoing an interrupted install of demo'])
    expect(listing(join(w, 'root'))).toEqual([])
    expect(await recoverJournal(paths, 'demo', reporter)).toBe(false)
  })
})

describe('lockContainer', () => {
  it('is exclusive while the owner lives, and taken over from a dead owner', () => {
    const paths = hostPaths({root: join(w, 'root')})
    const lock = lockContainer(paths, 'demo')
    writeFileSync(join(paths.locks, 'other.lock'), '1\n')
    expect(() => lockContainer(paths, 'other')).toThrow(expect.objectContaining({code: 'SYSBUILD_ENGINE_LOCKED'}))
    writeFileSync(join(paths.locks, 'other.lock'), '2147483646\n')
    lockContainer(paths, 'other').release()
    lock.release()
    expect(readdirSync(paths.locks)).toEqual([])
  })
})
