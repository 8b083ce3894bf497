/**
 * Registry image references, with docker's grammar and short-name normalisation:
 *
 *   reference := [domain "/"] path [":" tag] ["@" digest]
 *
 * The first path component is a registry when it contains `.` or `:`, is `localhost`, or has an upper-case
 * letter; otherwise the registry is docker.io and a single-component path gets `library/` in front
 * (`busybox` → `docker.io/library/busybox:latest`). No DNS is involved. A reference without tag or digest gets
 * the tag `latest`.
 */
import {SysbuildError} from '../core/index.js'

export const DOCKER_HUB = 'docker.io'
/** Where docker.io's API actually lives. */
export const DOCKER_HUB_API = 'registry-1.docker.io'
/** The key docker writes into config.json for Docker Hub. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/'

export interface Reference {
  /** Registry host with optional port, as written (`docker.io`, `localhost:5000`, `[::1]:5000`). */
  readonly registry: string
  /** Repository path inside the registry (`library/busybox`, `sb/busybox`). */
  readonly repository: string
  readonly tag?: string
  /** `algorithm:hex`. */
  readonly digest?: string
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`)
const MAX_NAME = 255

const invalid = (input: string, why: string): SysbuildError =>
  new SysbuildError('SYSBUILD_IMAGE_INVALID_REFERENCE', `invalid image reference ${JSON.stringify(input)}: ${why}`, {
    suggestions: ['Write references like busybox, busybox:1.36, registry.example.com/team/app:1.0 or localhost:5000/app@sha256:<64 hex>'],
  })

/** Whether the first path component names a registry (docker's rule, no DNS). */
export function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component !== component.toLowerCase()
}

/** Parse and normalise a reference; a leading `docker://` is accepted. Invalid → SYSBUILD_IMAGE_INVALID_REFERENCE. */
export function parseReference(input: string): Reference {
  const text = input.startsWith('docker://') ? input.slice('docker://'.length) : input
  if (text === '') throw invalid(input, 'it is empty')
  if (/\s/.test(text)) throw invalid(input, 'it contains white space')

  let rest = text
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) throw invalid(input, `${JSON.stringify(digest)} is not a digest (algorithm:hex)`)
    if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) {
      throw invalid(input, 'a sha256 digest has exactly 64 lower-case hex digits')
    }
  }

  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.indexOf(':', lastSlash + 1)
  if (colon >= 0) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag)) throw invalid(input, `${JSON.stringify(tag)} is not a valid tag (letters, digits, _ . -; at most 128; not starting with . or -)`)
  }

  const slash = rest.indexOf('/')
  let registry = DOCKER_HUB
  let repository = rest
  if (slash >= 0 && looksLikeRegistry(rest.slice(0, slash))) {
    registry = rest.slice(0, slash)
    repository = rest.slice(slash + 1)
    if (!DOMAIN.test(registry)) throw invalid(input, `${JSON.stringify(registry)} is not a valid registry host[:port]`)
  }
  if (registry === 'index.docker.io' || registry === DOCKER_HUB_API) registry = DOCKER_HUB
  if (repository === '') throw invalid(input, 'the repository name is empty')
  if (/^[a-f0-9]{64}$/.test(repository) && slash < 0) {
    throw invalid(input, 'a bare 64-hex string is an image ID, not a repository name')
  }
  for (const component of repository.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      const why = component !== component.toLowerCase() ? 'repository names must be lower-case' : `${JSON.stringify(component)} is not a valid path component`
      throw invalid(input, why)
    }
  }
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`
  if (`${registry}/${repository}`.length > MAX_NAME) throw invalid(input, `the name is longer than ${MAX_NAME} characters`)
  if (tag === undefined && digest === undefined) tag = 'latest'
  return {registry, repository, ...(tag !== undefined ? {tag} : {}), ...(digest !== undefined ? {digest} : {})}
}

/** The fully-qualified spelling: `registry/repository[:tag][@digest]`. */
export function formatReference(ref: Reference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`
}

/** The docker-familiar short spelling (`busybox:latest`, `team/app:1`), as `docker images` shows names. */
export function familiarReference(ref: Reference): string {
  if (ref.registry !== DOCKER_HUB) return formatReference(ref)
  const repo = ref.repository.startsWith('library/') ? ref.repository.slice('library/'.length) : ref.repository
  return formatReference({...ref, registry: '', repository: repo}).slice(1)
}

/** `registry/repository`, without tag or digest. */
export const repositoryName = (ref: Reference): string => `${ref.registry}/${ref.repository}`

/** What to ask the registry for in `/v2/<name>/manifests/<this>`: the digest when there is one, else the tag. */
export const manifestReference = (ref: Reference): string => ref.digest ?? ref.tag ?? 'latest'

/** The host[:port] the HTTP API is reached at (docker.io → registry-1.docker.io). */
export const apiHost = (registry: string): string => (registry === DOCKER_HUB ? DOCKER_HUB_API : registry)

/** Whether a registry host is on the loopback interface (plain HTTP by default, as docker treats 127.0.0.0/8). */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d+$/, '')
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host)
}

/** NAME[:TAG] with `:latest` when it has neither a tag (a colon in its last path component) nor a digest: localhost:5000/app is untagged. */
export function withDefaultTag(name: string): string {
  const last = name.slice(name.lastIndexOf('/') + 1)
  return last.includes(':') || name.includes('@') ? name : `${name}:latest`
}
