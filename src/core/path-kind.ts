/** What a path names on this host, without following it into errors. */
import {lstatSync, statSync} from 'node:fs'

/** Whether `path` is an existing directory (symlinks followed). */
export const isDirectory = (path: string): boolean => statSync(path, {throwIfNoEntry: false})?.isDirectory() ?? false

/** Whether anything (even a dangling symlink) exists at `path`; symlinks are not followed. */
export const pathExists = (path: string): boolean => lstatSync(path, {throwIfNoEntry: false}) !== undefined
