/** How an error's message and location reach the user: the file is named once, with its position when known. */
import {describe, expect, it} from 'vitest'
import {errorText, located} from '../../src/core/index.js'

describe('errorText', () => {
  it('prefixes the file and position like a compiler', () => {
    expect(errorText('unexpected token', {file: 'a/sysbuild.toml', line: 2, column: 5})).toBe('a/sysbuild.toml:2:5: unexpected token')
    expect(errorText('no such file', {file: 'x.json'})).toBe('x.json: no such file')
    expect(errorText('plain')).toBe('plain')
  })

  it('never names the file twice', () => {
    // "FILE: msg" with a position: the position moves into the prefix.
    expect(errorText('/p/sysbuild.toml: Unexpected character', {file: '/p/sysbuild.toml', line: 1, column: 8})).toBe('/p/sysbuild.toml:1:8: Unexpected character')
    expect(errorText('m.json: binary data at line 3 (expected UTF-8 text)', {file: 'm.json', line: 3})).toBe('m.json:3: binary data at line 3 (expected UTF-8 text)')
    // Already located, or naming the file elsewhere with no position to add: kept as it is.
    expect(errorText('i.json:4:2: bad', {file: 'i.json', line: 4, column: 2})).toBe('i.json:4:2: bad')
    expect(errorText('oci-archive:/t/g.tar is not a readable tar archive', {file: '/t/g.tar'})).toBe('oci-archive:/t/g.tar is not a readable tar archive')
    expect(errorText('The file /etc/x.service already exists.', {file: '/etc/x.service'})).toBe('The file /etc/x.service already exists.')
  })

  it('leaves located() (used by lint findings) unchanged', () => {
    expect(located('f', 1, undefined, 'error: f is odd')).toBe('f:1: error: f is odd')
    expect(located('f', undefined, undefined, 'error: f is odd')).toBe('f: error: f is odd')
  })
})
