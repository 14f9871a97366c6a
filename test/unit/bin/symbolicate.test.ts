/**
 * The deployed functions run without --enable-source-maps (it cost every cold start); their logged stack
 * frames name bundle positions. symbolicate must map them back to TypeScript lines with the asset's map,
 * bundled as the stack bundles (minified CommonJS, external map without sources content).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { SourceMapPayload } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

import { symbolicate } from '../../../bin/symbolicate';

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'symbolicate-'));
  await build({
    entryPoints: [path.join(__dirname, 'fixtures/throws.ts')],
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile: path.join(dir, 'index.js'),
    logLevel: 'silent',
  });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('symbolicate', () => {
  it('maps the frames of a minified bundle run without source maps to the TypeScript lines', () => {
    const stack = execFileSync(
      process.execPath,
      ['-e', "try { require('./index.js').handler('x') } catch (e) { process.stdout.write(e.stack) }"],
      { cwd: dir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' },
    );
    // As the logs carry it: bundle positions only.
    expect(stack).toMatch(/index\.js:1:\d+/);
    expect(stack).not.toContain('throws.ts');
    const map = JSON.parse(fs.readFileSync(path.join(dir, 'index.js.map'), 'utf8')) as SourceMapPayload;
    const frames = symbolicate(stack, map).split('\n');
    expect(frames[0]).toBe('Error: not a number');
    expect(frames[1]).toMatch(/^\s+at \S+ \(.*fixtures\/throws\.ts:4:\d+\)$/);
    expect(frames[2]).toMatch(/fixtures\/throws\.ts:8:\d+\)$/);
  });

  it('leaves lines that are no frame, or name no mapped position, as they are', () => {
    const map: SourceMapPayload = {
      file: 'index.js',
      version: 3,
      sources: [],
      sourcesContent: [],
      names: [],
      mappings: '',
      sourceRoot: '',
    };
    const text = 'Error: boom\n    at node:internal/main:1:2\nplain text';
    expect(symbolicate(text, map)).toBe(text);
  });
});
