/** Run the compiled CLI without blocking the event loop (in-process token servers must keep answering), with stdin. */
import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {ROOT, type CliResult} from '../commands/run-cli.js'

export function runCliAsync(args: readonly string[], opts: {input?: string; env?: Record<string, string | undefined>} = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [join(ROOT, 'bin', 'run.js'), ...args], {cwd: ROOT, env: {...process.env, ...opts.env}, stdio: ['pipe', 'pipe', 'pipe']})
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', (status) => resolve({status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8')}))
    child.stdin.end(opts.input ?? '')
  })
}
