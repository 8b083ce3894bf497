import {describe, expect, it} from 'vitest'
import {formatCreated} from '../../src/engine/containers-list.js'
import {formatContainerTable, type ContainerEntry} from '../../src/engine/containers-table.js'

const entry: ContainerEntry = {
  id: 'etcd-member', image_id: 'ab'.repeat(32), image_name: 'registry.example.com/f27/etcd:latest', name: 'etcd-member',
  command: '/usr/bin/etcd-env.sh /usr/bin/etcd', created: '2024-01-02 03:04', state: 'running', backend: 'sysbuild',
  runtime: '/usr/bin/runc', vulnerable: false, running: true,
}

describe('containers table (atomic-semantics.md §14)', () => {
  it('has atomic’s header and column widths, values cut to fit', () => {
    expect(formatContainerTable([entry])).toEqual([
      '   CONTAINER ID IMAGE                NAME       COMMAND    CREATED          STATE      BACKEND    RUNTIME',
      '   etcd-member  registry.example.com etcd-membe /usr/bin/e 2024-01-02 03:04 running    sysbuild   /usr/bin/r',
    ])
  })
  it('--no-trunc widens columns to the longest value; -n drops the header; -q prints names', () => {
    const [head, row] = formatContainerTable([entry], {noTrunc: true})
    expect(row).toContain('registry.example.com/f27/etcd:latest /usr/bin/etcd-env.sh /usr/bin/etcd'.split(' ')[0])
    expect(row).toContain('/usr/bin/runc')
    expect(head!.indexOf('NAME')).toBe(row!.indexOf('etcd-member', 5))
    expect(formatContainerTable([entry], {noHeading: true})).toHaveLength(1)
    expect(formatContainerTable([entry], {quiet: true})).toEqual(['etcd-member'])
  })
  it('prints nothing at all when nothing matches', () => expect(formatContainerTable([])).toEqual([]))
  it('shows CREATED as local YYYY-MM-DD HH:MM', () => expect(formatCreated(0)).toMatch(/^19(69|70)-(12|01)-(31|01) \d\d:\d\d$/))
})
