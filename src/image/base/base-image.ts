/** What a build starts from: the base's manifest and config (both absent for scratch). */
import type {Digest} from '../digest.js'
import type {ImageConfig, ImageManifest} from '../types.js'

export interface BaseImage {
  /** How the base was named (for messages and the base.name annotation, when it is not a host path). */
  readonly name: string
  /** Manifest digest of the base (absent for scratch). */
  readonly digest?: Digest
  readonly manifest?: ImageManifest
  readonly config?: ImageConfig
  /** Whether the base name is portable (a registry or daemon name) and may go into annotations. */
  readonly portableName?: boolean
}

export const SCRATCH: BaseImage = {name: 'scratch'}
