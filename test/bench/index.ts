/**
 * `npm run bench`: runs every `*.bench.ts` beside this file in turn. Each exports `run(): Promise<void>`
 * and prints its own table. Figures are ratios and counts from one run, since machines are shared.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

interface BenchModule {
  run: () => Promise<void>;
}

const only = process.argv.slice(2);

const main = async (): Promise<void> => {
  const files = readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.ts'))
    .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
    .sort();
  for (const file of files) {
    console.log(`\n## ${file.replace('.bench.ts', '')}\n`);
    const module = (await import(join(__dirname, file))) as BenchModule;
    await module.run();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
