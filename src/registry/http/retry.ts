/**
 * When and how long to wait before trying again: 429 (honouring Retry-After), 408, 5xx and broken connections,
 * with capped exponential backoff and jitter.
 */
import {setTimeout as sleep} from 'node:timers/promises'

export interface RetryOptions {
  /** Attempts in total, the first included (default 6). */
  readonly attempts?: number
  /** First backoff delay (default 250 ms); doubles each time. */
  readonly baseDelayMs?: number
  /** Cap of one computed backoff delay (default 8 s). */
  readonly maxDelayMs?: number
  /** Cap of a server-requested Retry-After (default 60 s). */
  readonly maxRetryAfterMs?: number
}

export interface RetryPolicy {
  readonly attempts: number
  /** Delay before attempt `attempt + 1` (attempt counts from 1), given the failed response's Retry-After. */
  delay(attempt: number, retryAfter?: string): number
}

export function retryPolicy(opts: RetryOptions = {}): RetryPolicy {
  const base = opts.baseDelayMs ?? 250
  const max = opts.maxDelayMs ?? 8_000
  const maxRetryAfter = opts.maxRetryAfterMs ?? 60_000
  return {
    attempts: Math.max(1, opts.attempts ?? 6),
    delay(attempt, retryAfter) {
      const asked = parseRetryAfter(retryAfter)
      if (asked !== undefined) return Math.min(asked, maxRetryAfter)
      const exp = Math.min(max, base * 2 ** (attempt - 1))
      return Math.round(exp / 2 + (Math.random() * exp) / 2)
    },
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const t = Date.parse(v)
  return Number.isNaN(t) ? undefined : Math.max(0, t - now)
}

/** Statuses worth another try. */
export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505)

export const wait = (ms: number): Promise<void> => sleep(ms)
