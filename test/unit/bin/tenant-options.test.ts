/**
 * The tenant CLI's --stage target takes its secret prefix from --secret-prefix, else TENANT_SECRET_PREFIX
 * (the stack output's name), else the stack's default scim/<stage>/tenants/.
 */
import { describe, expect, it } from '@jest/globals';
import { parseInvocation } from '../../../bin/tenant';

function stageSecretPrefix(argv: readonly string[], env: Record<string, string>): string | undefined {
  const { target } = parseInvocation(argv, env);
  return target.kind === 'stage' ? target.secretPrefix : undefined;
}

describe('tenant CLI --stage secret prefix', () => {
  const api = { SCIM_API_URL: 'https://api.example.com', TABLE_NAME: 'scim-table' };

  it.each<[string, readonly string[], Record<string, string>, string]>([
    ['the stack default without either', ['list', '--stage', 'prod'], api, 'scim/prod/tenants/'],
    [
      'TENANT_SECRET_PREFIX from the environment',
      ['list', '--stage', 'prod'],
      { ...api, TENANT_SECRET_PREFIX: 'custom/prod/' },
      'custom/prod/',
    ],
    [
      '--secret-prefix over TENANT_SECRET_PREFIX',
      ['list', '--stage', 'prod', '--secret-prefix', 'flag/'],
      { ...api, TENANT_SECRET_PREFIX: 'custom/prod/' },
      'flag/',
    ],
    [
      'the stack default when TENANT_SECRET_PREFIX is empty',
      ['list', '--stage', 'dev'],
      { ...api, TENANT_SECRET_PREFIX: '' },
      'scim/dev/tenants/',
    ],
  ])('uses %s', (_case, argv, env, expected) => {
    expect(stageSecretPrefix(argv, env)).toBe(expected);
  });

  it('ignores TENANT_SECRET_PREFIX for the local target', () => {
    const { target } = parseInvocation(['list'], { TENANT_SECRET_PREFIX: 'custom/prod/' });
    expect(target.kind).toBe('local');
    expect(JSON.stringify(target)).not.toContain('custom/prod/');
  });
});
