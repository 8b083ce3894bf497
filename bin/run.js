#!/usr/bin/env node
import {fileURLToPath} from 'node:url'
import {Config, flush, handle, run} from '@oclif/core'
import {commandsFingerprint, manifestIsCurrent, saveManifest} from './manifest.js'

// What oclif's execute() does, plus keeping oclif.manifest.json current (see manifest.js).
try {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const fingerprint = commandsFingerprint(root)
  const current = manifestIsCurrent(root, fingerprint)
  const config = await Config.load(import.meta.url)
  if (!current) saveManifest(config, root, fingerprint)
  await run(process.argv.slice(2), config)
  flush()
} catch (error) {
  await handle(error)
}
