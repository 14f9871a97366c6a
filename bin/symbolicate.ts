/**
 * Maps the stack frames of a deployed Lambda (`at fn (/var/task/index.js:1:23456)`, as the logs carry them:
 * the functions run without --enable-source-maps, which cost every cold start) to TypeScript lines, offline,
 * with the source map shipped in the same asset (cdk.out/asset.<hash>/index.js.map, or the deployed zip).
 *
 *   npm run symbolicate -- cdk.out/asset.<hash>/index.js.map < frames.txt
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';

/** `(file:line:column)` or a bare `file:line:column` at the end of a frame. */
const FRAME_POSITION = /\(?([^\s()]+):(\d+):(\d+)\)?$/;

/** Each frame of `stack` with its bundle position replaced by the original `source:line:column`. */
export function symbolicate(stack: string, sourceMap: SourceMapPayload): string {
  const map = new SourceMap(sourceMap);
  return stack
    .split('\n')
    .map((line) => {
      const match = FRAME_POSITION.exec(line.trimEnd());
      if (match === null) return line;
      const entry = map.findEntry(Number(match[2]) - 1, Number(match[3]) - 1);
      if (!('originalSource' in entry)) return line;
      const original = `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
      const position = match[0].startsWith('(') ? `(${original})` : original;
      return line.trimEnd().slice(0, line.trimEnd().length - match[0].length) + position;
    })
    .join('\n');
}

if (require.main === module) {
  const mapFile = process.argv[2];
  if (mapFile === undefined) {
    process.stderr.write('usage: npm run symbolicate -- <index.js.map> < frames.txt\n');
    process.exit(2);
  }
  const sourceMap = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload;
  process.stdout.write(`${symbolicate(readFileSync(0, 'utf8'), sourceMap)}\n`);
}
