/**
 * Public API of the registry domain: references, credentials, login, push and pull. What only some sources need
 * (oci-archive and docker-archive readers, build bases) is loaded when used, so a push or pull starts without the
 * image domain's layer writer and archive readers.
 */
export {parseReference, formatReference, familiarReference, repositoryName, isLoopbackRegistry, withDefaultTag, type Reference} from './reference.js'
export {RegistryError, type RegistryDiagnostic} from './errors.js'
export {RegistryClient, type ClientOptions} from './client.js'
export type {RetryOptions} from './http/retry.js'
export {keychain, type KeychainOptions} from './credentials/keychain.js'
export {parseUserPassword, type Credential, type CredentialResolver} from './credentials/types.js'
export {dockerConfigPath} from './credentials/auth-file.js'
export {loginRegistry, logoutRegistry, normalizeRegistry, type LoginOptions, type LoginResult} from './login.js'
export {openImageSource, type ImageSource, type OpenImageSourceOptions} from './source.js'
export type {DockerSave, DockerArchiveSourceOptions} from './docker-archive-source.js'
export {pushImage, pushImageFrom, DEFAULT_JOBS, type PushOptions, type PushResult} from './push.js'
export {pullImage, pullImageTo, type PullOptions, type PullResult} from './pull.js'
export {parsePlatform, formatPlatform} from './platform.js'
export {ProgressTracker, humanBytes, type ProgressEvent, type BlobState} from './progress.js'
export {registryBaseResolver, type RegistryBaseResolver} from './base.js'
// Where the local store is (the image model's): registry commands take it from here, not the image domain's full API.
export {imageStoreDir} from '../image/model.js'
