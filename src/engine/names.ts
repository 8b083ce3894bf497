/**
 * Container names: validation (D18) and the default name derived from an image
 * reference (atomic-semantics.md §16, with the Docker registry rule of D11).
 */
import {basename} from 'node:path'
import {SysbuildError} from '../core/index.js'
import type {Slot} from './paths.js'

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

export const isValidContainerName = (name: string): boolean => NAME.test(name) && name.length <= 200

/** Throw SYSBUILD_ENGINE_INVALID_NAME unless `name` can be a runc id, a unit name and a path component. */
export function validateContainerName(name: string): string {
  if (!isValidContainerName(name)) {
    throw new SysbuildError('SYSBUILD_ENGINE_INVALID_NAME', name === '' ? 'Invalid container name' : `Invalid container name '${name}'`, {
      suggestions: ['Names start with a letter or digit and contain only letters, digits, _ . and -'],
    })
  }
  return name
}

/** The explicit transports sysbuild accepts besides atomic's spellings. */
const LOCAL_TRANSPORTS = ['oci-layout:', 'oci-archive:', 'docker-archive:', 'dockertar:'] as const

/**
 * atomic's default `--name`: drop `@sha256:…`, drop one `oci:`/`docker:` prefix, take the last path
 * component of the repository, append `-<tag>` unless the tag is `latest`. Local sources
 * (`oci-layout:DIR[:TAG]`, archives) use the directory or file name instead of a repository.
 */
export function defaultContainerName(reference: string): string {
  let ref = reference.replace(/@sha256:[0-9a-fA-F]*$/, '')
  const local = LOCAL_TRANSPORTS.find((t) => ref.startsWith(t))
  if (local) {
    const rest = ref.slice(local.length)
    const colon = local === 'oci-layout:' ? rest.lastIndexOf(':') : -1
    const path = colon > rest.lastIndexOf('/') ? rest.slice(0, colon) : rest
    const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : 'latest'
    const base = basename(path.replace(/\/+$/, '')).replace(/\.tar$/, '')
    return withTag(base, tag)
  }
  ref = ref.replace(/^docker:\/\//, '').replace(/^(oci|docker|https?):/, '').replace(/^\/\//, '')
  const slash = ref.lastIndexOf('/')
  const last = ref.slice(slash + 1)
  const colon = last.lastIndexOf(':')
  return colon === -1 ? last : withTag(last.slice(0, colon), last.slice(colon + 1))
}

const withTag = (base: string, tag: string): string => (tag === '' || tag === 'latest' ? base : `${base}-${tag}`)

/** Whether the first component of a reference names a registry (Docker's rule: has `.` or `:`, or is localhost). */
export function hasRegistryComponent(reference: string): boolean {
  const slash = reference.indexOf('/')
  if (slash === -1) return false
  const first = reference.slice(0, slash)
  return first.includes('.') || first.includes(':') || first === 'localhost'
}

export const otherSlot = (slot: Slot): Slot => (slot === 0 ? 1 : 0)

/** The slot a deployment dir name ends with (`NAME.0` → 0), or undefined. */
export function slotOf(name: string, dir: string): Slot | undefined {
  const b = basename(dir)
  if (b === `${name}.0`) return 0
  if (b === `${name}.1`) return 1
  return undefined
}
