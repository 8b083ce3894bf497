/** The spellings `sysbuild build` accepts: image names, bases (`from`) and outputs (`--output`). */
import {isAbsolute, resolve} from 'node:path'
import {SysbuildError} from '../core/index.js'
import {withDefaultTag} from '../registry/reference.js'

export interface ImageName {
  /** Repository, e.g. "hello-world" or "example/etcd". */
  readonly name: string
  readonly tag: string
  /** "name:tag": the ref.name in the local store, the RepoTag of a docker-archive. */
  readonly reference: string
}

const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/
const HOST = /^(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

/** Parse NAME[:TAG] (a registry host prefix like localhost:5000/ is allowed). */
export function parseImageName(s: string, defaultTag = 'latest'): ImageName {
  const slash = s.lastIndexOf('/')
  const colon = s.lastIndexOf(':')
  const [repo, tag] = colon > slash ? [s.slice(0, colon), s.slice(colon + 1)] : [s, defaultTag]
  const parts = repo.split('/')
  const host = parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost') ? parts[0]! : undefined
  const path = host ? parts.slice(1).join('/') : repo
  if (!NAME.test(path) || (host !== undefined && !HOST.test(host)) || !TAG.test(tag)) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_REFERENCE', `${JSON.stringify(s)} is not a valid image name (NAME[:TAG], lowercase name)`, {
      suggestions: ['For example: hello-world:latest, example/etcd:3.5, localhost:5000/team/app:v1'],
    })
  }
  return {name: repo, tag, reference: `${repo}:${tag}`}
}

export type BaseSpec =
  | {readonly kind: 'scratch'}
  | {readonly kind: 'oci'; readonly path: string; readonly ref?: string}
  | {readonly kind: 'oci-archive'; readonly path: string; readonly ref?: string}
  | {readonly kind: 'docker-archive'; readonly path: string; readonly ref?: string}
  | {readonly kind: 'docker-daemon'; readonly ref: string}
  | {readonly kind: 'store'; readonly ref: string}
  | {readonly kind: 'registry'; readonly ref: string}

/** Parse a `from` value; relative paths are resolved against `base`. */
export function parseBaseSpec(s: string, base: string): BaseSpec {
  const v = s.trim()
  if (v === 'scratch') return {kind: 'scratch'}
  const m = /^(oci|oci-layout|oci-archive|docker-archive|docker-daemon|docker):(.*)$/.exec(v)
  if (!m) return {kind: 'store', ref: v}
  const [, transport, rest] = m as unknown as [string, string, string]
  if (!rest) throw invalid(s, `${transport}: needs a ${transport === 'docker-daemon' ? 'NAME[:TAG]' : 'path'}`)
  if (transport === 'docker') return {kind: 'registry', ref: rest.replace(/^\/\//, '')}
  if (transport === 'docker-daemon') return {kind: 'docker-daemon', ref: withDefaultTag(rest)}
  const colon = rest.indexOf(':')
  const path = colon === -1 ? rest : rest.slice(0, colon)
  const ref = colon === -1 ? undefined : rest.slice(colon + 1)
  if (!path) throw invalid(s, 'the path is empty')
  if (ref === '') throw invalid(s, 'the name after the path is empty')
  const abs = isAbsolute(path) ? path : resolve(base, path)
  return {kind: transport === 'oci-layout' ? 'oci' : (transport as 'oci' | 'oci-archive' | 'docker-archive'), path: abs, ...(ref !== undefined ? {ref} : {})}
}

export type OutputSpec =
  | {readonly kind: 'oci'; readonly path: string; readonly ref?: string}
  | {readonly kind: 'oci-archive'; readonly path: string; readonly ref?: string}
  | {readonly kind: 'docker-archive'; readonly path: string; readonly ref?: string}

/** Parse an `--output` value (relative paths against `base`). */
export function parseOutputSpec(s: string, base: string): OutputSpec {
  const m = /^(oci|oci-archive|docker-archive):([^:]+)(?::(.+))?$/.exec(s.trim())
  if (!m) {
    throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `--output ${JSON.stringify(s)}: want oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:NAME:TAG]`)
  }
  const [, kind, path, ref] = m as unknown as [string, OutputSpec['kind'], string, string | undefined]
  return {kind, path: isAbsolute(path) ? path : resolve(base, path), ...(ref ? {ref} : {})}
}

const invalid = (s: string, why: string): SysbuildError =>
  new SysbuildError('SYSBUILD_IMAGE_INVALID_REFERENCE', `base ${JSON.stringify(s)}: ${why}`, {
    suggestions: ['Use scratch, oci:PATH[:REF], oci-archive:FILE[:REF], docker-archive:FILE[:NAME:TAG], docker-daemon:NAME[:TAG], a local image name or docker://REGISTRY/NAME:TAG'],
  })
