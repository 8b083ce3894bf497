/** JSON parsing that reports where a document is broken, as 1-based line and column. */

export type JsonParse = {readonly ok: true; readonly value: unknown} | {readonly ok: false; readonly line: number; readonly column: number; readonly message: string}

export function parseJsonText(text: string): JsonParse {
  try {
    return {ok: true, value: JSON.parse(text)}
  } catch (e) {
    const msg = (e as Error).message
    const m = /at position (\d+)/.exec(msg)
    const offset = m ? Number(m[1]) : text.length
    const {line, column} = offsetToLineColumn(text, offset)
    return {ok: false, line, column, message: msg.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'Unexpected end of JSON input')}
  }
}

export function offsetToLineColumn(text: string, offset: number): {line: number; column: number} {
  let line = 1
  let lineStart = 0
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return {line, column: end - lineStart + 1}
}
