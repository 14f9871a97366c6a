/**
 * `npm run bench [-- <name>...]`: runs every `*.bench.ts` beside this file in turn (or those whose name
 * contains one of the arguments). Each exports `run(report)`, prints as it reports, and its sections are
 * written to docs/benchmarks.md as soon as it finishes, with the date and the machine (test/bench/report.ts).
 * Figures are ratios and counts from one run, since machines are shared.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { format, resolveConfig } from 'prettier';

import type { BenchReporter, RunContext } from './report';
import { CollectingReporter, describeMachine, updateBenchmarksDocument } from './report';

interface BenchModule {
  run: (report: BenchReporter) => Promise<void>;
}

const DOCUMENT = join(__dirname, '..', '..', 'docs', 'benchmarks.md');

const only = process.argv.slice(2);

const writeSections = async (reporter: CollectingReporter, context: RunContext): Promise<void> => {
  const existing = existsSync(DOCUMENT) ? await readFile(DOCUMENT, 'utf8') : undefined;
  const text = updateBenchmarksDocument(existing, reporter.sections, context);
  const options = (await resolveConfig(DOCUMENT)) ?? {};
  await writeFile(DOCUMENT, await format(text, { ...options, parser: 'markdown' }));
  console.log(
    `\nWrote ${reporter.sections.map((section) => section.id).join(', ')} to ${relative(process.cwd(), DOCUMENT)}`,
  );
};

const main = async (): Promise<void> => {
  const files = readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.ts'))
    .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
    .sort();
  if (files.length === 0) throw new Error(`No bench matches ${only.join(', ')}.`);
  const machine = describeMachine();
  for (const file of files) {
    const name = file.replace('.bench.ts', '');
    const reporter = new CollectingReporter({ id: name, title: name }, (text) => console.log(text));
    const module = (await import(join(__dirname, file))) as BenchModule;
    await module.run(reporter);
    const date = new Date().toISOString().slice(0, 10);
    await writeSections(reporter, { date, machine, command: `npm run bench -- ${name}` });
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
