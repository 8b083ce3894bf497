/**
 * How the engine tells the user what it does. Libraries never print: commands pass a
 * reporter (their `say`), tests collect the lines. atomic printed each systemctl and
 * systemd-tmpfiles command line before running it; sysbuild does the same through `line`.
 */
export interface Reporter {
  /** A line of normal output (stdout in the CLI). */
  line(text: string): void
  /** A warning (stderr in the CLI, prefixed by the command). */
  warn(text: string): void
}

export const silentReporter: Reporter = {line: () => {}, warn: () => {}}

/** A reporter that records everything, for tests and for --json results. */
export function recordingReporter(): Reporter & {readonly lines: string[]; readonly warnings: string[]} {
  const lines: string[] = []
  const warnings: string[] = []
  return {lines, warnings, line: (t) => void lines.push(t), warn: (t) => void warnings.push(t)}
}
