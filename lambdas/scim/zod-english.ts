/**
 * zod/mini (tree-shakable, unlike classic zod) has no messages of its own: every default one reads
 * "Invalid input". These parse options give zod's English messages, word for word those classic zod
 * gave, to one parse call. Passed per parse rather than installed with z.config, so nothing else in the
 * process changes; `zod/locales` rather than `z.locales` so the bundle holds English only.
 */
import { en } from 'zod/locales';
import type * as z from 'zod/mini';

export const ENGLISH_MESSAGES: z.core.ParseContext<z.core.$ZodIssue> = { error: en().localeError };
