/** What a path names on this host, without following it into errors. */
import {statSync} from 'node:fs'

/** Whether `path` is an existing directory (symlinks followed). */
export const isDirectory = (path: string): boolean => statSync(path, {throwIfNoEntry: false})?.isDirectory() ?? false
