// The web UI saves whole lists (its routes used to rewrite whole JSON files).
// Here a saved list becomes the single API calls it implies, found by
// comparing it with what the API holds now: created, changed, cancelled,
// deleted records. Records that did not change cause no call.
import { createHash } from "node:crypto";
import {
  ApiError, listAll, unwrap, type Contact, type ContactInput, type ContactPatch, type Job,
  type JobInput, type JobPatch, type MessageInput, type MessagePatch,
  type ScheduledMessage, type Settings, type VpslinkClient,
} from "./client.js";
import {
  contactInput, contactPhone, hasOffset, jobInput, messageInput, settingsInput, toLegacySettings,
  type LegacyContacts, type LegacyJob, type LegacyMessage, type LegacySettings,
} from "./legacy.js";

export type Call =
  | { op: "createMessage"; body: MessageInput; idempotencyKey: string }
  | { op: "patchMessage"; id: string; body: MessagePatch }
  | { op: "cancelMessage"; id: string }
  | { op: "createContact"; body: ContactInput }
  | { op: "patchContact"; phone: string; body: ContactPatch }
  | { op: "deleteContact"; phone: string }
  | { op: "createJob"; body: JobInput; idempotencyKey: string }
  | { op: "patchJob"; id: string; body: JobPatch }
  | { op: "pauseJob" | "cancelJob"; id: string };

/** SaveError is a save that stopped at a refused call; the calls before it took effect. */
export class SaveError extends Error {
  override readonly name = "SaveError";
  constructor(readonly applied: Call[], readonly failed: Call, override readonly cause: ApiError) {
    super(`${failed.op} refused after ${applied.length} applied call(s): ${cause.message}`);
  }
}

// digits compares phones and JIDs the UI and the API may write differently.
function digits(phone: string): string {
  return phone.endsWith("@g.us") ? phone : phone.replace(/@.*$/, "").replace(/\D/g, "");
}

function sameTime(a: string | undefined, b: string | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && Date.parse(a) === Date.parse(b));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

// A create from a save carries an Idempotency-Key derived from the record, so
// a save sent twice (a retry, a double click) creates it once.
function keyFor(kind: string, id: string | undefined, body: unknown): string {
  return `save-${kind}-${id ?? createHash("sha256").update(JSON.stringify(body)).digest("hex")}`;
}

function legacyPending(status: LegacyMessage["status"]): boolean {
  return status === undefined || status === "pending" || status === "scheduled";
}

/**
 * planMessages: a message missing from the list is cancelled (history that is
 * no longer pending stays); a new one (no id, or an id the API does not know)
 * is created when pending; a changed one is patched; status cancelled cancels.
 * A change to a message that is no longer pending is still sent, so the API
 * refuses it with CONFLICT instead of the edit vanishing without a word. A
 * save never resends: a list read before a message failed still shows it
 * pending, and a failed message may have arrived; sending again is the
 * explicit resend call (POST /api/messages/{id}/resend).
 */
export function planMessages(current: ScheduledMessage[], next: LegacyMessage[]): Call[] {
  const calls: Call[] = [];
  const byId = new Map(current.map((m) => [m.id, m]));
  const kept = new Set<string>();
  for (const l of next) {
    const cur = l.id === undefined ? undefined : byId.get(l.id);
    if (!cur) {
      if (legacyPending(l.status)) {
        const body = messageInput(l);
        calls.push({ op: "createMessage", body, idempotencyKey: keyFor("message", l.id, body) });
      }
      continue;
    }
    const id = cur.id!;
    kept.add(id);
    if (l.status === "cancelled" && cur.status !== "cancelled") {
      calls.push({ op: "cancelMessage", id });
      continue;
    }
    const patch: MessagePatch = {};
    if (digits(l.to) !== digits(cur.to_phone ?? "")) patch.to_phone = l.to;
    if (l.message !== cur.message) patch.message = l.message;
    if (l.contactName !== undefined && l.contactName !== cur.contact_name) patch.contact_name = l.contactName;
    if (!sameTime(l.scheduledTime, cur.scheduled_at)) {
      patch.scheduled_at = l.scheduledTime;
      if (!hasOffset(l.scheduledTime) && l.recipientTimezone) patch.timezone = l.recipientTimezone;
    }
    if (Object.keys(patch).length > 0) calls.push({ op: "patchMessage", id, body: patch });
  }
  for (const m of current) {
    if (!kept.has(m.id!) && m.status === "pending") calls.push({ op: "cancelMessage", id: m.id! });
  }
  return calls;
}

