import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {keychain} from '../../src/registry/credentials/keychain.js'
import {removeCredential, saveCredential} from '../../src/registry/credentials/store.js'
import {findAuthEntry, registryOfKey} from '../../src/registry/credentials/auth-file.js'
import {parseUserPassword} from '../../src/registry/credentials/types.js'
import {SysbuildError} from '../../src/core/index.js'

let dir: string
let env: Record<string, string>
const b64 = (s: string) => Buffer.from(s).toString('base64')

/** A docker-credential helper speaking the real protocol, keeping its secrets in a JSON file. */
function installHelper(name: string): string {
  const bin = join(dir, 'bin')
  mkdirSync(bin, {recursive: true})
  const store = join(dir, `${name}-store.json`)
  writeFileSync(store, '{}')
  const script = join(bin, `docker-credential-${name}`)
  writeFileSync(script, `#!/usr/bin/env python3
import json, sys
store = ${JSON.stringify(store)}
db = json.load(open(store))
verb = sys.argv[1]
data = sys.stdin.read()
if verb == 'get':
    if data not in db:
        print('credentials not found in native keychain'); sys.exit(1)
    u, s = db[data]
    print(json.dumps({'ServerURL': data, 'Username': u, 'Secret': s}))
elif verb == 'store':
    d = json.loads(data); db[d['ServerURL']] = [d['Username'], d['Secret']]
    json.dump(db, open(store, 'w'))
elif verb == 'erase':
    if data not in db:
        print('credentials not found in native keychain'); sys.exit(1)
    del db[data]; json.dump(db, open(store, 'w'))
`)
  chmodSync(script, 0o755)
  return store
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sysbuild-creds-'))
  env = {HOME: join(dir, 'home'), DOCKER_CONFIG: join(dir, 'docker'), XDG_RUNTIME_DIR: join(dir, 'run'), PATH: `${join(dir, 'bin')}:${process.env.PATH}`}
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

const writeJson = (path: string, doc: unknown) => {
  mkdirSync(join(path, '..'), {recursive: true})
  writeFileSync(path, JSON.stringify(doc))
}

describe('credential lookup', () => {
  it('reads docker config.json auths, with Docker Hub key spellings', async () => {
    writeJson(join(dir, 'docker', 'config.json'), {auths: {
      'https://index.docker.io/v1/': {auth: b64('hub:pw:with:colons')},
      'http://127.0.0.1:5000': {auth: b64('alice:s3cret')},
      'reg.example': {username: 'bob', password: 'pw', identitytoken: 'refresh-me'},
    }})
    const k = keychain({env})
    expect(await k('docker.io', 'library/busybox')).toEqual({username: 'hub', password: 'pw:with:colons'})
    expect(await k('127.0.0.1:5000')).toEqual({username: 'alice', password: 's3cret'})
    expect(await k('reg.example')).toEqual({username: 'bob', password: 'pw', identityToken: 'refresh-me'})
    expect(await k('other.example')).toBeUndefined()
  })

  it('falls back to podman auth.json, most specific repository key first', async () => {
    writeJson(join(dir, 'run', 'containers', 'auth.json'), {auths: {
      'quay.io': {auth: b64('any:1')},
      'quay.io/team': {auth: b64('team:2')},
      'quay.io/team/app': {auth: b64('app:3')},
    }})
    const k = keychain({env})
    expect(await k('quay.io', 'team/app')).toEqual({username: 'app', password: '3'})
    expect(await k('quay.io', 'team/other')).toEqual({username: 'team', password: '2'})
    expect(await k('quay.io', 'solo/x')).toEqual({username: 'any', password: '1'})
    expect(await keychain({env: {...env, REGISTRY_AUTH_FILE: join(dir, 'nowhere.json')}})('quay.io')).toBeUndefined()
  })

  it('prefers explicit credentials, then docker (helper, auths), then podman', async () => {
    writeJson(join(dir, 'run', 'containers', 'auth.json'), {auths: {'r.example': {auth: b64('podman:p')}}})
    expect(await keychain({env})('r.example')).toEqual({username: 'podman', password: 'p'})
    writeJson(join(dir, 'docker', 'config.json'), {auths: {'r.example': {auth: b64('docker:d')}}})
    expect(await keychain({env})('r.example')).toEqual({username: 'docker', password: 'd'})
    expect(await keychain({env, explicit: {username: 'cli', password: 'c'}})('r.example')).toEqual({username: 'cli', password: 'c'})
  })

  it('asks credHelpers / credsStore helpers with the docker protocol', async () => {
    const store = installHelper('sbtest')
    writeFileSync(store, JSON.stringify({'r.example': ['helper-user', 'helper-secret'], 'https://index.docker.io/v1/': ['<token>', 'idtoken']}))
    writeJson(join(dir, 'docker', 'config.json'), {credHelpers: {'r.example': 'sbtest'}, auths: {'r.example': {auth: b64('stale:x')}}})
    expect(await keychain({env})('r.example')).toEqual({username: 'helper-user', password: 'helper-secret'})
    writeJson(join(dir, 'docker', 'config.json'), {credsStore: 'sbtest'})
    expect(await keychain({env})('docker.io')).toEqual({identityToken: 'idtoken'})
    expect(await keychain({env})('unknown.example')).toBeUndefined()
  })

  it('reports a broken config.json with file and line, never its content', async () => {
    mkdirSync(join(dir, 'docker'), {recursive: true})
    writeFileSync(join(dir, 'docker', 'config.json'), '{\n  "auths": {"r": {"auth": "c2VjcmV0"}},,\n}')
    const err = await keychain({env})('r').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SysbuildError)
    expect((err as SysbuildError).code).toBe('SYSBUILD_REGISTRY_CREDENTIAL_STORE')
    expect((err as SysbuildError).hint.file).toBe(join(dir, 'docker', 'config.json'))
    expect((err as SysbuildError).hint.line).toBe(2)
    expect((err as SysbuildError).message).not.toContain('c2VjcmV0')
  })

  it('names a missing helper', async () => {
    writeJson(join(dir, 'docker', 'config.json'), {credsStore: 'does-not-exist'})
    const err = await keychain({env})('r.example').catch((e: unknown) => e)
    expect((err as SysbuildError).code).toBe('SYSBUILD_REGISTRY_CREDENTIAL_STORE')
    expect((err as SysbuildError).message).toContain('docker-credential-does-not-exist')
  })

  it('parses user:password from --creds', () => {
    expect(parseUserPassword('u:p:q\n')).toEqual({username: 'u', password: 'p:q'})
    expect(parseUserPassword('nopass')).toBeUndefined()
    expect(parseUserPassword(':p')).toBeUndefined()
  })

  it('matches auth keys to registries', () => {
    expect(registryOfKey('https://index.docker.io/v1/')).toBe('docker.io')
    expect(registryOfKey('http://localhost:5000/v2/')).toBe('localhost:5000')
    expect(findAuthEntry({'localhost:5000/team': {auth: 'x'}}, 'localhost:5000', 'other/x')).toBeUndefined()
  })
})

