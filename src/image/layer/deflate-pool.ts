/**
 * Raw deflate of 1 MiB blocks on worker threads. The caller fills a slot of shared memory ([32 KiB dictionary |
 * block | output]) and submits it; an idle worker deflates it (dictionary, sync flush or finish) straight into the
 * slot's output region through zlib's handle (deflateRawSync where that is missing); the caller copies the result out
 * with `take`, which frees the slot. Nothing is allocated per block on this thread, and next to nothing on the
 * workers: fresh buffers per block were only reclaimed by a garbage collection, which a thread that allocates almost
 * nothing else hardly ever runs (the process grew by ~60 MB a second). Workers run plain CommonJS from a string
 * (eval), so there is no file to find next to the compiled module.
 */
import {Worker} from 'node:worker_threads'
import {SysbuildError} from '../../core/index.js'

export const BLOCK = 1 << 20
export const DICT = 32 * 1024
/** Room for a compressed block: deflate's bound for 1 MiB is 1 MiB + ~330 bytes, plus the flush marker. */
export const OUT_BYTES = BLOCK + 64 * 1024
const SLOT_BYTES = DICT + BLOCK + OUT_BYTES

const WORKER = `
const {parentPort, workerData} = require('node:worker_threads')
const {crc32, createDeflateRaw, deflateRawSync, constants} = require('node:zlib')
const {memory, slotBytes, dict, block, outBytes, level} = workerData
const mem = new Uint8Array(memory)
// Deflate straight into the slot's output region through the zlib handle's writeSync (what deflateRawSync does
// inside, minus its output buffers), then close the stream, which frees zlib's state at once: nothing of a block
// is left for the collector but a small stream object. Where that internal API is missing, deflateRawSync is used
// (the same bytes: deflate's output does not depend on how its output space is cut).
function deflateInto(input, opts, at) {
  const d = createDeflateRaw(opts)
  try {
    const handle = d._handle, state = d._writeState
    if (!handle || typeof handle.writeSync !== 'function' || !state) return -1
    handle.writeSync(opts.finishFlush, input, 0, input.length, mem, at, outBytes)
    // All input taken and room left over: the block is complete (no room left: it might not be).
    if (state[1] !== 0 || state[0] === 0) throw new Error('the compressed block does not fit its slot')
    return outBytes - state[0]
  } finally {
    d.close()
  }
}
// Stream objects (and, in the fallback, output buffers) pile up on a thread that allocates nothing else until V8
// collects: collect every few blocks, when gc can be had.
let collect = typeof gc === 'function' ? gc : undefined
if (!collect) {
  try {
    require('node:v8').setFlagsFromString('--expose-gc')
    collect = require('node:vm').runInNewContext('gc')
  } catch {}
}
let blocks = 0
parentPort.on('message', ({slot, dictLen, len, last}) => {
  const base = slot * slotBytes
  try {
    const opts = {level, memLevel: 9, windowBits: 15, strategy: constants.Z_DEFAULT_STRATEGY, chunkSize: 512 * 1024,
      finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH}
    if (dictLen) opts.dictionary = mem.subarray(base + dict - dictLen, base + dict)
    const input = mem.subarray(base + dict, base + dict + len)
    const crc = crc32(input)
    let length = deflateInto(input, opts, base + dict + block)
    if (length < 0) {
      const out = deflateRawSync(input, opts)
      if (out.length > outBytes) throw new Error(out.length + ' bytes of output for ' + len + ' of input')
      mem.set(out, base + dict + block)
      length = out.length
    }
    parentPort.postMessage({slot, length, crc})
    if (collect && ++blocks % 16 === 0) collect()
  } catch (e) {
    parentPort.postMessage({slot, error: String(e && e.message || e)})
  }
})
`

interface Job {
  readonly slot: number
  readonly dictLen: number
  readonly len: number
  readonly last: boolean
  resolve(done: Deflated): void
  reject(e: Error): void
}

