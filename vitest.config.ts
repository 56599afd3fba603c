import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // No test may reach the network; MSW's onUnhandledRequest and loopback servers enforce it per suite.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
