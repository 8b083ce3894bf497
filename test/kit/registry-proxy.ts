/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of a test registry. Each request is passed through
 * unless the rule says otherwise: answer it with a status (500, 429 + Retry-After, ...), cut the connection
 * after part of the request body went upstream (a dropped upload), cut it after the registry answered (a lost
 * response), or refuse request bodies above a size (a registry that caps chunks, like GHCR's 4 MiB).
 * The Host header is kept, so the registry's Location headers point back at the proxy.
 */
import {createServer, request, type IncomingMessage, type ServerResponse} from 'node:http'
import type {Socket} from 'node:net'

export type ProxyAction =
  | {readonly kind: 'pass'}
  | {readonly kind: 'respond'; readonly status: number; readonly headers?: Record<string, string>; readonly body?: string}
  | {readonly kind: 'drop-after'; readonly bytes: number}
  | {readonly kind: 'drop-response'}
  | {readonly kind: 'cap'; readonly maxBytes: number}
  | {readonly kind: 'delay'; readonly ms: number}
  | {readonly kind: 'cut-response'; readonly bytes: number}

export interface ProxyRequest {
  readonly method: string
  /** Path and query. */
  readonly path: string
  readonly headers: IncomingMessage['headers']
  /** 0-based count of requests seen so far. */
  readonly index: number
}

export type ProxyRule = (req: ProxyRequest) => ProxyAction | undefined

export interface ProxyLogEntry {
  readonly method: string
  readonly path: string
  /** Upstream or injected status; 0 when the connection was cut. */
  status: number
  /** Request body bytes the proxy received from the client. */
  bytes: number
  readonly action: ProxyAction['kind']
  /** When the request arrived (ms since the epoch). */
  readonly at: number
  readonly range?: string
  readonly contentRange?: string
  readonly authorization?: string
}

export interface FaultProxy {
  readonly host: string
  readonly log: ProxyLogEntry[]
  setRule(rule: ProxyRule | undefined): void
  stop(): Promise<void>
}

export async function startFaultProxy(upstream: string, initial?: ProxyRule): Promise<FaultProxy> {
  const [upHost, upPort] = upstream.split(':') as [string, string]
  let rule = initial
  let count = 0
  const log: ProxyLogEntry[] = []
  const sockets = new Set<Socket>()

  const forward = (req: IncomingMessage, res: ServerResponse, entry: ProxyLogEntry, body: Buffer | undefined, after?: {dropAfter?: number; dropResponse?: boolean; cutResponse?: number}) => {
    let dropped = false
    const headers = {...req.headers}
    if (body) {
      delete headers['transfer-encoding']
      headers['content-length'] = String(body.length)
    }
    const up = request({host: upHost, port: Number(upPort), method: req.method, path: req.url, headers}, (upRes) => {
      if (after?.dropResponse) {
        upRes.resume()
        upRes.on('end', () => {
          entry.status = 0
          req.socket.destroy()
        })
        return
      }
      if (dropped) return
      entry.status = upRes.statusCode ?? 0
      res.writeHead(upRes.statusCode ?? 502, upRes.headers)
      const cut = after?.cutResponse
      if (cut === undefined) {
        upRes.pipe(res)
        return
      }
      let sent = 0
      upRes.on('data', (c: Buffer) => {
        if (sent >= cut) return
        const part = c.subarray(0, cut - sent)
        sent += part.length
        res.write(part)
        if (sent >= cut) {
          upRes.destroy()
          setTimeout(() => req.socket.destroy(), 20)
        }
      })
      upRes.on('end', () => res.end())
    })
    up.on('error', () => req.socket.destroy())
    if (body) {
      entry.bytes = body.length
      up.end(body)
      return
    }
    req.on('data', (chunk: Buffer) => {
      const limit = after?.dropAfter
      if (limit !== undefined && entry.bytes + chunk.length >= limit) {
        const part = chunk.subarray(0, Math.max(0, limit - entry.bytes))
        entry.bytes += part.length
        dropped = true
        up.write(part, () => {
          // let the registry take the partial data, then break both sides
          setTimeout(() => {
            up.destroy()
            req.socket.destroy()
          }, 50)
        })
        req.pause()
        req.removeAllListeners('data')
        return
      }
      entry.bytes += chunk.length
      if (!up.write(chunk)) {
        req.pause()
        up.once('drain', () => req.resume())
      }
    })
    req.on('end', () => {
      if (!dropped) up.end()
    })
  }

  const server = createServer((req, res) => {
    const info: ProxyRequest = {method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, index: count++}
    const action = rule?.(info) ?? {kind: 'pass'}
    const entry: ProxyLogEntry = {
      method: info.method, path: info.path, status: 0, bytes: 0, action: action.kind, at: Date.now(),
      ...(req.headers.range ? {range: req.headers.range} : {}),
      ...(req.headers['content-range'] ? {contentRange: String(req.headers['content-range'])} : {}),
      ...(req.headers.authorization ? {authorization: req.headers.authorization.split(' ')[0]} : {}),
    }
    log.push(entry)
    switch (action.kind) {
      case 'respond': {
        req.on('data', (c: Buffer) => {
          entry.bytes += c.length
        })
        req.on('end', () => {
          entry.status = action.status
          res.writeHead(action.status, {'content-type': 'application/json', ...(action.headers ?? {})})
          res.end(action.body ?? JSON.stringify({errors: [{code: action.status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN', message: `injected ${action.status}`}]}))
        })
        return
      }
      case 'cap': {
        const declared = Number(req.headers['content-length'] ?? Number.NaN)
        const refuse = () => {
          entry.status = 416
          res.writeHead(416, {'content-type': 'application/json', connection: 'close'})
          res.end(JSON.stringify({errors: [{code: 'SIZE_INVALID', message: `chunk size exceeds the maximum of ${(action.maxBytes / 1048576).toFixed(2)}MiB`}]}))
        }
        if (!Number.isNaN(declared) && declared > action.maxBytes) {
          req.on('data', (c: Buffer) => {
            entry.bytes += c.length
          })
          req.on('end', refuse)
          return
        }
        const chunks: Buffer[] = []
        let n = 0
        let over = false
        req.on('data', (c: Buffer) => {
          n += c.length
          entry.bytes = n
          if (n > action.maxBytes) over = true
          else chunks.push(c)
        })
        req.on('end', () => (over ? refuse() : forward(req, res, entry, Buffer.concat(chunks))))
        return
      }
      case 'drop-after':
        return forward(req, res, entry, undefined, {dropAfter: action.bytes})
      case 'drop-response':
        return forward(req, res, entry, undefined, {dropResponse: true})
      case 'cut-response':
        return forward(req, res, entry, undefined, {cutResponse: action.bytes})
      case 'delay':
        req.pause()
        setTimeout(() => {
          req.resume()
          forward(req, res, entry, undefined)
        }, action.ms)
        return
      default:
        return forward(req, res, entry, undefined)
    }
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  return {
    host: `127.0.0.1:${port}`,
    log,
    setRule(r) {
      rule = r
    },
    async stop() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Fire `action` for the first `times` requests matching `match`, then pass everything. */
export function nTimes(times: number, match: (r: ProxyRequest) => boolean, action: ProxyAction): ProxyRule {
  let left = times
  return (r) => {
    if (left > 0 && match(r)) {
      left--
      return action
    }
    return undefined
  }
}

/** Requests that carry blob data (PATCH and PUT of uploads). */
export const isUploadData = (r: {readonly method: string; readonly path: string}): boolean => (r.method === 'PATCH' || r.method === 'PUT') && r.path.includes('/blobs/uploads/')
