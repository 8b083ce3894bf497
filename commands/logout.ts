import {Args} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {logoutRegistry} from '../src/registry/index.js'

export default class Logout extends BaseCommand {
  static override summary = 'Log out of a registry: remove its credentials from docker\'s config.json (and credential helper).'

  static override examples = [{description: 'Forget the credentials of a local registry', command: '<%= config.bin %> <%= command.id %> localhost:5000'}]

  static override args = {
    registry: Args.string({required: true, description: 'Registry host[:port].'}),
  }

  async run(): Promise<{registry: string; removed: boolean}> {
    const {args} = await this.parse(Logout)
    const result = await logoutRegistry(args.registry)
    this.say(result.removed ? `Removed login credentials for ${result.registry}` : `Not logged in to ${result.registry}`)
    return result
  }
}
