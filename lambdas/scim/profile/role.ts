/**
 * Management level -> Role segment. Admins map whatever their HR system holds, so spellings vary; a
 * value is recognised when it matches a known spelling after case, accents, whitespace and punctuation
 * are ignored ("Sr. Mgr", "SR MGR" and "sr-mgr" are the same). Anything else is kept as sent and flagged
 * by the caller, never guessed at.
 *
 * Deliberately NOT recognised (flagged instead, so the admin decides): "EVP"/"Executive Vice President"
 * (SVP or Executive depending on the company), "President", "Senior Associate", "Associate Director",
 * "Principal", "Lead", and numeric grades such as "L5".
 */
export const ROLE_SEGMENTS = [
  'Student',
  'Intern',
  'Analyst',
  'Associate',
  'Individual Contributor',
  'Manager',
  'Sr. Manager',
  'Director',
  'Sr. Director',
  'VP',
  'SVP',
  'Executive',
] as const;

export type RoleSegment = (typeof ROLE_SEGMENTS)[number];

/** Known spellings, written naturally; they are compacted the same way as the input before comparing. */
export const ROLE_SPELLINGS: Readonly<Record<RoleSegment, readonly string[]>> = {
  Student: ['Student'],
  Intern: ['Intern'],
  Analyst: ['Analyst'],
  Associate: ['Associate'],
  'Individual Contributor': ['Individual Contributor', 'IC'],
  Manager: ['Manager', 'Mgr'],
  'Sr. Manager': ['Sr. Manager', 'Senior Manager', 'Snr Manager', 'Sr. Mgr', 'Senior Mgr', 'Snr Mgr'],
  Director: ['Director', 'Dir'],
  'Sr. Director': ['Sr. Director', 'Senior Director', 'Snr Director', 'Sr. Dir', 'Senior Dir', 'Snr Dir'],
  VP: ['VP', 'Vice President'],
  SVP: [
    'SVP',
    'Senior Vice President',
    'Sr. Vice President',
    'Snr Vice President',
    'Sr. VP',
    'Senior VP',
    'Snr VP',
  ],
  // C-suite titles are executives by definition; "Chief ... Officer" is handled by rule below.
  Executive: [
    'Executive',
    'Exec',
    'C-level',
    'C-suite',
    'CxO',
    'CEO',
    'CFO',
    'COO',
    'CTO',
    'CIO',
    'CMO',
    'CHRO',
    'CPO',
    'CRO',
    'CSO',
    'CDO',
  ],
};

/** Lower case, accents dropped, everything but letters and digits removed. */
export const compactRoleText = (value: string): string =>
  value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

const SEGMENT_BY_SPELLING: ReadonlyMap<string, RoleSegment> = new Map(
  ROLE_SEGMENTS.flatMap((segment) =>
    ROLE_SPELLINGS[segment].map((spelling) => [compactRoleText(spelling), segment] as const),
  ),
);

// "Chief Executive Officer", "Chief People Officer"... but not "Chief of Staff" or "Chief Engineer".
const CHIEF_PREFIX = 'chief';
const OFFICER_SUFFIX = 'officer';
const isChiefOfficer = (compact: string): boolean =>
  compact.length > CHIEF_PREFIX.length + OFFICER_SUFFIX.length &&
  compact.startsWith(CHIEF_PREFIX) &&
  compact.endsWith(OFFICER_SUFFIX);

export const recogniseRole = (value: string): RoleSegment | undefined => {
  const compact = compactRoleText(value);
  return SEGMENT_BY_SPELLING.get(compact) ?? (isChiefOfficer(compact) ? 'Executive' : undefined);
};
