/**
 * One HTTP exchange on node:http / node:https: no retries, no redirects, no auth (those are layered on top by the
 * client). A body is either bytes (sent with Content-Length) or an opener of a stream, sent with the given length
 * or, without one, with chunked transfer encoding. Connections are kept alive per origin and closed by `close()`.
 * (Node's own HTTP stack: it loads with the runtime, where an HTTP library costs every command ~0.2 s of start-up.)
 */
import {Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders} from 'node:http'
import {Agent as HttpsAgent, request as httpsRequest} from 'node:https'
import type {Readable} from 'node:stream'
import {pipeline} from 'node:stream'

export type RequestBody =
  | Uint8Array
  | {
      /** A fresh stream of the bytes to send. */
      readonly open: () => Readable
      /** Content-Length; omitted → chunked transfer encoding. */
      readonly length?: number
    }

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly url: URL
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: RequestBody
  readonly signal?: AbortSignal
}

export interface HttpResponse {
  readonly status: number
  readonly url: URL
  /** Lower-case names. */
  header(name: string): string | undefined
  headerAll(name: string): string[]
  /** The body stream; read it, or call `discard()`. */
  readonly body: Readable
  text(limit?: number): Promise<string>
  discard(): Promise<void>
}

export interface Transport {
  send(req: HttpRequest): Promise<HttpResponse>
  close(): Promise<void>
}

export interface TransportOptions {
  /** Verify TLS certificates (default true). */
  readonly tlsVerify?: boolean
  readonly userAgent?: string
  /** Idle socket timeout for headers and body (default 5 minutes). */
  readonly timeoutMs?: number
  /** Parallel connections per origin (default 8). */
  readonly connections?: number
}

export const USER_AGENT = 'sysbuild/0.1'
const CONNECT_TIMEOUT = 30_000

export function createTransport(opts: TransportOptions = {}): Transport {
  const timeout = opts.timeoutMs ?? 300_000
  const pool = {keepAlive: true, keepAliveMsecs: 4_000, maxSockets: opts.connections ?? 8, scheduling: 'lifo' as const}
  const http = new HttpAgent(pool)
  const https = new HttpsAgent({...pool, rejectUnauthorized: opts.tlsVerify !== false})
  const userAgent = opts.userAgent ?? USER_AGENT
  return {
    send(req) {
      const headers: OutgoingHttpHeaders = {'user-agent': userAgent, ...lowerKeys(req.headers ?? {})}
      let body: Uint8Array | Readable | undefined
      if (req.body instanceof Uint8Array) {
        body = req.body
        headers['content-length'] = String(req.body.byteLength)
      } else if (req.body) {
        body = req.body.open()
        if (req.body.length !== undefined) headers['content-length'] = String(req.body.length)
      } else if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
        headers['content-length'] = '0'
      }
      const tls = req.url.protocol === 'https:'
      return new Promise<HttpResponse>((resolve, reject) => {
        const out = (tls ? httpsRequest : httpRequest)(req.url, {method: req.method, headers, agent: tls ? https : http, signal: req.signal, timeout})
        // An idle connection (no bytes either way for `timeout`) is broken: the retry layer decides what follows.
        out.on('timeout', () => out.destroy(Object.assign(new Error(`no data from ${req.url.host} for ${timeout / 1000} s`), {code: 'ETIMEDOUT'})))
        out.once('socket', (socket) => {
          if (!socket.connecting) return
          const timer = setTimeout(() => out.destroy(Object.assign(new Error(`cannot connect to ${req.url.host} within ${CONNECT_TIMEOUT / 1000} s`), {code: 'CONNECT_TIMEOUT'})), CONNECT_TIMEOUT)
          socket.once('connect', () => clearTimeout(timer))
          out.once('close', () => clearTimeout(timer))
        })
        out.once('response', (res) => resolve(wrapResponse(req.method, req.url, res)))
        out.on('error', (e) => {
          if (body && typeof (body as Readable).destroy === 'function') (body as Readable).destroy()
          reject(e)
        })
        if (body === undefined) out.end()
        else if (body instanceof Uint8Array) out.end(body)
        else {
          // A body that fails (an unreadable file) fails the request with its own error.
          pipeline(body, out, (e) => {
            if (e && !out.destroyed) out.destroy(e)
          })
        }
      })
    },
    async close() {
      http.destroy()
      https.destroy()
    },
  }
}

function lowerKeys(h: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]))
}

function wrapResponse(method: string, url: URL, res: IncomingMessage): HttpResponse {
  const all = (name: string): string[] => res.headersDistinct[name.toLowerCase()] ?? []
  return {
    status: res.statusCode ?? 0,
    url,
    header: (name) => all(name)[0],
    headerAll: all,
    body: res,
    async text(limit = 1 << 20) {
      const chunks: Buffer[] = []
      let n = 0
      for await (const chunk of res) {
        const b = chunk as Buffer
        if (n + b.byteLength > limit) {
          chunks.push(b.subarray(0, limit - n))
          res.destroy()
          break
        }
        chunks.push(b)
        n += b.byteLength
      }
      return Buffer.concat(chunks).toString('utf8')
    },
    async discard() {
      // A short body is read to its end so that the connection can be reused; a long one is not worth it.
      const length = method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304 ? 0 : Number(res.headers['content-length'] ?? Number.NaN)
      if (res.readableEnded) return
      if (!(length <= 64 * 1024)) {
        res.destroy()
        return
      }
      await new Promise<void>((resolve) => {
        res.once('end', resolve)
        res.once('error', () => resolve())
        res.once('close', () => resolve())
        res.resume()
      })
    },
  }
}
