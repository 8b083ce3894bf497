/**
 * sha256 on a worker thread, for big blobs: the writer's thread copies each chunk into shared memory (a tenth of
 * the cost of hashing it) and goes on reading and writing while the worker hashes. Chunks are hashed in the order
 * given. Same result as DigestCounter; used by the layout store for blobs expected to be large.
 */
import {Worker} from 'node:worker_threads'
import {SysbuildError} from '../core/index.js'
import type {Digest} from './digest.js'

const SLOTS = 8
const SLOT_SIZE = 1 << 20

// Plain CommonJS, run with eval: no file to find next to the compiled (or uncompiled) module.
const WORKER = `
const {parentPort, workerData} = require('node:worker_threads')
const hash = require('node:crypto').createHash('sha256')
const mem = new Uint8Array(workerData.memory)
parentPort.on('message', (m) => {
  if (m.end) parentPort.postMessage({digest: hash.digest('hex')})
  else {
    hash.update(mem.subarray(m.offset, m.offset + m.length))
    parentPort.postMessage({free: m.slot})
  }
})
`

export interface RunningDigest {
  /** Hash `chunk` (in order); a returned promise resolves when the next chunk may be given. */
  update(chunk: Uint8Array): void | Promise<void>
  readonly size: number
  /** Finish (once) and return the digest. */
  digest(): Digest | Promise<Digest>
  /** Release what it holds (the worker), also when the digest is never asked for. */
  dispose(): void
}

export class ParallelDigest implements RunningDigest {
  private readonly memory = new SharedArrayBuffer(SLOTS * SLOT_SIZE)
  private readonly view = new Uint8Array(this.memory)
  private readonly worker: Worker
  private readonly free: number[] = [...Array(SLOTS).keys()]
  private readonly waiting: {resolve: () => void; reject: (e: Error) => void}[] = []
  private done?: {resolve: (hex: string) => void; reject: (e: Error) => void}
  private failure?: Error
  private n = 0

  constructor() {
    this.worker = new Worker(WORKER, {eval: true, execArgv: [], workerData: {memory: this.memory}})
    this.worker.on('message', (m: {free?: number; digest?: string}) => {
      if (m.free !== undefined) {
        this.free.push(m.free)
        this.waiting.shift()?.resolve()
      } else if (m.digest !== undefined) this.done?.resolve(m.digest)
    })
    this.worker.on('error', (e) => this.fail(e))
    this.worker.on('exit', () => this.fail(new SysbuildError('SYSBUILD_CORE_BUG', 'the hashing thread stopped early')))
  }

  get size(): number {
    return this.n
  }

  /** Copy `chunk` into free slots (waiting for the worker when all are taken); it may be reused at once after. */
  async update(chunk: Uint8Array): Promise<void> {
    for (let at = 0; at < chunk.byteLength; ) {
      while (this.free.length === 0) {
        if (this.failure) throw this.failure
        await new Promise<void>((resolve, reject) => this.waiting.push({resolve, reject}))
      }
      if (this.failure) throw this.failure
      const slot = this.free.pop()!
      const length = Math.min(SLOT_SIZE, chunk.byteLength - at)
      this.view.set(chunk.subarray(at, at + length), slot * SLOT_SIZE)
      this.worker.postMessage({slot, offset: slot * SLOT_SIZE, length})
      at += length
      this.n += length
    }
  }

  async digest(): Promise<Digest> {
    if (this.failure) throw this.failure
    try {
      const hex = await new Promise<string>((resolve, reject) => {
        this.done = {resolve, reject}
        this.worker.postMessage({end: true})
      })
      return `sha256:${hex}`
    } finally {
      this.dispose()
    }
  }

  dispose(): void {
    this.worker.removeAllListeners('exit')
    void this.worker.terminate()
  }

  private fail(e: Error): void {
    this.failure ??= e
    for (const w of this.waiting.splice(0)) w.reject(this.failure)
    this.done?.reject(this.failure)
  }
}
