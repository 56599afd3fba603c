/**
 * The HTTP server itself and the `npm run mock-gateway` command: real sockets on 127.0.0.1, bodies
 * and headers carried both ways, a request log without keys, and a CLI that prints what to curl.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parseMockGatewayArgs, startFromArgs } from "../../scripts/mock-gateway.js";
import { createDatabricksMock, startMockGateway, TEST_SUBSCRIPTION_KEY } from "../../src/testing/index.js";
import { listeningUrl } from "../listening-url.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("startMockGateway", () => {
  it("listens on 127.0.0.1, carries bodies and headers, and logs lines without the key", async () => {
    const lines: string[] = [];
    const mock = createDatabricksMock({ apimUrl: "http://127.0.0.1" });
    const server = await startMockGateway(mock, {
      onResponse: (l) => lines.push(`${l.method} ${l.path} ${l.status}`),
    });
    cleanups.push(() => server.close());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const created = await fetch(
      `${server.url}/dbw-01/api/2.0/secrets/scopes/create?subscription-key=${TEST_SUBSCRIPTION_KEY}`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ scope: "over-http" }),
      },
    );
    expect(created.status).toBe(200);
    expect(mock.workspace.secrets.scopes()).toContain("over-http");

    const malformed = await fetch(`${server.url}/dbw-01/api/2.0/secrets/scopes/create`, {
      method: "POST",
      headers: { "Ocp-Apim-Subscription-Key": TEST_SUBSCRIPTION_KEY, "Content-Type": "application/json" },
      body: "not json",
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("content-type")).toContain("application/json");
    expect(await malformed.json()).toEqual({
      error_code: "MALFORMED_REQUEST",
      message: "Invalid JSON given in the body of the request - expected a map",
    });
    expect(lines).toEqual([
      "POST /dbw-01/api/2.0/secrets/scopes/create 200",
      "POST /dbw-01/api/2.0/secrets/scopes/create 400",
    ]);
    expect(lines.join("\n")).not.toContain(TEST_SUBSCRIPTION_KEY);
  });

  it("answers a body over the cap with 413 without buffering it, and keeps serving (issue 10: a 200 MiB POST killed it)", async () => {
    const mock = createDatabricksMock({ apimUrl: "http://127.0.0.1" });
    const server = await startMockGateway(mock, { maxBodyBytes: 1024 * 1024 });
    cleanups.push(() => server.close());
    const url = `${server.url}/dbw-01/api/2.0/secrets/put`;
    const headers = { "Ocp-Apim-Subscription-Key": TEST_SUBSCRIPTION_KEY };
    // Announced by Content-Length: refused before reading.
    const announced = await fetch(url, { method: "POST", headers, body: Buffer.alloc(2 * 1024 * 1024, 97) });
    expect(announced.status).toBe(413);
    expect(((await announced.json()) as { message: string }).message).toContain("at most 1048576 bytes");
    // Chunked, no length: refused once the bytes read pass the cap.
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 64 * 1024;
        if (sent > 64 * 1024 * 1024) controller.close();
        else controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const chunked = await fetch(url, {
      method: "POST",
      headers,
      body: endless,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    const after = await fetch(`${server.url}/dbw-01/api/2.1/clusters/list`, { headers });
    expect(after.status).toBe(200);
  });

  it("stops accepting connections when closed", async () => {
    const server = await startMockGateway(createDatabricksMock({ apimUrl: "http://127.0.0.1" }));
    await server.close();
    await expect(fetch(`${server.url}/dbw-01/api/2.1/clusters/list`)).rejects.toThrow();
  });
});

describe("npm run mock-gateway", () => {
  it("parses its flags and refuses bad ones with a reason", () => {
    expect(
      parseMockGatewayArgs([
        "--port",
        "0",
        "--key",
        "a",
        "--key",
        "b",
        "--not-granted",
        "--rate-limit",
        "5/60",
      ]),
    ).toMatchObject({
      port: 0,
      keys: ["a", "b"],
      granted: false,
      rateLimit: { calls: 5, renewalPeriodSeconds: 60 },
    });
    expect(
      parseMockGatewayArgs([
        "--managed-identity-app-id",
        "12345678-90ab-4cde-8f01-23456789abcd",
        "--admin-token",
        "tok",
        "--wildcard",
        "--backend-down",
        "--quota",
        "100/3600",
        "--max-body-bytes",
        "1024",
      ]),
    ).toMatchObject({
      granted: true,
      appId: "12345678-90ab-4cde-8f01-23456789abcd",
      adminToken: "tok",
      wildcard: true,
      backendDown: true,
      quota: { calls: 100, renewalPeriodSeconds: 3600 },
      maxBodyBytes: 1024,
    });
    expect(() => parseMockGatewayArgs(["--managed-identity-app-id", "apim"])).toThrow(
      "--managed-identity-app-id",
    );
    expect(() => parseMockGatewayArgs(["--quota", "lots"])).toThrow("--quota");
    expect(() => parseMockGatewayArgs(["--max-body-bytes", "0"])).toThrow("--max-body-bytes");
    expect(parseMockGatewayArgs(["--help"])).toBe("help");
    expect(() => parseMockGatewayArgs(["--port", "http"])).toThrow("--port");
    expect(() => parseMockGatewayArgs(["--rate-limit", "fast"])).toThrow("--rate-limit");
  });

  it("prints the URL and the key it accepts, and the seed's curl command works against it", async () => {
    const printed: string[] = [];
    const args = parseMockGatewayArgs(["--port", "0", "--key", "my-local-key", "--quiet"]);
    if (args === "help") throw new Error("unexpected --help");
    const server = await startFromArgs(args, (line) => printed.push(line));
    cleanups.push(() => server.close());
    const output = printed.join("\n");
    expect(output).toContain(`listening on ${server.url}`);
    expect(output).toContain(
      `curl -H "Ocp-Apim-Subscription-Key: my-local-key" ${server.url}/dbw-01/api/2.1/clusters/list`,
    );
    const response = await fetch(`${server.url}/dbw-01/api/2.1/clusters/list`, {
      headers: { "Ocp-Apim-Subscription-Key": "my-local-key" },
    });
    expect(await response.text()).toBe('{"next_page_token":"","prev_page_token":""}');
  });

  it("runs as a command: starts, answers, and exits on SIGTERM", async () => {
    const script = fileURLToPath(new URL("../../scripts/mock-gateway.ts", import.meta.url));
    const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
    const child: ChildProcess = spawn(tsx, [script, "--port", "0", "--key", "cli-key", "--not-granted"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    const { url, output } = await listeningUrl(child);
    const response = await fetch(`${url}/dbw-01/api/2.1/clusters/list`, {
      headers: { "Ocp-Apim-Subscription-Key": "cli-key" },
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('{"error_code":"401","message":"Unauthorized"}');
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(output()).toContain("GET /dbw-01/api/2.1/clusters/list → 401");
  });
});
