/**
 * docs/benchmarks.md is written by `npm run bench` from the figures of its run, never by hand. Each bench
 * reports into sections (a title, paragraphs, tables); each section is stored between markers with the
 * date and machine of the run that measured it, so running one bench replaces only its own sections and
 * keeps the others as they were.
 */
import { arch, cpus, totalmem, type } from 'node:os';

export interface BenchSection {
  /** Stable id, e.g. `store` or `http-bundles`: the section's markers in the document. */
  readonly id: string;
  readonly title: string;
  /** Markdown paragraphs and tables, in order. */
  readonly blocks: readonly string[];
}

export interface RunContext {
  /** ISO date of the run, `YYYY-MM-DD`. */
  readonly date: string;
  readonly machine: string;
  /** The command that measures the section again. */
  readonly command: string;
}

/** What a bench reports into: it prints as it goes and is written to docs/benchmarks.md afterwards. */
export interface BenchReporter {
  /** Starts a section; text and tables that follow go into it. */
  section(id: string, title: string): void;
  text(paragraph: string): void;
  table(header: readonly string[], rows: readonly (readonly string[])[]): void;
}

const HEADER = `# Benchmarks

Written by \`npm run bench\` (test/bench/index.ts) from the figures of its last run: do not edit by hand.
\`npm run bench -- <name>\` (\`filter\`, \`patch\`, \`store\`, \`http\`, \`events\`) runs one bench and
rewrites only its sections; each section names the date and machine of the run that measured it. Machines
here are shared and noisy, so the figures that matter are ratios and counts measured in one run. Why the
figures are what they are: [design.md](design.md).
`;

const escapeCell = (cell: string): string => cell.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `Linux x64, 2 x Intel(R) Xeon(R) ..., 8 GiB, Node v20.20.2` */
export function describeMachine(): string {
  const processors = cpus();
  const model = processors[0]?.model.trim() ?? 'unknown CPU';
  const memory = `${Math.round(totalmem() / 2 ** 30)} GiB`;
  return `${type()} ${arch()}, ${processors.length} x ${model}, ${memory}, Node ${process.version}`;
}

const startMarker = (id: string) => `<!-- bench:${id} -->`;
const endMarker = (id: string) => `<!-- /bench:${id} -->`;

export function renderSection(section: BenchSection, context: RunContext): string {
  return [
    startMarker(section.id),
    `## ${section.title}`,
    `Measured ${context.date} on ${context.machine} (\`${context.command}\`).`,
    ...section.blocks,
    endMarker(section.id),
  ].join('\n\n');
}

const SECTION = /<!-- bench:([a-z0-9-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g;

/**
 * The document with `sections` rendered in place of their previous versions (by id), new ones appended
 * in the order given, and every other section kept exactly as it was. `existing` undefined: a new document.
 */
export function updateBenchmarksDocument(
  existing: string | undefined,
  sections: readonly BenchSection[],
  context: RunContext,
): string {
  const kept = new Map<string, string>();
  for (const match of (existing ?? '').matchAll(SECTION)) kept.set(match[1] ?? '', match[0]);
  const order = [...kept.keys()];
  for (const section of sections) {
    kept.set(section.id, renderSection(section, context));
    if (!order.includes(section.id)) order.push(section.id);
  }
  return `${HEADER}\n${order.map((id) => kept.get(id)).join('\n\n')}\n`;
}

/** Collects what one bench reports, printing it as it comes. */
export class CollectingReporter implements BenchReporter {
  readonly #sections: { id: string; title: string; blocks: string[] }[] = [];

  constructor(
    private readonly defaultSection: { readonly id: string; readonly title: string },
    private readonly print: (text: string) => void,
  ) {}

  section(id: string, title: string): void {
    this.#start(id, title);
  }

  text(paragraph: string): void {
    this.#current().blocks.push(paragraph);
    this.print(`${paragraph}\n`);
  }

  table(header: readonly string[], rows: readonly (readonly string[])[]): void {
    const table = markdownTable(header, rows);
    this.#current().blocks.push(table);
    this.print(`${table}\n`);
  }

  get sections(): readonly BenchSection[] {
    return this.#sections;
  }

  #start(id: string, title: string): { blocks: string[] } {
    const section = { id, title, blocks: [] };
    this.#sections.push(section);
    this.print(`\n## ${title}\n`);
    return section;
  }

  /** The section being reported into; the bench's default one if it started none. */
  #current(): { blocks: string[] } {
    return this.#sections.at(-1) ?? this.#start(this.defaultSection.id, this.defaultSection.title);
  }
}
