/**
 * `npm run mock-gateway`: the same command as `databricks-apim mock-gateway` (src/cli/mock-gateway.ts),
 * run from a clone. See `npm run mock-gateway -- --help`.
 */
import { fileURLToPath } from "node:url";
import { mockGatewayCommand } from "../src/cli/mock-gateway.js";

export {
  DEFAULT_LOCAL_KEY,
  type MockGatewayArgs,
  parseMockGatewayArgs,
  startFromArgs,
} from "../src/cli/mock-gateway.js";

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const code = await mockGatewayCommand(process.argv.slice(2));
  if (code !== undefined) process.exit(code);
}