/**
 * planContacts: contacts are matched by phone (phones.primary, else the key);
 * a new phone is created, a changed contact patched (fields the UI left out
 * stay), a phone missing from the map deleted.
 */
export function planContacts(current: Contact[], next: LegacyContacts): Call[] {
  const calls: Call[] = [];
  const byPhone = new Map(current.map((c) => [digits(c.phone ?? ""), c]));
  const kept = new Set<string>();
  for (const [key, l] of Object.entries(next)) {
    const cur = byPhone.get(digits(contactPhone(key, l)));
    const want = contactInput(key, l);
    if (!cur) {
      calls.push({ op: "createContact", body: want });
      continue;
    }
    kept.add(cur.phone!);
    const patch: ContactPatch = {};
    if (want.name !== cur.name) patch.name = want.name;
    if (l.aliases && !same(l.aliases, cur.aliases)) patch.aliases = l.aliases;
    if (l.tags && !same(l.tags, cur.tags)) patch.tags = l.tags;
    if (l.favorite !== undefined && l.favorite !== cur.is_favorite) patch.is_favorite = l.favorite;
    if (l.phones && (l.phones.secondary ?? "") !== (cur.secondary_phone ?? "")) patch.secondary_phone = l.phones.secondary ?? "";
    if (l.timezone !== undefined && l.timezone !== (cur.timezone ?? "")) patch.timezone = l.timezone;
    if (l.notes !== undefined && l.notes !== (cur.notes ?? "")) patch.notes = l.notes;
    if (Object.keys(patch).length > 0) calls.push({ op: "patchContact", phone: cur.phone!, body: patch });
  }
  for (const c of current) {
    if (!kept.has(c.phone!)) calls.push({ op: "deleteContact", phone: c.phone! });
  }
  return calls;
}

const finished = new Set<Job["status"]>(["completed", "failed", "cancelled"]);

/**
 * planJobs: a new job is created; a job missing from the list, or saved as
 * cancelled, is cancelled unless it already ended; saved as paused, it is
 * paused; changed content is patched. A save only ever stops sending, never
 * resumes it: a list read before a job was paused (by hand, or held after a
 * restore) still shows it pending; resuming is the explicit resume call.
 */
export function planJobs(current: Job[], next: LegacyJob[]): Call[] {
  const calls: Call[] = [];
  const byId = new Map(current.map((j) => [j.id, j]));
  const kept = new Set<string>();
  for (const l of next) {
    const cur = l.id === undefined ? undefined : byId.get(l.id);
    const want = jobInput(l);
    if (!cur) {
      if (l.status === undefined || l.status === "pending") {
        calls.push({ op: "createJob", body: want, idempotencyKey: keyFor("job", l.id, want) });
      }
      continue;
    }
    const id = cur.id!;
    kept.add(id);
    if (finished.has(cur.status)) continue;
    if (l.status === "cancelled") {
      calls.push({ op: "cancelJob", id });
      continue;
    }
    const patch: JobPatch = {};
    if (want.title !== undefined && want.title !== cur.title) patch.title = want.title;
    if (!sameTime(want.scheduled_start_at, cur.scheduled_start_at)) patch.scheduled_start_at = want.scheduled_start_at;
    if (!same(want.recipients.map(digits), (cur.recipients ?? []).map(digits))) patch.recipients = want.recipients;
    if (!same(want.message_parts, cur.message_parts)) patch.message_parts = want.message_parts;
    if (want.config && !same({ ...cur.config, ...want.config }, cur.config)) patch.config = want.config;
    if (Object.keys(patch).length > 0) calls.push({ op: "patchJob", id, body: patch });
    if (l.status === "paused" && cur.status !== "paused") calls.push({ op: "pauseJob", id });
  }
  for (const j of current) {
    if (!kept.has(j.id!) && !finished.has(j.status)) calls.push({ op: "cancelJob", id: j.id! });
  }
  return calls;
}

