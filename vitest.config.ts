import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['packages/sandbox/**', 'test/sandbox/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'sandbox',
          include: ['packages/sandbox/src/**/*.test.ts', 'test/sandbox/**/*.test.ts'],
          // one Docker engine: containers from parallel files would fight over 2 cores
          fileParallelism: false,
        },
      },
    ],
  },
});
