/** The Docker daemon as a base source (`docker-daemon:NAME[:TAG]`) and an output (`--load`), through dockerode. */
import type Docker from 'dockerode'
import type {Readable} from 'node:stream'
import {SysbuildError} from '../core/index.js'

export interface DockerConnection {
  /** Path of the API socket; default: DOCKER_HOST (unix://…) or /var/run/docker.sock, as dockerode decides. */
  readonly socketPath?: string
}

/** dockerode (and its ssh2/grpc dependencies) is loaded only when a daemon is really used: it costs ~0.3 s of start-up. */
async function connect(c: DockerConnection): Promise<Docker> {
  const {default: DockerClient} = await import('dockerode')
  return c.socketPath ? new DockerClient({socketPath: c.socketPath}) : new DockerClient()
}

function daemonError(e: unknown, what: string): SysbuildError {
  const err = e as {statusCode?: number; code?: string; message?: string; json?: {message?: string}}
  if (err.statusCode === 404) return new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${what}: the Docker daemon has no such image`, {}, e)
  if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EACCES') {
    return new SysbuildError('SYSBUILD_CORE_EXTERNAL_FAILED', `${what}: cannot reach the Docker daemon (${err.code})`, {
      suggestions: ['Start dockerd, or point DOCKER_HOST at its socket'],
    }, e)
  }
  return new SysbuildError('SYSBUILD_CORE_EXTERNAL_FAILED', `${what}: ${err.json?.message ?? err.message ?? String(e)}`, {}, e)
}

/** `docker save NAME` as a stream (a docker-archive). */
export async function savedImageStream(ref: string, c: DockerConnection = {}): Promise<Readable> {
  try {
    const docker = await connect(c)
    await docker.getImage(ref).inspect()
    return (await docker.getImage(ref).get()) as unknown as Readable
  } catch (e) {
    throw daemonError(e, `docker-daemon:${ref}`)
  }
}

/** `docker load` of an archive stream; resolves when the daemon has finished. */
export async function loadIntoDocker(archive: Readable, c: DockerConnection = {}): Promise<string[]> {
  try {
    const docker = await connect(c)
    const res = (await docker.loadImage(archive, {quiet: true})) as unknown as Readable
    const events = await new Promise<{stream?: string; error?: string; errorDetail?: {message?: string}}[]>((resolve, reject) =>
      docker.modem.followProgress(res, (err: Error | null, out: unknown[]) => (err ? reject(err) : resolve(out as never))),
    )
    const failed = events.find((e) => e.error)
    if (failed) throw new SysbuildError('SYSBUILD_CORE_EXTERNAL_FAILED', `docker load: ${failed.errorDetail?.message ?? failed.error}`)
    return events.map((e) => e.stream?.trim() ?? '').filter(Boolean)
  } catch (e) {
    if (e instanceof SysbuildError) throw e
    throw daemonError(e, 'docker load')
  }
}
