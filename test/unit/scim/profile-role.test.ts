import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ROLE_SEGMENTS, recogniseRole, type RoleSegment } from '../../../lambdas/scim/profile';
import { ROLE_SPELLINGS, compactRoleText } from '../../../lambdas/scim/profile/role';

const RECOGNISED: readonly (readonly [string, RoleSegment])[] = [
  // The guide's own examples, as written.
  ['Student', 'Student'],
  ['Intern', 'Intern'],
  ['Analyst', 'Analyst'],
  ['Associate', 'Associate'],
  ['Individual Contributor', 'Individual Contributor'],
  ['Manager', 'Manager'],
  ['Sr. Manager', 'Sr. Manager'],
  ['Director', 'Director'],
  ['Sr. Director', 'Sr. Director'],
  ['VP', 'VP'],
  ['SVP', 'SVP'],
  ['Executive', 'Executive'],
  // Case, whitespace and punctuation.
  ['student', 'Student'],
  ['  INTERN  ', 'Intern'],
  ['individual contributor', 'Individual Contributor'],
  ['Individual-Contributor', 'Individual Contributor'],
  ['individual_contributor', 'Individual Contributor'],
  ['IC', 'Individual Contributor'],
  ['I.C.', 'Individual Contributor'],
  ['ic', 'Individual Contributor'],
  ['mgr', 'Manager'],
  ['Mgr.', 'Manager'],
  ['senior manager', 'Sr. Manager'],
  ['Senior Manager', 'Sr. Manager'],
  ['Sr Manager', 'Sr. Manager'],
  ['Sr.Manager', 'Sr. Manager'],
  ['SR. MGR', 'Sr. Manager'],
  ['Sr. Mgr', 'Sr. Manager'],
  ['Snr Manager', 'Sr. Manager'],
  ['senior-manager', 'Sr. Manager'],
  ['Senior Director', 'Sr. Director'],
  ['Sr Director', 'Sr. Director'],
  ['sr. dir.', 'Sr. Director'],
  ['Senior Dir', 'Sr. Director'],
  ['SNR DIR', 'Sr. Director'],
  ['Dir.', 'Director'],
  ['Snr VP', 'SVP'],
  ['vp', 'VP'],
  ['V.P.', 'VP'],
  ['Vice President', 'VP'],
  ['vice-president', 'VP'],
  ['VICE PRESIDENT', 'VP'],
  ['Senior Vice President', 'SVP'],
  ['Sr. Vice-President', 'SVP'],
  ['svp', 'SVP'],
  ['S.V.P.', 'SVP'],
  ['Senior VP', 'SVP'],
  ['Sr VP', 'SVP'],
  ['Exec', 'Executive'],
  ['exec.', 'Executive'],
  ['C-level', 'Executive'],
  ['C Level', 'Executive'],
  ['C-Suite', 'Executive'],
  ['CxO', 'Executive'],
  ['CEO', 'Executive'],
  ['cfo', 'Executive'],
  ['C.T.O.', 'Executive'],
  ['CHRO', 'Executive'],
  ['Chief Executive Officer', 'Executive'],
  ['Chief People Officer', 'Executive'],
  ['chief information security officer', 'Executive'],
  ['Éxecutive', 'Executive'],
];

// Kept and flagged by the profile, never guessed at (see role.ts).
const UNRECOGNISED: readonly string[] = [
  'EVP',
  'Executive Vice President',
  'President',
  'Senior Associate',
  'Associate Director',
  'Principal',
  'Lead',
  'L5',
  'Chief of Staff',
  'Chief Engineer',
  'Chief Officer',
  'Executive Assistant',
  'Manager of Managers',
  'Director-ish',
  'Mgmt',
  '',
  '...',
];

describe('recogniseRole', () => {
  it.each(RECOGNISED)('recognises %j as %s', (value, segment) => {
    expect(recogniseRole(value)).toBe(segment);
  });

  it.each(UNRECOGNISED)('does not recognise %j', (value) => {
    expect(recogniseRole(value)).toBeUndefined();
  });

  it('recognises every listed spelling as its own segment (no spelling is claimed by two segments)', () => {
    for (const segment of ROLE_SEGMENTS) {
      for (const spelling of ROLE_SPELLINGS[segment])
        expect([spelling, recogniseRole(spelling)]).toEqual([spelling, segment]);
    }
  });

  it('recognises every canonical segment name', () => {
    expect(ROLE_SEGMENTS.map(recogniseRole)).toEqual([...ROLE_SEGMENTS]);
  });

  it('compacts case, accents, whitespace and punctuation away', () => {
    expect(compactRoleText(' Sr.  Vice-Président ')).toBe('srvicepresident');
  });

  const spellings = ROLE_SEGMENTS.flatMap((segment) =>
    ROLE_SPELLINGS[segment].map((spelling) => [spelling, segment] as const),
  );

  it('is case-insensitive and ignores whitespace and punctuation around and between characters', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...spellings),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        fc.array(fc.constantFrom('', ' ', '  ', '\t', '.', '-', '_', ' . '), {
          minLength: 41,
          maxLength: 41,
        }),
        ([spelling, segment], upper, separators) => {
          const characters = [...spelling].map((character, index) =>
            upper[index % upper.length] ? character.toUpperCase() : character.toLowerCase(),
          );
          const mangled =
            characters
              .map((character, index) => `${separators[index % separators.length]}${character}`)
              .join('') + separators[separators.length - 1];
          expect(recogniseRole(mangled)).toBe(segment);
        },
      ),
    );
  });
});
