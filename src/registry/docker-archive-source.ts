/**
 * A docker-archive as a push source: the archive (a file, or the `docker save` stream of a daemon, which the
 * command layer opens: the registry does not talk to Docker) is read into a fresh temporary OCI layout, its
 * config and layers as they are, with a new OCI manifest for them (src/image/base/docker-archive.ts). There is
 * no registry manifest in a docker-archive, so there is no digest to preserve. The layout is removed by
 * `dispose()`, and at once when reading fails.
 */
import {createReadStream} from 'node:fs'
import {mkdtemp, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {resolve} from 'node:path'
import type {Readable} from 'node:stream'
import {SysbuildError} from '../core/index.js'
import {dockerArchiveToStore, openLayout} from '../image/index.js'
import type {ImageSource} from './source.js'

/** `docker save NAME` as a stream (a docker-archive); provided by the caller for `docker-daemon:` sources. */
export type DockerSave = (name: string) => Promise<Readable>

export interface DockerArchiveSourceOptions {
  /** The RepoTag to pick (`docker-archive:FILE:NAME:TAG`); without it the archive must hold one image. */
  readonly ref?: string
  /** The source as the user named it (for messages). */
  readonly shown: string
}

/** The docker-archive `open()` returns, as an image in a temporary layout. */
export async function openDockerArchiveSource(open: () => Promise<Readable>, opts: DockerArchiveSourceOptions): Promise<ImageSource> {
  const dir = await mkdtemp(resolve(tmpdir(), 'sysbuild-push-'))
  const dispose = () => rm(dir, {recursive: true, force: true})
  try {
    const store = await openLayout(dir, {create: true})
    const root = await dockerArchiveToStore(await open(), store, {ref: opts.ref, shown: opts.shown})
    return {name: opts.shown, store, root, local: false, dispose}
  } catch (e) {
    await dispose()
    throw e
  }
}

/** A docker-archive file's bytes; a missing file or a directory is named before any temporary file is made. */
export async function dockerArchiveFile(file: string): Promise<() => Promise<Readable>> {
  const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new SysbuildError('SYSBUILD_CORE_FILE_NOT_FOUND', `${file} does not exist`, {file})
    throw new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `cannot read ${file}: ${e.message}`, {file}, e)
  })
  if (!st.isFile()) throw new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `${file} is not a file`, {file})
  return async () => createReadStream(file)
}
