/**
 * `npm run screenshots`: docs/screenshots/setup-<state>.png, one per state of the setup page, taken on the
 * browser test's own walk (driver.ts) with `npm start` and the DynamoDB Local it starts. Needs
 * /usr/bin/chromium (Debian's package).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { REPO_ROOT, walkSetupPage } from './driver';

const OUTPUT_DIR = join(REPO_ROOT, 'docs', 'screenshots');

async function main(): Promise<void> {
  await mkdir(OUTPUT_DIR, { recursive: true });
  const written: string[] = [];
  await walkSetupPage(
    { demoTenantId: 'demo', tenantId: 'acme', companyName: 'Acme Corp' },
    {
      async onState(state, page, focus) {
        const file = join(OUTPUT_DIR, `setup-${state}.png`);
        await (focus ?? page).screenshot({ path: file, animations: 'disabled' });
        written.push(file);
      },
    },
  );
  for (const file of written) process.stdout.write(`wrote ${file}\n`);
}

main().catch((error: unknown) => {
  console.error('Screenshots failed:', error instanceof Error ? error.message : String(error));
  process.exit(1);
});
