import {describe, expect, it} from 'vitest'
import {renderTemplate, scanTemplate, templateVariables, tryRenderTemplate} from '../../src/exports/template.js'
import {isSysbuildError} from '../../src/core/errors.js'

const err = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    if (isSysbuildError(e)) return e
    throw e
  }
  throw new Error('expected an error')
}

describe('template', () => {
  it('renders $NAME, ${NAME} and $$', () => {
    expect(renderTemplate('a $X ${Y}z $$X', {X: '1', Y: '2'}, 't')).toBe('a 1 2z $X')
  })
  it('is greedy: $NAMEctl is one variable', () => {
    expect(templateVariables('$NAMEctl ${NAME}ctl').map((v) => v.name)).toEqual(['NAMEctl', 'NAME'])
  })
  it('inserts values literally (single pass)', () => {
    expect(renderTemplate('$A', {A: '$B'}, 't')).toBe('$B')
  })
  it.each(['$1', '$ ', '${A:-b}', '${ NAME}', '${NAME', 'end $', '$-'])('refuses %j as an invalid placeholder', (t) => {
    expect(err(() => renderTemplate(t, {A: 'x', NAME: 'n'}, 'f')).code).toBe('SYSBUILD_EXPORTS_TEMPLATE_INVALID_PLACEHOLDER')
  })
  it('names every unknown variable with positions', () => {
    const e = err(() => renderTemplate('x\n  $A $B\n$A', {}, 'service.template'))
    expect(e.code).toBe('SYSBUILD_EXPORTS_TEMPLATE_UNKNOWN_VAR')
    expect(e.message).toBe("The template file 'service.template' still contains an unreplaced value for: 'A' (2:3, 3:1), 'B' (2:6)")
    expect(e.hint).toMatchObject({file: 'service.template', line: 2, column: 3})
  })
  it('reports 1-based line and column of invalid placeholders', () => {
    const r = tryRenderTemplate('ok\nab $1', {})
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems[0]).toMatchObject({kind: 'invalid-placeholder', line: 2, column: 4, text: '$1'})
  })
  it('does not treat escapes as variables', () => {
    expect(scanTemplate('$$NAME').map((t) => t.kind)).toEqual(['escape', 'text'])
  })
  it('is case-sensitive and ASCII-only', () => {
    expect(templateVariables('$name $NAME $é').map((v) => v.name)).toEqual(['name', 'NAME'])
  })
})
