import {describe, expect, it} from 'vitest'
import {formatValue, parseSetValues, resolveValues} from '../../src/exports/values.js'
import {allProcessCapabilities} from '../../src/exports/capabilities.js'
import {isSysbuildError} from '../../src/core/errors.js'

describe('resolveValues (atomic-semantics §2)', () => {
  const host = {RUN_DIRECTORY: '/run', CONF_DIRECTORY: '/etc', STATE_DIRECTORY: '/var/lib'}
  it('--set wins over host values and defaults', () => {
    const r = resolveValues({set: {STATE_DIRECTORY: '/srv', PORT: '1'}, host, defaults: {PORT: '8081', RECEIVER: 'World'}})
    expect(r.values).toMatchObject({STATE_DIRECTORY: '/srv', PORT: '1', RECEIVER: 'World', RUN_DIRECTORY: '/run'})
    expect(r.sources).toMatchObject({STATE_DIRECTORY: 'set', PORT: 'set', RECEIVER: 'default', RUN_DIRECTORY: 'host'})
  })
  it('ignores a manifest default for a host variable (etcd CONF_DIRECTORY)', () => {
    const r = resolveValues({host, defaults: {CONF_DIRECTORY: '/opt/etc'}})
    expect(r.values.CONF_DIRECTORY).toBe('/etc')
  })
  it('forced values overwrite --set, with a warning', () => {
    const r = resolveValues({set: {NAME: 'mine'}, forced: {NAME: 'etcd'}})
    expect(r.values.NAME).toBe('etcd')
    expect(r.warnings).toEqual(['NAME is set by sysbuild and cannot be changed with --set'])
  })
  it('fills UUID after the defaults, keeping a default or --set UUID', () => {
    expect(resolveValues({uuid: () => 'u1'}).values.UUID).toBe('u1')
    expect(resolveValues({defaults: {UUID: 'd'}, uuid: () => 'u1'}).values.UUID).toBe('d')
  })
})

describe('parseSetValues', () => {
  it('splits at the first =', () => {
    expect(parseSetValues(['A=b=c', 'E='])).toEqual({A: 'b=c', E: ''})
  })
  it("refuses items without '=' with atomic's message", () => {
    try {
      parseSetValues(['x'])
      expect.unreachable()
    } catch (e) {
      expect(isSysbuildError(e) && e.code).toBe('SYSBUILD_USAGE_INVALID_SET')
      expect((e as Error).message).toBe("Invalid value 'x'.  Expected form NAME=VALUE")
    }
  })
})

describe('formatValue (Python %s)', () => {
  it.each([
    ['s', 's'], [0, '0'], [42, '42'], [true, 'True'], [false, 'False'], [null, 'None'],
  ])('%j → %s', (v, text) => {
    expect(formatValue(v)).toMatchObject({ok: true, text})
  })
  it.each([[1.5], [[1]], [{a: 1}]])('refuses %j', (v) => {
    expect(formatValue(v).ok).toBe(false)
  })
})

describe('allProcessCapabilities', () => {
  it('quotes, joins with ",\\n", ends with a newline, and drops what the bounding set lacks', () => {
    const r = allProcessCapabilities(2, 0b101n)
    expect(r.value).toBe('"CAP_CHOWN",\n"CAP_DAC_READ_SEARCH"\n')
    expect(r.dropped).toEqual(['CAP_DAC_OVERRIDE'])
  })
  it('renders inside a JSON array', () => {
    const r = allProcessCapabilities(40, (1n << 41n) - 1n)
    expect(JSON.parse(`[${r.value}]`)).toHaveLength(41)
  })
})
