import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {ERROR_CODES, isDirectory} from '../src/core/index.js'
import {formatLintReport, lintPaths, LINT_FORMATS, parseSetValues, ruleCatalog, type LintReport, type RuleInfo} from '../src/exports/index.js'

export default class Lint extends BaseCommand {
  static override summary = 'Check the /exports files of system-container projects and images.'

  static override description = `Each PATH is a sysbuild project (with sysbuild.toml), an exports directory, or a directory holding exports/ (the layout of projectatomic/atomic-system-containers). Templates are rendered with sample host values, the manifest defaults and --set values before their JSON and units are checked.

An argument that is not a directory is read as an image: a name in the local store (NAME[:TAG]), oci:DIR[:REF], oci-archive:FILE[:REF], docker-archive:FILE[:NAME:TAG] or docker-daemon:NAME[:TAG]. Its /exports (whiteouts applied across layers) is linted with the image's labels; findings name IMAGE:/exports/FILE.

Exit status: 0 when there are no errors (warnings and infos do not count unless --strict), 3 when there are errors, 2 for usage errors (such as a PATH that is not a project).`

  static override examples = [
    {description: 'Lint the project in the current directory', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Treat warnings as errors, as CI should', command: '<%= config.bin %> <%= command.id %> --strict examples/hello-world'},
    {description: 'Lint the exports inside a built image', command: '<%= config.bin %> <%= command.id %> hello-world:latest'},
    {description: 'Lint an image in a docker-archive', command: '<%= config.bin %> <%= command.id %> docker-archive:hello.tar'},
    {description: 'Give a value to a variable that has no default', command: '<%= config.bin %> <%= command.id %> --set ETCD_PORT=2379 etcd'},
    {description: 'Annotations for a GitHub Actions job', command: '<%= config.bin %> <%= command.id %> --format github .'},
    {description: 'SARIF for code scanning', command: '<%= config.bin %> <%= command.id %> --format sarif . > lint.sarif'},
  ]

  static override strict = false

  static override args = {
    path: Args.string({description: 'Directories or images to lint (default: the current directory); several may be given.'}),
  }

  static override flags = {
    format: Flags.option({options: LINT_FORMATS, default: 'text' as const, description: 'Output format (json: the report as --json prints it).'})(),
    strict: Flags.boolean({description: 'Count warnings as errors.'}),
    set: Flags.string({multiple: true, description: 'NAME=VALUE: a value for a template variable, as at install time (repeatable).'}),
    deep: Flags.boolean({description: 'Also run external checkers (systemd-analyze verify, systemd-tmpfiles) when installed.'}),
    rules: Flags.boolean({description: 'List the rules (id, severity, description) and exit.'}),
  }

  async run(): Promise<LintReport | {rules: RuleInfo[]}> {
    const {argv, flags} = await this.parse(Lint)
    if (flags.rules) {
      const rules = ruleCatalog()
      for (const r of rules) this.say(`${r.id.padEnd(40)} ${r.severity.padEnd(8)} ${r.description}`)
      return {rules}
    }
    const paths = argv.length ? (argv as string[]) : ['.']
    const opts = {strict: flags.strict, set: parseSetValues(flags.set ?? []), deep: flags.deep, root: flags.root}
    // Directories need only the exports domain. Anything else may be an image: the engine reads those, and is
    // loaded only then (it adds a few hundred milliseconds of start-up).
    const report = paths.every((p) => isDirectory(p))
      ? await lintPaths(paths, opts)
      : await (await import('../src/engine/index.js')).lintTargets(paths, opts)
    if (report.errors > 0) process.exitCode = ERROR_CODES.SYSBUILD_LINT_FOUND_ERRORS.exit
    if (this.jsonEnabled()) return report
    const out = formatLintReport(report, flags.format, {
      color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
      toolVersion: this.config.version,
    })
    if (out) process.stdout.write(out)
    return report
  }
}
