import {describe, expect, it} from 'vitest'
import {containerPaths, hostPaths, targetPath} from '../../src/engine/paths.js'
import {serviceManager} from '../../src/engine/service-manager.js'
import {recordingReporter} from '../../src/engine/reporter.js'

describe('host paths (atomic-semantics.md §8)', () => {
  it('defaults to atomic’s layout on the real host; runc keeps its own state dir', () => {
    const p = hostPaths({env: {}})
    expect(p.checkouts).toBe('/var/lib/containers/atomic')
    expect(p.unitDir).toBe('/etc/systemd/system')
    expect(p.tmpfilesDir).toBe('/etc/tmpfiles.d')
    expect(p.runcRoot).toBeUndefined()
    const c = containerPaths(p, 'etcd')
    expect([c.link, c.deployment(0), c.deployment(1), c.unit, c.tmpfiles]).toEqual([
      '/var/lib/containers/atomic/etcd', '/var/lib/containers/atomic/etcd.0', '/var/lib/containers/atomic/etcd.1', '/etc/systemd/system/etcd.service', '/etc/tmpfiles.d/etcd.conf',
    ])
  })
  it('honours ATOMIC_OSTREE_CHECKOUT_PATH, and SYSBUILD_CHECKOUT_PATH first', () => {
    expect(hostPaths({env: {ATOMIC_OSTREE_CHECKOUT_PATH: '/srv/atomic'}}).checkouts).toBe('/srv/atomic')
    expect(hostPaths({env: {ATOMIC_OSTREE_CHECKOUT_PATH: '/srv/atomic', SYSBUILD_CHECKOUT_PATH: '/srv/sb'}}).checkouts).toBe('/srv/sb')
    expect(() => hostPaths({env: {SYSBUILD_CHECKOUT_PATH: 'relative'}})).toThrow(expect.objectContaining({code: 'SYSBUILD_USAGE_INVALID_ARGUMENT'}))
  })
  it('under --root: real paths are prefixed, target paths (DESTDIR) are not, runc state is private', () => {
    const p = hostPaths({root: '/tmp/host', env: {}})
    const c = containerPaths(p, 'etcd')
    expect(c.deployment(0)).toBe('/tmp/host/var/lib/containers/atomic/etcd.0')
    expect(c.deploymentTarget(0)).toBe('/var/lib/containers/atomic/etcd.0')
    expect(p.real('/etc/../../x')).toBe('/tmp/host/x')
    expect(targetPath(p, '/tmp/host/etc/x')).toBe('/etc/x')
    expect(p.runcRoot).toBe('/tmp/host/run/sysbuild/runc')
  })
})

describe('service manager command lines', () => {
  it('offline (no systemd, or --root): systemctl --root for enablement, tmpfiles --root, no daemon-reload, no start', () => {
    const sm = serviceManager(hostPaths({root: '/tmp/host', env: {}}), recordingReporter())
    expect(sm.live).toBe(false)
    expect(sm.argv('enable', 'etcd')).toEqual(['systemctl', '--root=/tmp/host', 'enable', 'etcd'])
    expect(sm.argv('tmpfiles-create', '/tmp/host/etc/tmpfiles.d/etcd.conf')).toEqual(['systemd-tmpfiles', '--create', '--root=/tmp/host', '/tmp/host/etc/tmpfiles.d/etcd.conf'])
    expect(sm.argv('daemon-reload')).toBeUndefined()
    expect(sm.argv('start', 'etcd')).toBeUndefined()
  })
  it('live (systemd is PID 1, no --root): the commands atomic ran', () => {
    const sm = serviceManager(hostPaths({env: {}}), recordingReporter(), {live: true})
    expect(sm.argv('daemon-reload')).toEqual(['systemctl', 'daemon-reload'])
    expect(sm.argv('enable', 'etcd')).toEqual(['systemctl', 'enable', 'etcd'])
    expect(sm.argv('tmpfiles-create', '/etc/tmpfiles.d/etcd.conf')).toEqual(['systemd-tmpfiles', '--create', '/etc/tmpfiles.d/etcd.conf'])
  })
})
