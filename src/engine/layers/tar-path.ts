/**
 * Names of tar entries, checked before anything touches the disk: an entry must land
 * inside the directory being extracted. Absolute names (other than `/`, the root itself)
 * and `..` components are refused
 * (not silently rewritten): a layer that carries them was made by hand to escape.
 */
import {SysbuildError} from '../../core/index.js'

/** Whiteout prefix and the opaque-directory marker of the OCI layer spec. */
export const WHITEOUT_PREFIX = '.wh.'
export const OPAQUE_MARKER = '.wh..wh..opq'
/** `.wh..wh.` names are reserved for whiteout metadata; none of them is a whiteout of a real name. */
export const WHITEOUT_META_PREFIX = '.wh..wh.'
/**
 * Left by extraction (never taken from a layer) in a directory the layer has no entry for, made only to
 * hold the entries below it: such a directory keeps the metadata of the layers under it, and a directory
 * holding nothing but whiteouts creates nothing.
 */
export const IMPLICIT_DIR_MARKER = '.wh..wh.sysbuild.implicit'
/** Left by extraction (never taken from a layer) at the root of an extracted layer whose entries carry extended attributes (apply-xattrs.ts). */
export const XATTRS_RECORD = '.wh..wh.sysbuild.xattrs'

export function hostile(layer: string, entry: string, why: string): SysbuildError {
  return new SysbuildError('SYSBUILD_IMAGE_HOSTILE_PATH', `Refusing layer ${layer}: entry ${JSON.stringify(entry)} ${why}`, {
    suggestions: ['The layer was not produced from a real filesystem; rebuild the image from trusted sources'],
  })
}

/**
 * The path components of an entry name (`./a/b/` → `['a', 'b']`; `./` → `[]`).
 * Throws SYSBUILD_IMAGE_HOSTILE_PATH for absolute names, `..` components and NUL bytes.
 */
export function entryComponents(name: string, layer: string): string[] {
  if (name.includes('\0')) throw hostile(layer, name, 'contains a NUL byte')
  const parts = name.split('/').filter((p) => p !== '' && p !== '.')
  // `/` alone is the layer's root directory (umoci writes it); any other absolute name is refused.
  if (name.startsWith('/') && parts.length > 0) throw hostile(layer, name, 'is an absolute path')
  if (parts.includes('..')) throw hostile(layer, name, 'contains a ".." component')
  return parts
}
