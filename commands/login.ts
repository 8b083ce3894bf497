import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {connectionFlags, readStdin} from './_shared/registry-flags.js'
import {SysbuildError} from '../src/core/index.js'
import {loginRegistry, type LoginResult} from '../src/registry/index.js'

export default class Login extends BaseCommand {
  static override summary = 'Log in to a registry: check the credentials and store them in docker\'s config.json.'

  static override description = `The credentials are checked against REGISTRY first (through its token server when it has one) and only then stored: in the credential helper config.json names (credHelpers/credsStore), else in config.json itself (mode 0600) — $DOCKER_CONFIG/config.json or ~/.docker/config.json, the file docker, podman and skopeo read. When the token server hands out a refresh token, that is stored instead of the password.

Exit status: 0 logged in, 4 credentials refused, 1 other failures.`

  static override examples = [
    {description: 'Log in with the password on standard input', command: 'echo "$PASSWORD" | <%= config.bin %> <%= command.id %> quay.io -u me --password-stdin'},
    {description: 'A local registry', command: '<%= config.bin %> <%= command.id %> localhost:5000 -u alice -p s3cret'},
  ]

  static override args = {
    registry: Args.string({required: true, description: 'Registry host[:port] (docker.io for Docker Hub).'}),
  }

  static override flags = {
    username: Flags.string({char: 'u', required: true, description: 'User name.'}),
    password: Flags.string({char: 'p', description: 'Password (prefer --password-stdin: arguments are visible to other users).', exclusive: ['password-stdin']}),
    'password-stdin': Flags.boolean({description: 'Read the password from standard input.'}),
    ...connectionFlags,
  }

  async run(): Promise<LoginResult> {
    const {args, flags} = await this.parse(Login)
    const password = flags['password-stdin'] ? (await readStdin()).replace(/\r?\n$/, '') : flags.password
    if (password === undefined || password === '') {
      throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', 'a password is required: pass --password-stdin (or -p)')
    }
    const result = await loginRegistry(args.registry, {username: flags.username, password}, {
      ...(flags['plain-http'] !== undefined ? {plainHttp: flags['plain-http']} : {}),
      tlsVerify: flags['tls-verify'] !== 'false',
    })
    this.say('Login Succeeded')
    return result
  }
}
