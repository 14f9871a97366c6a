import type { Config } from 'jest';

// Middy 5+ ships ESM only, so node_modules/@middy is transformed too.
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', {}] as [string, Record<string, unknown>] },
  transformIgnorePatterns: ['/node_modules/(?!@middy)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

const config: Config = {
  coverageProvider: 'v8',
  collectCoverageFrom: ['lambdas/**/*.ts'],
  coverageThreshold: {
    global: {},
    // The pure SCIM core is exhaustively testable: keep it that way.
    './lambdas/scim/': { lines: 95 },
  },
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
  ],
};

export default config;
