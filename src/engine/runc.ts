/**
 * The runc command line as sysbuild uses it when it runs containers itself. Under
 * --root the state lives in a private dir (<root>/run/sysbuild/runc), so sysbuild never
 * sees or touches containers it did not start.
 */
import {execCapture, SysbuildError} from '../core/index.js'
import type {HostPaths} from './paths.js'

export interface Runc {
  readonly path: string
  /** Global flags (`--root DIR`). */
  readonly global: readonly string[]
}

export const runcFor = (paths: HostPaths, runtime: string): Runc => ({path: runtime, global: paths.runcRoot ? ['--root', paths.runcRoot] : []})

export const runcArgv = (r: Runc, args: readonly string[]): string[] => [r.path, ...r.global, ...args]

export interface RuncState {
  readonly status: 'created' | 'running' | 'paused' | 'stopped' | string
  readonly pid: number
}

/** `runc state ID`, or undefined when runc does not know the container. */
export async function runcState(r: Runc, id: string): Promise<RuncState | undefined> {
  const res = await execCapture(r.path, [...r.global, 'state', id])
  if (res.status !== 0) return undefined
  try {
    const s = JSON.parse(res.stdout) as {status?: string; pid?: number}
    return {status: s.status ?? 'unknown', pid: s.pid ?? 0}
  } catch {
    return undefined
  }
}

/** Run a runc subcommand to completion; failure → SYSBUILD_ENGINE_RUNC_FAILED with runc's message. */
export async function runcRun(r: Runc, args: readonly string[], opts: {okCodes?: number[]} = {}): Promise<string> {
  const res = await execCapture(r.path, [...r.global, ...args])
  if (res.status === null || !(opts.okCodes ?? [0]).includes(res.status)) {
    throw new SysbuildError('SYSBUILD_ENGINE_RUNC_FAILED', `${runcArgv(r, args).join(' ')} failed (exit ${res.status ?? 'signal'}): ${res.stderr.trim()}`)
  }
  return res.stdout
}
