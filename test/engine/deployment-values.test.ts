/** Value resolution for deployments: precedence (§2), forced values, and update semantics (D17). */
import {describe, expect, it} from 'vitest'
import {deploymentValues, keptSetValues} from '../../src/engine/deployment-values.js'
import {hostValues} from '../../src/engine/host-values.js'
import type {Info} from '../../src/engine/info-file.js'

const caps = {lastCap: 40, bound: ((1n << 41n) - 1n) & ~(1n << 24n)}
const base = {
  name: 'etcd', destdir: '/var/lib/containers/atomic/etcd.0', imageName: 'etcd', imageId: 'ab'.repeat(32),
  runtime: '/usr/bin/runc', sysbuildPath: '/usr/bin/sysbuild', capabilities: caps, systemdCgroup: false, pidfileMode: false,
}

describe('deploymentValues', () => {
  it('--set over host values over manifest defaults; forced values win, with a warning', () => {
    const v = deploymentValues({...base, set: {PORT: '1', RUN_DIRECTORY: '/srv/run', NAME: 'other'}, defaults: {PORT: '2', RECEIVER: 'World', CONF_DIRECTORY: '/ignored'}})
    expect(v.values.PORT).toBe('1')
    expect(v.values.RECEIVER).toBe('World')
    expect(v.values.CONF_DIRECTORY).toBe('/etc')
    expect(v.values.RUN_DIRECTORY).toBe('/srv/run')
    // PIDFILE uses the resolved RUN_DIRECTORY.
    expect(v.values.PIDFILE).toBe('/srv/run/container-etcd.pid')
    expect(v.values.NAME).toBe('etcd')
    expect(v.warnings).toEqual(['NAME is set by sysbuild and cannot be changed with --set'])
    expect(v.sources).toMatchObject({PORT: 'set', RECEIVER: 'default', CONF_DIRECTORY: 'host', NAME: 'forced', UUID: 'uuid'})
    expect(v.values.EXEC_START).toBe("/usr/bin/runc run 'etcd'")
    expect(v.values.IMAGE_ID).toBe('ab'.repeat(32))
    expect(v.values.HOST_UID).toBe(String(process.getuid!()))
  })

  it('pidfile mode takes PIDFILE as resolved', () => {
    const v = deploymentValues({...base, pidfileMode: true, set: {PIDFILE: '/x.pid'}, defaults: {}})
    expect(v.values.EXEC_START).toBe("/usr/bin/runc run -d --pid-file /x.pid 'etcd'")
  })

  it('ALL_PROCESS_CAPABILITIES leaves out what the bounding set lacks', () => {
    const h = hostValues({name: 'x', set: {}, runtime: 'r', sysbuildPath: 's', capabilities: caps})
    expect(h.values.ALL_PROCESS_CAPABILITIES).not.toContain('CAP_SYS_RESOURCE')
    expect(h.values.ALL_PROCESS_CAPABILITIES.startsWith('"CAP_CHOWN",\n"CAP_DAC_OVERRIDE",\n')).toBe(true)
    expect(h.values.ALL_PROCESS_CAPABILITIES.endsWith('"CAP_CHECKPOINT_RESTORE"\n')).toBe(true)
    expect(h.droppedCapabilities).toEqual(['CAP_SYS_RESOURCE'])
  })

  it('update (D17): --set values and UUID survive, host values are recomputed, new defaults apply', () => {
    const first = deploymentValues({...base, set: {PORT: '1'}, defaults: {RECEIVER: 'World'}})
    const previous = {values: {...first.values, ATOMIC: '/old/atomic'}, sysbuild: {format: 1, sources: {...first.sources, ATOMIC: 'host'}}} as unknown as Info
    const next = deploymentValues({...base, destdir: '/var/lib/containers/atomic/etcd.1', set: {}, defaults: {RECEIVER: 'Moon', NEW: 'n'}, previous})
    expect(next.values.PORT).toBe('1')
    expect(next.sources.PORT).toBe('set')
    expect(next.values.UUID).toBe(first.values.UUID)
    expect(next.values.ATOMIC).toBe('/usr/bin/sysbuild')
    expect(next.values.RECEIVER).toBe('Moon')
    expect(next.values.NEW).toBe('n')
    expect(next.values.DESTDIR).toBe('/var/lib/containers/atomic/etcd.1')
  })

  it('an info file written by atomic (no provenance) keeps every value, as atomic did', () => {
    const atomicInfo = {values: {PORT: '9', RECEIVER: 'Old', ALL_PROCESS_CAPABILITIES: '"CAP_CHOWN"\n', NAME: 'etcd', DESTDIR: '/x', UUID: 'u-1'}} as unknown as Info
    expect(keptSetValues(atomicInfo)).toEqual({PORT: '9', RECEIVER: 'Old', ALL_PROCESS_CAPABILITIES: '"CAP_CHOWN"\n', UUID: 'u-1'})
    const next = deploymentValues({...base, set: {}, defaults: {RECEIVER: 'New'}, previous: atomicInfo})
    expect(next.values.RECEIVER).toBe('Old')
    expect(next.values.ALL_PROCESS_CAPABILITIES).toBe('"CAP_CHOWN"\n')
    expect(next.values.UUID).toBe('u-1')
  })
})
