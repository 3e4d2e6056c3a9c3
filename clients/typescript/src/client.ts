import createFetchClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type Schemas = components["schemas"];
export type Contact = Schemas["Contact"];
export type ContactInput = Schemas["ContactInput"];
export type ContactPatch = Schemas["ContactPatch"];
export type ScheduledMessage = Schemas["ScheduledMessage"];
export type MessageInput = Schemas["MessageInput"];
export type MessagePatch = Schemas["MessagePatch"];
export type ResendInput = Schemas["ResendInput"];
export type Job = Schemas["Job"];
export type JobConfig = Schemas["JobConfig"];
export type JobInput = Schemas["JobInput"];
export type JobPatch = Schemas["JobPatch"];
export type Settings = Schemas["Settings"];
export type ErrorCode = Schemas["Error"]["error"]["code"];

/** The typed API client: `api.GET("/api/messages", {params: {query: {status: "pending"}}})`. */
export type VpslinkClient = Client<paths>;

export interface ClientOptions {
  /** Default: DOODAH_API_URL, else vpslink's default listen address. */
  baseUrl?: string;
  /** Default: DOODAH_API_SECRET. */
  secret?: string;
  /** For tests or a custom agent. */
  fetch?: typeof globalThis.fetch;
}

const defaultBaseUrl = "http://127.0.0.1:3001";

/**
 * createClient returns a client that sends the secret in X-API-Secret on
 * every request; the environment names are the ones the web UI already uses.
 */
export function createClient(options: ClientOptions = {}): VpslinkClient {
  const baseUrl = options.baseUrl ?? process.env.DOODAH_API_URL ?? defaultBaseUrl;
  const secret = options.secret ?? process.env.DOODAH_API_SECRET;
  if (!secret) {
    throw new Error("vpslink client: no API secret (set DOODAH_API_SECRET or pass secret)");
  }
  return createFetchClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ""),
    headers: { "X-API-Secret": secret },
    fetch: options.fetch,
  });
}

/**
 * ApiError is a refused request: the API's error code, its message, and the
 * input field it names, if any. The secret is never part of it.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    /** UNEXPECTED_RESPONSE when the body was not the API's error envelope (e.g. a proxy's page). */
    readonly code: ErrorCode | "UNEXPECTED_RESPONSE",
    message: string,
    readonly field?: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

function toApiError(response: Response, body: unknown): ApiError {
  const requestId = response.headers.get("X-Request-ID") ?? undefined;
  const err = (body as Schemas["Error"] | undefined)?.error;
  if (err && typeof err.code === "string" && typeof err.message === "string") {
    return new ApiError(response.status, err.code, err.message, err.details?.field, requestId);
  }
  return new ApiError(response.status, "UNEXPECTED_RESPONSE", `HTTP ${response.status} ${response.statusText}`, undefined, requestId);
}

type Envelope<D> = { data?: D };
type Result<B> = { data?: B; error?: unknown; response: Response };

/**
 * unwrap awaits one call of the client and returns the envelope's data, or
 * throws an ApiError: `const msg = await unwrap(api.GET("/api/messages/{id}", ...))`.
 */
export async function unwrap<D>(call: Promise<Result<Envelope<D>>>): Promise<NonNullable<D>> {
  const { data, error, response } = await call;
  if (!response.ok || data === undefined || data.data == null) {
    throw toApiError(response, error);
  }
  return data.data as NonNullable<D>;
}

type Page<T> = { data?: T[]; total: number };

/**
 * listAll reads every page of a list route, 1000 rows at a time:
 * `await listAll((page) => api.GET("/api/contacts", {params: {query: page}}))`.
 */
export async function listAll<T>(
  fetchPage: (page: { limit: number; offset: number }) => Promise<Result<Page<T>>>,
): Promise<T[]> {
  const rows: T[] = [];
  for (;;) {
    const { data, error, response } = await fetchPage({ limit: 1000, offset: rows.length });
    if (!response.ok || data === undefined) {
      throw toApiError(response, error);
    }
    rows.push(...(data.data ?? []));
    if (!data.data?.length || rows.length >= data.total) {
      return rows;
    }
  }
}
