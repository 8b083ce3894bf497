#!/usr/bin/env node
// Write oclif.manifest.json for the compiled commands (npm run build and prepare run this after tsc).
import {fileURLToPath} from 'node:url'
import {Config} from '@oclif/core'
import {commandsFingerprint, manifestIsCurrent, saveManifest} from '../bin/manifest.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const fingerprint = commandsFingerprint(root)
if (!manifestIsCurrent(root, fingerprint)) saveManifest(await Config.load(root), root, fingerprint, true)
