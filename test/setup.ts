/**
 * Loaded before every test file (vitest `setupFiles`). Credentials that would reach for managed
 * identity (169.254.169.254) or Azure CLI must never run in a test: any attempt to construct one fails
 * loudly. Tests inject a static `TokenCredential` instead.
 */
import { vi } from "vitest";

vi.mock("@azure/identity", () => {
  const forbidden = (name: string) =>
    class {
      constructor() {
        throw new Error(`${name} must not be constructed in tests: inject a static TokenCredential`);
      }
    };
  return {
    DefaultAzureCredential: forbidden("DefaultAzureCredential"),
    ManagedIdentityCredential: forbidden("ManagedIdentityCredential"),
    AzureCliCredential: forbidden("AzureCliCredential"),
    ChainedTokenCredential: forbidden("ChainedTokenCredential"),
  };
});
