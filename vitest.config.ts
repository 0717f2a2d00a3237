import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside the code. Integration tests run real ffmpeg, so they get
// generous timeouts; each test makes its own temp data dir.
export default defineConfig({
  test: {
    include: [
      'electron/**/*.test.ts',
      'shared/**/*.test.ts',
      'renderer/src/**/*.test.{ts,tsx}',
      'scripts/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { VQ_VMAF_MODEL_DIR: '../shared/vmaf-models' },
  },
});
