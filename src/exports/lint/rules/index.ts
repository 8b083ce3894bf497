/**
 * The rule table. Every rule lives in its own file in this directory, has fixtures in
 * test/fixtures/lint/<rule-id>/{bad,good}/ and a line in docs/lint-rules.md (generated).
 * Keep the list sorted by id.
 */
import type {Rule} from '../types.js'
import {exportsNotSystemContainer} from './exports-not-system-container.js'
import {exportsUnreadableFile} from './exports-unreadable-file.js'

export const RULES: readonly Rule[] = [
  exportsNotSystemContainer,
  exportsUnreadableFile,
]
