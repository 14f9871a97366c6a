// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', 'coverage/', '.data/', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // The SCIM core is pure: no AWS, no Middy, no Lambda types. It is reused by every handler and
    // tested without any cloud client.
    files: ['lambdas/scim/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', 'aws-sdk', 'aws-sdk/*'],
              message: 'The SCIM core must not import the AWS SDK.',
            },
            { group: ['@middy/*'], message: 'The SCIM core must not import Middy.' },
            {
              group: ['aws-lambda', '@types/aws-lambda', '@aws-lambda-powertools/*'],
              message: 'The SCIM core must not depend on Lambda.',
            },
            {
              group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
              message: 'The SCIM core must not import CDK.',
            },
            {
              // Relative imports of the Lambda-side folders, from any depth of lambdas/scim/.
              group: [
                '**/store',
                '**/store/*',
                '**/middleware',
                '**/middleware/*',
                '**/http',
                '**/http/*',
                '**/auth',
                '**/auth/*',
                '**/service',
                '**/service/*',
                '**/config',
              ],
              message: 'The SCIM core must not reach into adapters, handlers or configuration.',
            },
          ],
        },
      ],
    },
  },
  {
    // Layers point one way: http -> service -> store -> scim. The service layer takes parsed requests
    // (ListQuery, Projection) and knows nothing of HTTP events or middleware.
    files: ['lambdas/service/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/http', '**/http/*', '**/middleware', '**/middleware/*'],
              message:
                'The service layer must not import the HTTP layer (types it needs live in service/ or scim/).',
            },
          ],
        },
      ],
    },
  },
  {
    // The store is the lowest adapter: the service and HTTP layers call it, never the other way round.
    files: ['lambdas/store/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/service',
                '**/service/*',
                '**/http',
                '**/http/*',
                '**/middleware',
                '**/middleware/*',
              ],
              message:
                'The store must not import the service or HTTP layers (types it needs live in store/ or scim/).',
            },
          ],
        },
      ],
    },
  },
  {
    // CLIs and the local server talk to a terminal.
    files: ['bin/**/*.ts', 'test/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
