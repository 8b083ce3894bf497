/**
 * The rule table. Every rule lives in its own file in this directory, has fixtures in
 * test/fixtures/lint/<rule-id>/{bad,good}/ and a line in docs/lint-rules.md (generated).
 * Keep the list sorted by id.
 */
import type {Rule} from '../types.js'
import {configFragmentRender} from './config-fragment-render.js'
import {configHardcodedStateDir} from './config-hardcoded-state-dir.js'
import {configInvalidJson} from './config-invalid-json.js'
import {configLegacyIgnoredFields} from './config-legacy-ignored-fields.js'
import {configLegacyLinuxCapabilities} from './config-legacy-linux-capabilities.js'
import {configLegacyOciVersion} from './config-legacy-oci-version.js'
import {configLegacyPlatform} from './config-legacy-platform.js'
import {configLegacyProcessCapabilitiesList} from './config-legacy-process-capabilities-list.js'
import {configLegacySelinuxProcessLabel} from './config-legacy-selinux-process-label.js'
import {configMissingArgs} from './config-missing-args.js'
import {configMissingTemplate} from './config-missing-template.js'
import {configPlainConfigJson} from './config-plain-config-json.js'
import {configRbindMount} from './config-rbind-mount.js'
import {configReadonlyRoot} from './config-readonly-root.js'
import {configRelativeCwd} from './config-relative-cwd.js'
import {configRootPath} from './config-root-path.js'
import {configSchema} from './config-schema.js'
import {configTerminal} from './config-terminal.js'
import {dockerfileAddExports} from './dockerfile-add-exports.js'
import {dockerfileExportDir} from './dockerfile-export-dir.js'
import {dockerfileExportsNotCopied} from './dockerfile-exports-not-copied.js'
import {dockerfileExportsTrailingSlash} from './dockerfile-exports-trailing-slash.js'
import {dockerfileMaintainer} from './dockerfile-maintainer.js'
import {dockerfileMissingSystemLabel} from './dockerfile-missing-system-label.js'
import {dockerfileYumNodocs} from './dockerfile-yum-nodocs.js'
import {exportsNotSystemContainer} from './exports-not-system-container.js'
import {exportsUnreadableFile} from './exports-unreadable-file.js'
import {hostfsDanglingSymlink} from './hostfs-dangling-symlink.js'
import {hostfsRenameSourceMissing} from './hostfs-rename-source-missing.js'
import {hostfsTemplateMissing} from './hostfs-template-missing.js'
import {manifestForcedDefault} from './manifest-forced-default.js'
import {manifestHostDefaultIgnored} from './manifest-host-default-ignored.js'
import {manifestInvalidJson} from './manifest-invalid-json.js'
import {manifestMissingVersion} from './manifest-missing-version.js'
import {manifestSchema} from './manifest-schema.js'
import {manifestUnknownKey} from './manifest-unknown-key.js'
import {manifestUnusedDefault} from './manifest-unused-default.js'
import {manifestValueType} from './manifest-value-type.js'
import {templateInvalidPlaceholder} from './template-invalid-placeholder.js'
import {templateSetForced} from './template-set-forced.js'
import {templateUnknownVariable} from './template-unknown-variable.js'
import {tmpfilesDeepCheck} from './tmpfiles-deep-check.js'
import {tmpfilesParseError} from './tmpfiles-parse-error.js'
import {tmpfilesRelativePath} from './tmpfiles-relative-path.js'
import {unitBracedPidfile} from './unit-braced-pidfile.js'
import {unitDeepVerify} from './unit-deep-verify.js'
import {unitDeprecatedKey} from './unit-deprecated-key.js'
import {unitExecStartNotRuntime} from './unit-exec-start-not-runtime.js'
import {unitInvalidValue} from './unit-invalid-value.js'
import {unitMissingExecStart} from './unit-missing-exec-start.js'
import {unitParseError} from './unit-parse-error.js'
import {unitStartMode} from './unit-start-mode.js'
import {unitUnknownKey} from './unit-unknown-key.js'
import {unitUnknownSection} from './unit-unknown-section.js'

export const RULES: readonly Rule[] = [
  configFragmentRender,
  configHardcodedStateDir,
  configInvalidJson,
  configLegacyIgnoredFields,
  configLegacyLinuxCapabilities,
  configLegacyOciVersion,
  configLegacyPlatform,
  configLegacyProcessCapabilitiesList,
  configLegacySelinuxProcessLabel,
  configMissingArgs,
  configMissingTemplate,
  configPlainConfigJson,
  configRbindMount,
  configReadonlyRoot,
  configRelativeCwd,
  configRootPath,
  configSchema,
  configTerminal,
  dockerfileAddExports,
  dockerfileExportDir,
  dockerfileExportsNotCopied,
  dockerfileExportsTrailingSlash,
  dockerfileMaintainer,
  dockerfileMissingSystemLabel,
  dockerfileYumNodocs,
  exportsNotSystemContainer,
  exportsUnreadableFile,
  hostfsDanglingSymlink,
  hostfsRenameSourceMissing,
  hostfsTemplateMissing,
  manifestForcedDefault,
  manifestHostDefaultIgnored,
  manifestInvalidJson,
  manifestMissingVersion,
  manifestSchema,
  manifestUnknownKey,
  manifestUnusedDefault,
  manifestValueType,
  templateInvalidPlaceholder,
  templateSetForced,
  templateUnknownVariable,
  tmpfilesDeepCheck,
  tmpfilesParseError,
  tmpfilesRelativePath,
  unitBracedPidfile,
  unitDeepVerify,
  unitDeprecatedKey,
  unitExecStartNotRuntime,
  unitInvalidValue,
  unitMissingExecStart,
  unitParseError,
  unitStartMode,
  unitUnknownKey,
  unitUnknownSection,
]
