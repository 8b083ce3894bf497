/** Content descriptors: what, digest, size. */
import {canonicalJson} from './canonical-json.js'
import {digestOfBytes, type Digest} from './digest.js'
import {MEDIA_TYPES} from './media-types.js'
import type {Descriptor as GeneratedDescriptor, Platform} from './generated/descriptor.js'

export type {Platform} from './generated/descriptor.js'

export interface Descriptor extends Omit<GeneratedDescriptor, 'digest'> {
  readonly digest: Digest
}

/** The descriptor of some bytes. */
export function descriptorOf(mediaType: string, bytes: Uint8Array | string, extra: Partial<Omit<Descriptor, 'mediaType' | 'digest' | 'size'>> = {}): Descriptor {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength
  return {mediaType, digest: digestOfBytes(bytes), size, ...extra}
}

/** Canonical bytes of a JSON document and their descriptor. */
export function jsonBlob(mediaType: string, doc: unknown): {bytes: Buffer; descriptor: Descriptor} {
  const bytes = Buffer.from(canonicalJson(doc), 'utf8')
  return {bytes, descriptor: descriptorOf(mediaType, bytes)}
}

/** The OCI empty descriptor (`{}`), for artifacts without a config. */
export const EMPTY_DESCRIPTOR: Descriptor = {
  mediaType: MEDIA_TYPES.empty,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
  data: 'e30=',
}

export const platformKey = (p: Platform | undefined): string => (p ? [p.os, p.architecture, p.variant ?? ''].join('/') : '')
