/**
 * One HTTP exchange on undici: no retries, no redirects, no auth (those are layered on top by the client).
 * A body is either bytes (sent with Content-Length) or an opener of a stream, sent with the given length or,
 * without one, with chunked transfer encoding.
 */
import type {Readable} from 'node:stream'
import {Agent, request} from 'undici'

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

export const USER_AGENT = 'sysbuild/0.1 (+undici)'

export function createTransport(opts: TransportOptions = {}): Transport {
  const timeout = opts.timeoutMs ?? 300_000
  const agent = new Agent({
    connect: {rejectUnauthorized: opts.tlsVerify !== false, timeout: 30_000},
    connections: opts.connections ?? 8,
    headersTimeout: timeout,
    bodyTimeout: timeout,
    keepAliveTimeout: 4_000,
  })
  const userAgent = opts.userAgent ?? USER_AGENT
  return {
    async send(req) {
      const headers: Record<string, string> = {'user-agent': userAgent, ...lowerKeys(req.headers ?? {})}
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
      try {
        const res = await request(req.url, {method: req.method, headers, body, dispatcher: agent, signal: req.signal})
        return wrapResponse(req.url, res.statusCode, res.headers, res.body)
      } catch (e) {
        if (body && typeof (body as Readable).destroy === 'function') (body as Readable).destroy()
        throw e
      }
    },
    close: () => agent.close(),
  }
}

function lowerKeys(h: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]))
}

function wrapResponse(url: URL, status: number, headers: Record<string, string | string[] | undefined>, body: Readable & {dump?: () => Promise<void>}): HttpResponse {
  const all = (name: string): string[] => {
    const v = headers[name.toLowerCase()]
    return v === undefined ? [] : Array.isArray(v) ? v : [v]
  }
  return {
    status,
    url,
    header: (name) => all(name)[0],
    headerAll: all,
    body,
    async text(limit = 1 << 20) {
      const chunks: Buffer[] = []
      let n = 0
      for await (const chunk of body) {
        const b = chunk as Buffer
        if (n + b.byteLength > limit) {
          chunks.push(b.subarray(0, limit - n))
          body.destroy()
          break
        }
        chunks.push(b)
        n += b.byteLength
      }
      return Buffer.concat(chunks).toString('utf8')
    },
    async discard() {
      try {
        if (body.dump) await body.dump()
        else body.destroy()
      } catch {
        // the body is of no interest; a broken connection here changes nothing
      }
    },
  }
}