/**
 * planSettings keeps only the settings the save changed: saving one unchanged
 * would pin it, so a later change in the configuration would no longer apply.
 */
export function planSettings(current: Settings, next: Partial<LegacySettings>): Partial<Settings> {
  const want = settingsInput(next) as Record<string, unknown>;
  const have = current as Record<string, unknown>;
  return Object.fromEntries(Object.entries(want).filter(([k, v]) => !same(v, have[k]))) as Partial<Settings>;
}

/** saveSettings is PUT /api/settings: the UI's settings saved whole; it returns them as saved. */
export async function saveSettings(api: VpslinkClient, saved: Partial<LegacySettings>): Promise<LegacySettings> {
  const current = await unwrap(api.GET("/api/settings"));
  const changed = planSettings(current.settings, saved);
  if (Object.keys(changed).length === 0) return toLegacySettings(current.settings);
  return toLegacySettings((await unwrap(api.PUT("/api/settings", { body: changed }))).settings);
}

/** call makes one planned call; it throws ApiError when the API refuses it. */
export async function call(api: VpslinkClient, c: Call): Promise<unknown> {
  switch (c.op) {
    case "createMessage":
      return unwrap(api.POST("/api/messages", { body: c.body, params: { header: { "Idempotency-Key": c.idempotencyKey } } }));
    case "patchMessage":
      return unwrap(api.PATCH("/api/messages/{id}", { params: { path: { id: c.id } }, body: c.body }));
    case "cancelMessage":
      return unwrap(api.DELETE("/api/messages/{id}", { params: { path: { id: c.id } } }));
    case "createContact":
      return unwrap(api.POST("/api/contacts", { body: c.body }));
    case "patchContact":
      return unwrap(api.PATCH("/api/contacts/{phone}", { params: { path: { phone: c.phone } }, body: c.body }));
    case "deleteContact":
      return unwrap(api.DELETE("/api/contacts/{phone}", { params: { path: { phone: c.phone } } }));
    case "createJob":
      return unwrap(api.POST("/api/jobs", { body: c.body, params: { header: { "Idempotency-Key": c.idempotencyKey } } }));
    case "patchJob":
      return unwrap(api.PATCH("/api/jobs/{id}", { params: { path: { id: c.id } }, body: c.body }));
    case "pauseJob":
      return unwrap(api.POST("/api/jobs/{id}/pause", { params: { path: { id: c.id } } }));
    case "cancelJob":
      return unwrap(api.POST("/api/jobs/{id}/cancel", { params: { path: { id: c.id } } }));
  }
}

/** apply makes the calls in order and stops at the first refused one (SaveError). */
export async function apply(api: VpslinkClient, calls: Call[]): Promise<Call[]> {
  for (const [i, c] of calls.entries()) {
    try {
      await call(api, c);
    } catch (err) {
      if (err instanceof ApiError) throw new SaveError(calls.slice(0, i), c, err);
      throw err;
    }
  }
  return calls;
}

/** saveMessages is POST /api/scheduled: `{"messages": [...]}` saved whole. */
export async function saveMessages(api: VpslinkClient, saved: { messages: LegacyMessage[] }): Promise<Call[]> {
  const current = await listAll((q) => api.GET("/api/messages", { params: { query: q } }));
  return apply(api, planMessages(current, saved.messages));
}

/** saveContacts is POST /api/contacts: the map keyed by phone saved whole. */
export async function saveContacts(api: VpslinkClient, saved: LegacyContacts): Promise<Call[]> {
  const current = await listAll((q) => api.GET("/api/contacts", { params: { query: q } }));
  return apply(api, planContacts(current, saved));
}

/** saveJobs is a whole jobs list saved (POST /api/scheduler/jobs with an array). */
export async function saveJobs(api: VpslinkClient, saved: LegacyJob[]): Promise<Call[]> {
  const current = await listAll((q) => api.GET("/api/jobs", { params: { query: q } }));
  return apply(api, planJobs(current, saved));
}
