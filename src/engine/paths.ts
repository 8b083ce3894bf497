/**
 * Every host path the engine touches (atomic-semantics.md §8), in two spellings:
 * the *target* path (what the installed host sees: DESTDIR values, unit text) and
 * the *real* path (where sysbuild reads and writes). They differ only under
 * `--root DIR` / SYSBUILD_ROOT, which prefixes every target path with DIR, the way
 * `systemctl --root` and `systemd-tmpfiles --root` do.
 */
import {isAbsolute, join, resolve} from 'node:path'
import {SysbuildError} from '../core/index.js'

export const DEFAULT_CHECKOUT_PATH = '/var/lib/containers/atomic'
export const UNIT_DIR = '/etc/systemd/system'
export const TMPFILES_DIR = '/etc/tmpfiles.d'
/** Where sysbuild keeps pid files, logs and runtime bundles of containers it runs itself. */
export const RUN_DIR = '/run/sysbuild'

export interface HostPathOptions {
  /** The --root prefix (absolute after resolution), or undefined for the real host. */
  readonly root?: string
  /** Checkout root as a target path (default: $SYSBUILD_CHECKOUT_PATH, $ATOMIC_OSTREE_CHECKOUT_PATH, /var/lib/containers/atomic). */
  readonly checkoutPath?: string
  readonly env?: NodeJS.ProcessEnv
}

export interface HostPaths {
  /** The prefix, or undefined when sysbuild works on the real host. */
  readonly root: string | undefined
  /** Map a target path (absolute) to the real path sysbuild uses. */
  real(target: string): string
  /** Checkout root, target spelling (deployments are `<checkouts>/NAME.0|1`). */
  readonly checkoutsTarget: string
  /** Checkout root, real spelling. */
  readonly checkouts: string
  /** sysbuild's private area beside the deployments (hidden: listing ignores names starting with `.`). */
  readonly state: string
  /** Extracted-layer cache (content-addressed by diff id). */
  readonly layers: string
  /** Staging dirs; same filesystem as the checkouts so commits are renames. */
  readonly staging: string
  readonly locks: string
  readonly journals: string
  readonly unitDir: string
  readonly tmpfilesDir: string
  /** Run dir of containers sysbuild runs itself (pid file, log, bundle), real spelling. */
  readonly runDir: string
  /** runc state dir: private under --root, runc's default otherwise. */
  readonly runcRoot: string | undefined
}

export function hostPaths(opts: HostPathOptions = {}): HostPaths {
  const env = opts.env ?? process.env
  const root = opts.root ? resolve(opts.root) : undefined
  const checkoutsTarget = opts.checkoutPath ?? env.SYSBUILD_CHECKOUT_PATH ?? env.ATOMIC_OSTREE_CHECKOUT_PATH ?? DEFAULT_CHECKOUT_PATH
  if (!isAbsolute(checkoutsTarget)) {
    throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `The checkout path must be absolute: ${checkoutsTarget}`)
  }
  const real = (target: string): string => (root === undefined ? resolve(target) : join(root, resolve('/', target)))
  const checkouts = real(checkoutsTarget)
  const state = join(checkouts, '.sysbuild')
  return {
    root,
    real,
    checkoutsTarget: resolve(checkoutsTarget),
    checkouts,
    state,
    layers: join(state, 'layers'),
    staging: join(state, 'staging'),
    locks: join(state, 'locks'),
    journals: join(state, 'journals'),
    unitDir: real(UNIT_DIR),
    tmpfilesDir: real(TMPFILES_DIR),
    runDir: real(RUN_DIR),
    runcRoot: root === undefined ? undefined : join(real(RUN_DIR), 'runc'),
  }
}

export type Slot = 0 | 1

/** Paths of one container's files. */
export interface ContainerPaths {
  readonly name: string
  /** `<checkouts>/NAME`, the symlink to the active deployment (real). */
  readonly link: string
  /** Deployment dir of a slot, real spelling. */
  deployment(slot: Slot): string
  /** Deployment dir of a slot, target spelling (the DESTDIR value). */
  deploymentTarget(slot: Slot): string
  /** `/etc/systemd/system/NAME.service` (real). */
  readonly unit: string
  /** `/etc/tmpfiles.d/NAME.conf` (real). */
  readonly tmpfiles: string
  /** Target spelling of the tmpfiles conf (systemd-tmpfiles gets this with --root). */
  readonly tmpfilesTarget: string
  /** Run dir of this container (real). */
  readonly run: string
}

export function containerPaths(paths: HostPaths, name: string): ContainerPaths {
  return {
    name,
    link: join(paths.checkouts, name),
    deployment: (slot) => join(paths.checkouts, `${name}.${slot}`),
    deploymentTarget: (slot) => join(paths.checkoutsTarget, `${name}.${slot}`),
    unit: join(paths.unitDir, `${name}.service`),
    tmpfiles: join(paths.tmpfilesDir, `${name}.conf`),
    tmpfilesTarget: join(TMPFILES_DIR, `${name}.conf`),
    run: join(paths.runDir, name),
  }
}

/** The target spelling of a real path (inverse of HostPaths.real). */
export const targetPath = (paths: HostPaths, real: string): string =>
  paths.root === undefined ? real : real === paths.root ? '/' : real.startsWith(`${paths.root}/`) ? real.slice(paths.root.length) : real

/** File names inside a deployment. */
export const unitCopyName = (name: string): string => `${name}.service`
export const tmpfilesCopyName = (name: string): string => `tmpfiles-${name}.conf`
