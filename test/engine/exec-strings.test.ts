import {describe, expect, it} from 'vitest'
import {execStrings, isPidfileMode} from '../../src/engine/exec-strings.js'

const R = '/usr/bin/runc'
const P = '/run/container-etcd.pid'

describe('EXEC_* strings (atomic-semantics.md §4.2, the table verbatim)', () => {
  it('plain mode, with and without systemd cgroups', () => {
    expect(execStrings({runtime: R, name: 'etcd', systemdCgroup: true})).toEqual({
      EXEC_START: "/usr/bin/runc --systemd-cgroup run 'etcd'", EXEC_STOP: "/usr/bin/runc --systemd-cgroup kill 'etcd'", EXEC_STARTPRE: '', EXEC_STOPPOST: '',
    })
    expect(execStrings({runtime: R, name: 'etcd', systemdCgroup: false})).toEqual({
      EXEC_START: "/usr/bin/runc run 'etcd'", EXEC_STOP: "/usr/bin/runc kill 'etcd'", EXEC_STARTPRE: '', EXEC_STOPPOST: '',
    })
  })
  it('pidfile mode, single spaces (D3)', () => {
    expect(execStrings({runtime: R, name: 'etcd', systemdCgroup: true, pidfile: P})).toEqual({
      EXEC_START: "/usr/bin/runc --systemd-cgroup run -d --pid-file /run/container-etcd.pid 'etcd'", EXEC_STOP: '', EXEC_STARTPRE: '', EXEC_STOPPOST: "/usr/bin/runc delete 'etcd'",
    })
    expect(execStrings({runtime: R, name: 'etcd', systemdCgroup: false, pidfile: P}).EXEC_START).toBe("/usr/bin/runc run -d --pid-file /run/container-etcd.pid 'etcd'")
  })
  it('pidfile mode needs both variables (either spelling, D15) and a runtime with --pid-file', () => {
    expect(isPidfileMode(new Set(['EXEC_STOPPOST', 'PIDFILE']), true)).toBe(true)
    expect(isPidfileMode(new Set(['EXEC_STOPPOST', 'PIDFILE']), false)).toBe(false)
    expect(isPidfileMode(new Set(['EXEC_STOPPOST']), true)).toBe(false)
    expect(isPidfileMode(new Set(['PIDFILE', 'EXEC_START']), true)).toBe(false)
  })
})
