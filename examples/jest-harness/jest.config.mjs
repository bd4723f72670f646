// Jest runs the harness as plain ES modules (no transform). `@selur/compose` resolves to the
// package's build (`pnpm build`); the repository's test points it at a build of its own with
// SELUR_COMPOSE_ENTRY so that it never races another build of dist/.
export default {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/*.test.mjs'],
  transform: {},
  moduleNameMapper: process.env.SELUR_COMPOSE_ENTRY ? { '^@selur/compose$': process.env.SELUR_COMPOSE_ENTRY } : {},
};
