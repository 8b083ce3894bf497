/** `org.opencontainers.image.ref.name` grammar: component ("/" component)*, separators [-._:@+] or "--". */
import {SysbuildError} from '../../core/index.js'

const COMPONENT = '[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*'
const REF = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`)

export const isRefName = (s: string): boolean => REF.test(s)

export function checkRefName(s: string): string {
  if (isRefName(s)) return s
  throw new SysbuildError('SYSBUILD_IMAGE_INVALID_REFERENCE', `${JSON.stringify(s)} is not a valid image reference name`, {
    suggestions: ['Use letters, digits and the separators - . _ : @ + between them, e.g. hello-world:latest'],
  })
}
