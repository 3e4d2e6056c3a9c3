// Starts a real `vpslink serve --sender dryrun` on a throwaway database for
// the tests: the binary in VPSLINK_BIN (CI builds it), else built here.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createClient, type VpslinkClient } from "../src/index.js";

export interface Server {
  url: string;
  secret: string;
  api: VpslinkClient;
  stop(): Promise<void>;
}

const repoRoot = new URL("../../../../", import.meta.url).pathname;

function binary(dir: string): string {
  if (process.env.VPSLINK_BIN) return process.env.VPSLINK_BIN;
  const bin = join(dir, "vpslink");
  execFileSync("go", ["build", "-o", bin, "./cmd/vpslink"], { cwd: repoRoot, stdio: "inherit" });
  return bin;
}

export async function startServer(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), "vpslink-client-"));
  const secret = randomBytes(16).toString("hex");
  const child = spawn(binary(dir), ["serve", "--sender", "dryrun"], {
    cwd: dir,
    env: {
      ...process.env,
      VPSLINK_DB: join(dir, "whatsapp.db"),
      VPSLINK_LISTEN: "127.0.0.1:0",
      VPSLINK_API_SECRET: secret,
      VPSLINK_REPLICATE: "off",
      VPSLINK_CONFIG: "/dev/null",
      VPSLINK_MAX_SENDS_PER_MINUTE: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const listen = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("vpslink did not start:\n" + log.join("\n"))), 60_000);
    child.on("exit", (code) => reject(new Error(`vpslink exited (${code}):\n` + log.join("\n"))));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        log.push(line);
        try {
          const entry = JSON.parse(line);
          if (entry.msg === "vpslink serving") {
            clearTimeout(timer);
            resolve(entry.listen);
          }
        } catch {
          // not a log line of ours
        }
      });
    }
  });
  const url = `http://${listen}`;
  return {
    url,
    secret,
    api: createClient({ baseUrl: url, secret }),
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** inMinutes is an RFC 3339 time n minutes from now. */
export function inMinutes(n: number): string {
  return new Date(Date.now() + n * 60_000).toISOString();
}

/** eventually polls until check returns a value, for at most 20 s. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
