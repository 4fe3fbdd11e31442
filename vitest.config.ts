import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Files run in separate processes, two at a time on the 2-core machines this project targets.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    // @ldclabs/cose-ts (the sealed-QR tests' independent COSE implementation) ships ESM with
    // extension-less relative imports that Node cannot resolve; Vite's resolver can, so it is inlined.
    server: { deps: { inline: ['@ldclabs/cose-ts'] } },
  },
});
