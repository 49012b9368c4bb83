import { defineConfig } from 'vitest/config';

// The contract test: parses the C++ emit_samples output with the Zod
// schemas. MIRI_EMIT_SAMPLES names the executable (CTest passes it).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.contract.test.ts'],
  },
});
