/**
 * The Dockerfile reader. Oracles: hand-written expectations for Docker's documented
 * parsing rules, the real corpus Dockerfiles, bash for brace expansion and Python's
 * shlex (POSIX mode) for quote removal in word splitting.
 */
import {describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {dockerWords, expandBraces, finalStage, instructionFlag, labelsOf, parseDockerfile, shellCommands} from '../../src/exports/dockerfile.js'

const CORPUS = join(import.meta.dirname, '../../../shared/corpus')
const hasPython = spawnSync('python3', ['-c', 'pass']).status === 0
const hasBash = spawnSync('bash', ['-c', 'true']).status === 0

describe('parseDockerfile', () => {
  it('gives each instruction its keyword line and last line, joining continuations', () => {
    const df = parseDockerfile(['# comment', 'FROM centos', '', 'RUN yum -y install a && \\', '    yum clean all', 'run echo lower'].join('\n'))
    expect(df.instructions.map((i) => [i.keyword, i.line, i.endLine, i.args])).toEqual([
      ['FROM', 2, 2, 'centos'],
      ['RUN', 4, 5, 'yum -y install a &&     yum clean all'],
      ['RUN', 6, 6, 'echo lower'],
    ])
  })

  it('drops comment and empty lines inside a continuation, and tolerates CRLF and trailing blanks after the escape', () => {
    const df = parseDockerfile('LABEL a=1 \\  \r\n# inner comment\r\n\r\n      b=2\r\nCMD ["x"]\r\n')
    expect(df.instructions.map((i) => [i.keyword, i.line, i.endLine])).toEqual([
      ['LABEL', 1, 4],
      ['CMD', 5, 5],
    ])
    expect(labelsOf(df.instructions[0]!)).toEqual([
      {key: 'a', value: '1', line: 1},
      {key: 'b', value: '2', line: 1},
    ])
  })

  it('honours the escape parser directive', () => {
    const df = parseDockerfile('# escape=`\nFROM windows\nRUN dir c:\\ `\n  && echo ok\n')
    expect(df.escape).toBe('`')
    expect(df.instructions[1]).toMatchObject({keyword: 'RUN', args: 'dir c:\\   && echo ok', line: 3, endLine: 4})
  })

  it('reads flags and the JSON-array form', () => {
    const [copy, run, cmd] = parseDockerfile('COPY --chown=1:1 --from=build ["a b", "/exports/"]\nRUN ["sh", "-c", "echo hi"]\nCMD [not json]\n').instructions
    expect(copy).toMatchObject({flags: ['--chown=1:1', '--from=build'], json: ['a b', '/exports/']})
    expect(instructionFlag(copy!, 'from')).toBe('build')
    expect(instructionFlag(copy!, 'chmod')).toBeUndefined()
    expect(run!.json).toEqual(['sh', '-c', 'echo hi'])
    expect(cmd!.json).toBeUndefined()
    expect(cmd!.rest).toBe('[not json]')
  })

  it('never throws on garbage', () => {
    for (const t of ['', '\\', '\\\n\\\n', '   \n#', 'FROM', '\u0000\u0001 x', 'LABEL "unterminated']) expect(() => parseDockerfile(t)).not.toThrow()
  })
})

describe('labelsOf', () => {
  const labels = (text: string) => parseDockerfile(text).instructions.flatMap((i) => (i.keyword === 'LABEL' ? labelsOf(i) : []))

  it('reads quoted keys and values, single quotes and continuations (atomic test images)', () => {
    const text = 'LABEL "Name"="atomic-test-runonce"\\\n      "atomic.run"="once"\\\n      "atomic.type"="system"\nLABEL Name="x" \\\n      atomic.type=\'system\'\n'
    expect(labels(text)).toEqual([
      {key: 'Name', value: 'atomic-test-runonce', line: 1},
      {key: 'atomic.run', value: 'once', line: 1},
      {key: 'atomic.type', value: 'system', line: 1},
      {key: 'Name', value: 'x', line: 4},
      {key: 'atomic.type', value: 'system', line: 4},
    ])
  })

  it('reads the legacy `LABEL key value` form and escaped quotes', () => {
    expect(labels('LABEL RUN /usr/bin/docker run -d \\$OPT1 --name x\nLABEL say="a \\"quoted\\" word" k=v\\ w')).toEqual([
      {key: 'RUN', value: '/usr/bin/docker run -d $OPT1 --name x', line: 1},
      {key: 'say', value: 'a "quoted" word', line: 2},
      {key: 'k', value: 'v w', line: 2},
    ])
  })

  it.skipIf(!existsSync(CORPUS))('finds atomic.type / atomic.run in the corpus Dockerfiles exactly where grep does', () => {
    const cases = {
      'atomic-system-containers/buildah-fedora': {'atomic.run': 'once', 'atomic.type': 'system'},
      'atomic-system-containers/net-snmp': {'atomic.type': 'system'},
      'atomic-test-images/system-container-update-files': {'atomic.type': 'system'},
      'atomic-test-images/system-container-runonce-files': {'atomic.run': 'once', 'atomic.type': 'system'},
      'atomic-system-containers/etcd': {},
    }
    for (const [dir, want] of Object.entries(cases)) {
      const text = readFileSync(join(CORPUS, dir, 'Dockerfile'), 'utf8')
      const got = Object.fromEntries(labels(text).filter((l) => l.key.startsWith('atomic.')).map((l) => [l.key, l.value]))
      expect(got, dir).toEqual(want)
    }
    // net-snmp's description spans three lines inside quotes with continuations.
    const snmp = labels(readFileSync(join(CORPUS, 'atomic-system-containers/net-snmp/Dockerfile'), 'utf8'))
    expect(snmp.find((l) => l.key === 'description')?.value).toBe(
      'SNMP (Simple Network Management Protocol) is a protocol used for network management. The net-snmp container provides an easy means for monitoring Atomic Host.',
    )
  })

  it.skipIf(!hasPython)('removes quotes like a POSIX shell (oracle: Python shlex)', () => {
    const inputs = [`a="b c" 'd e' f`, `"x"="y z"`, `k='single "inner"' m="double 'inner'"`, `plain   spaced\twords`, `mixed"quo"'ted'`]
    const py = spawnSync('python3', ['-c', 'import json,shlex,sys; print(json.dumps([shlex.split(s, posix=True) for s in json.load(sys.stdin)]))'], {
      input: JSON.stringify(inputs),
      encoding: 'utf8',
    })
    expect(py.status, py.stderr).toBe(0)
    expect(inputs.map((s) => dockerWords(s))).toEqual(JSON.parse(py.stdout))
  })
})

describe('finalStage', () => {
  it('keeps the last stage and the stages it is built from', () => {
    const df = parseDockerfile('FROM golang AS build\nRUN make\nFROM alpine AS unrelated\nRUN x\nFROM build AS mid\nLABEL a=1\nFROM mid\nLABEL b=2\n')
    expect(finalStage(df).map((i) => `${i.keyword} ${i.rest}`)).toEqual(['FROM golang AS build', 'RUN make', 'FROM build AS mid', 'LABEL a=1', 'FROM mid', 'LABEL b=2'])
  })
  it('is the whole file for a single stage', () => {
    expect(finalStage(parseDockerfile('FROM a\nRUN b\n')).length).toBe(2)
  })
})

describe('shellCommands', () => {
  it('splits simple commands at && || ; | and parentheses, and keeps redirections apart', () => {
    expect(shellCommands(`(test -e /etc/x && cp /etc/x /exports/hostfs/etc) || true; sed -e "s/a b/c/" < in >/exports/hostfs/out 2>&1`)).toEqual([
      ['test', '-e', '/etc/x'],
      ['cp', '/etc/x', '/exports/hostfs/etc'],
      ['true'],
      ['sed', '-e', 's/a b/c/', '<', 'in', '>', '/exports/hostfs/out', '2>&', '1'],
    ])
  })
  it('drops reserved words that open a command', () => {
    expect(shellCommands('if test -e /opt; then mkdir -p /exports/hostfs/opt; fi')).toEqual([
      ['test', '-e', '/opt'],
      ['mkdir', '-p', '/exports/hostfs/opt'],
    ])
  })
})

describe('expandBraces', () => {
  const words = ['/exports/hostfs/etc/{sysconfig,snmp}', '/usr/bin/{kubectl,kubeadm}', 'a{b,c{d,e}}f', 'x{a,b}y{1,2}', 'no-braces', '{single}', 'a{,b}']
  it.skipIf(!hasBash)('matches bash brace expansion', () => {
    for (const w of words) {
      const r = spawnSync('bash', ['-c', `printf '%s\\n' ${w}`], {encoding: 'utf8'})
      expect(expandBraces(w).filter(Boolean), w).toEqual(r.stdout.split('\n').filter(Boolean))
    }
  })
})
