/**
 * The local server's data directory is private to its owner: it holds DynamoDB Local's database (every
 * tenant's users) and the dev tokens. The directory and its subdirectories are 0700, its files 0600; a data
 * directory made by an older version (0755/0644) is tightened on start. DynamoDB Local's own directory is
 * made private where it is started (lambdas/store/dynamodb-local.ts).
 */
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export async function makeDataDirPrivate(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dataDir, PRIVATE_DIR_MODE);
  for (const entry of await readdir(dataDir, { withFileTypes: true })) {
    if (entry.isDirectory()) await chmod(join(dataDir, entry.name), PRIVATE_DIR_MODE);
    else if (entry.isFile()) await chmod(join(dataDir, entry.name), PRIVATE_FILE_MODE);
  }
}
