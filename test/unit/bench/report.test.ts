/**
 * docs/benchmarks.md as `npm run bench` writes it: sections with the date and machine of their run, one
 * bench's run replacing only its own sections, tables that survive any cell text, Prettier-clean output.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';

import {
  CollectingReporter,
  describeMachine,
  markdownTable,
  updateBenchmarksDocument,
} from '../../bench/report';
import type { BenchSection, RunContext } from '../../bench/report';

/**
 * Prettier with the repository's configuration, as index.ts applies it to docs/benchmarks.md. In a child
 * process: Prettier 3 loads its parsers with a dynamic import, which jest's VM does not allow.
 */
const prettierFormat = (text: string): string =>
  execFileSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--stdin-filepath', 'docs/benchmarks.md'],
    {
      input: text,
      encoding: 'utf8',
    },
  );

const monday: RunContext = {
  date: '2026-12-07',
  machine: 'Linux x64, 2 x CPU',
  command: 'npm run bench -- store',
};
const friday: RunContext = {
  date: '2026-12-11',
  machine: 'Linux arm64, 8 x M',
  command: 'npm run bench -- patch',
};

const store = (rounds: string): BenchSection => ({
  id: 'store',
  title: 'Store',
  blocks: ['Rounds per operation.', markdownTable(['Operation', 'rounds'], [['GET user by id', rounds]])],
});
const patch: BenchSection = { id: 'patch', title: 'PATCH', blocks: ['ratio 2.00x'] };

describe('updateBenchmarksDocument', () => {
  it('writes a new document: the header, then each section with its date, machine and command', () => {
    const document = updateBenchmarksDocument(undefined, [store('1')], monday);
    expect(document).toMatch(/^# Benchmarks\n\nWritten by `npm run bench`/);
    expect(document).toContain(
      [
        '<!-- bench:store -->',
        '## Store',
        'Measured 2026-12-07 on Linux x64, 2 x CPU (`npm run bench -- store`).',
        'Rounds per operation.',
        '| Operation | rounds |\n| --- | --- |\n| GET user by id | 1 |',
        '<!-- /bench:store -->',
      ].join('\n\n'),
    );
  });

  it("replaces only the sections of the bench that ran, keeping the others' figures and dates", () => {
    const first = updateBenchmarksDocument(undefined, [store('1'), patch], monday);
    const second = updateBenchmarksDocument(first, [store('2')], friday);

    expect(second).toContain('| GET user by id | 2 |');
    expect(second).not.toContain('| GET user by id | 1 |');
    expect(second).toContain('Measured 2026-12-11 on Linux arm64, 8 x M');
    // The patch section is byte for byte what the first run wrote, and stays after store.
    const patchSection = /<!-- bench:patch -->[\s\S]*<!-- \/bench:patch -->/.exec(first)?.[0];
    expect(patchSection).toContain('Measured 2026-12-07');
    expect(second).toContain(patchSection);
    expect(second.indexOf('bench:store')).toBeLessThan(second.indexOf('bench:patch'));
  });

  it('appends a section the document does not have yet', () => {
    const first = updateBenchmarksDocument(undefined, [patch], monday);
    const second = updateBenchmarksDocument(first, [store('3')], friday);
    expect(second.indexOf('<!-- bench:patch -->')).toBeLessThan(second.indexOf('<!-- bench:store -->'));
    expect(second.match(/<!-- bench:/g)).toHaveLength(2);
  });

  it('reads back a document that Prettier has reformatted (padded tables, rewrapped text)', () => {
    const formatted = prettierFormat(updateBenchmarksDocument(undefined, [store('1'), patch], monday));
    expect(formatted).toContain('| GET user by id | 1      |');
    const updated = updateBenchmarksDocument(formatted, [store('4')], friday);
    expect(updated.match(/<!-- bench:store -->/g)).toHaveLength(1);
    expect(updated).toContain('| GET user by id | 4 |');
    expect(updated).toContain('ratio 2.00x');
  });

  it('stays Prettier-clean after an update, so `npm run format:check` passes on the written file', () => {
    const first = prettierFormat(updateBenchmarksDocument(undefined, [store('1'), patch], monday));
    const second = prettierFormat(updateBenchmarksDocument(first, [store('5')], friday));
    expect(prettierFormat(second)).toBe(second);
  });
});

describe('markdownTable', () => {
  it('escapes pipes and line breaks in cells, so a filter with `|` stays in its column', () => {
    expect(markdownTable(['a', 'b'], [['x | y', 'line\nbreak']])).toBe(
      '| a | b |\n| --- | --- |\n| x \\| y | line break |',
    );
  });
});

describe('CollectingReporter', () => {
  it('puts text and tables into the section started last, and prints them as they come', () => {
    const printed: string[] = [];
    const reporter = new CollectingReporter({ id: 'http', title: 'http' }, (text) => printed.push(text));
    reporter.section('http-bundles', 'Bundles');
    reporter.text('bytes');
    reporter.section('http-throughput', 'Throughput');
    reporter.table(['req/s'], [['600']]);

    expect(reporter.sections).toEqual([
      { id: 'http-bundles', title: 'Bundles', blocks: ['bytes'] },
      { id: 'http-throughput', title: 'Throughput', blocks: ['| req/s |\n| --- |\n| 600 |'] },
    ]);
    expect(printed.join('')).toContain('## Throughput');
  });

  it("reports into the bench's default section when the bench starts none", () => {
    const reporter = new CollectingReporter({ id: 'filter', title: 'filter' }, () => undefined);
    reporter.text('ops');
    expect(reporter.sections).toEqual([{ id: 'filter', title: 'filter', blocks: ['ops'] }]);
  });
});

describe('describeMachine', () => {
  it('names the OS, the processors, the memory and the Node version', () => {
    expect(describeMachine()).toMatch(
      new RegExp(`^\\S+ \\S+, \\d+ x .+, \\d+ GiB, Node ${process.version}$`),
    );
  });
});