describe('storing credentials (login/logout)', () => {
  it('writes auths into config.json with mode 0600, keeping other keys', async () => {
    writeJson(join(dir, 'docker', 'config.json'), {auths: {'other.example': {auth: b64('o:p')}}, psFormat: 'table {{.ID}}'})
    const r = await saveCredential('127.0.0.1:5000', {username: 'alice', password: 's3cret'}, env)
    expect(r.file).toBe(join(dir, 'docker', 'config.json'))
    const doc = JSON.parse(readFileSync(r.file, 'utf8'))
    expect(doc.psFormat).toBe('table {{.ID}}')
    expect(doc.auths['other.example']).toEqual({auth: b64('o:p')})
    expect(Buffer.from(doc.auths['127.0.0.1:5000'].auth, 'base64').toString()).toBe('alice:s3cret')
    expect(statSync(r.file).mode & 0o777).toBe(0o600)
    expect(await keychain({env})('127.0.0.1:5000')).toEqual({username: 'alice', password: 's3cret'})

    expect(await removeCredential('127.0.0.1:5000', env)).toBe(true)
    expect(await removeCredential('127.0.0.1:5000', env)).toBe(false)
    const after = JSON.parse(readFileSync(r.file, 'utf8'))
    expect(after.auths).toEqual({'other.example': {auth: b64('o:p')}})
    expect(statSync(r.file).mode & 0o777).toBe(0o600)
  })

  it('creates the docker config dir 0700 and uses docker\'s key for Docker Hub', async () => {
    const r = await saveCredential('docker.io', {username: 'u', password: 'p'}, env)
    expect(statSync(join(dir, 'docker')).mode & 0o777).toBe(0o700)
    expect(Object.keys(JSON.parse(readFileSync(r.file, 'utf8')).auths)).toEqual(['https://index.docker.io/v1/'])
  })

  it('stores into the configured helper, leaving only an empty auths entry in the file', async () => {
    const store = installHelper('sbtest')
    writeJson(join(dir, 'docker', 'config.json'), {credsStore: 'sbtest'})
    const r = await saveCredential('r.example', {username: 'u', password: 'very-secret'}, env)
    expect(r.helper).toBe('sbtest')
    expect(readFileSync(r.file, 'utf8')).not.toContain(b64('u:very-secret'))
    expect(JSON.parse(readFileSync(r.file, 'utf8')).auths).toEqual({'r.example': {}})
    expect(JSON.parse(readFileSync(store, 'utf8'))).toEqual({'r.example': ['u', 'very-secret']})
    expect(await removeCredential('r.example', env)).toBe(true)
    expect(JSON.parse(readFileSync(store, 'utf8'))).toEqual({})
  })
})