/** A compressed block, still in its slot: output length, and the CRC-32 of the input. */
export interface Deflated {
  readonly length: number
  readonly crc: number
}

interface Reply {
  readonly slot: number
  readonly length?: number
  readonly crc?: number
  readonly error?: string
}

export class DeflatePool {
  private readonly memory: SharedArrayBuffer
  private readonly view: Uint8Array
  private readonly workers: Worker[] = []
  private readonly idle: Worker[] = []
  private readonly running = new Map<Worker, Job>()
  private readonly queue: Job[] = []
  private readonly free: number[]
  private failure?: Error

  /** `jobs` workers, `slots` shared blocks (at least jobs + 1, so the caller can fill one while all compress). */
  constructor(level: number, jobs: number, slots = jobs * 2 + 1) {
    const n = Math.max(slots, jobs + 1)
    this.memory = new SharedArrayBuffer(n * SLOT_BYTES)
    this.view = new Uint8Array(this.memory)
    this.free = [...Array(n).keys()].reverse()
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(WORKER, {eval: true, execArgv: [], workerData: {memory: this.memory, slotBytes: SLOT_BYTES, dict: DICT, block: BLOCK, outBytes: OUT_BYTES, level}})
      w.on('message', (m: Reply) => this.done(w, m))
      w.on('error', (e) => this.fail(e))
      w.on('exit', () => this.fail(new SysbuildError('SYSBUILD_CORE_BUG', 'a compression thread stopped early')))
      this.workers.push(w)
      this.idle.push(w)
    }
  }

  /** How many slots are free. */
  get freeSlots(): number {
    return this.free.length
  }

  /** A free slot; the caller must `take` an output first when there is none. */
  acquire(): number {
    if (this.failure) throw this.failure
    const slot = this.free.pop()
    if (slot === undefined) throw new SysbuildError('SYSBUILD_CORE_BUG', 'parallel gzip: no free block')
    return slot
  }

  /** The dictionary region and the block region of a slot. */
  regions(slot: number): {readonly dict: Uint8Array; readonly block: Uint8Array} {
    const base = slot * SLOT_BYTES
    return {dict: this.view.subarray(base, base + DICT), block: this.view.subarray(base + DICT, base + DICT + BLOCK)}
  }

  /**
   * Compress `len` bytes of the slot's block, with the last `dictLen` bytes of its dictionary region as the
   * preset dictionary. The output stays in the slot until `take`n.
   */
  deflate(slot: number, dictLen: number, len: number, last: boolean): Promise<Deflated> {
    return new Promise<Deflated>((resolve, reject) => {
      if (this.failure) return reject(this.failure)
      this.queue.push({slot, dictLen, len, last, resolve, reject})
      this.pump()
    })
  }

  /** Copy a compressed block (`length` from `deflate`) into `into` and free its slot. */
  take(slot: number, length: number, into: Buffer): Buffer {
    const at = slot * SLOT_BYTES + DICT + BLOCK
    into.set(this.view.subarray(at, at + length))
    this.free.push(slot)
    return into.subarray(0, length)
  }

  close(): void {
    for (const w of this.workers) {
      w.removeAllListeners('exit')
      void w.terminate()
    }
    this.workers.length = 0
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!
      const job = this.queue.shift()!
      this.running.set(w, job)
      w.postMessage({slot: job.slot, dictLen: job.dictLen, len: job.len, last: job.last})
    }
  }

  private done(w: Worker, m: Reply): void {
    const job = this.running.get(w)
    this.running.delete(w)
    this.idle.push(w)
    if (m.error !== undefined || m.length === undefined || m.crc === undefined) job?.reject(new SysbuildError('SYSBUILD_CORE_BUG', `parallel gzip failed: ${m.error ?? 'no output'}`))
    else job?.resolve({length: m.length, crc: m.crc})
    this.pump()
  }

  private fail(e: Error): void {
    this.failure ??= e
    for (const job of [...this.running.values(), ...this.queue.splice(0)]) job.reject(this.failure)
    this.running.clear()
  }
}
