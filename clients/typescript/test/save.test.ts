import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  listAll, planContacts, planJobs, planMessages, SaveError, saveContacts, saveJobs, saveMessages, saveSettings, toLegacySettings,
  toLegacyContacts, toLegacyJob, toLegacyMessage, unwrap, type Job, type LegacyMessage, type ScheduledMessage,
} from "../src/index.js";
import { inMinutes, startServer, type Server } from "./server.js";

const at = "2030-01-01T10:00:00Z";
const pending: ScheduledMessage = { id: "m1", to_phone: "447700900123", contact_name: "Ann", message: "Hi", scheduled_at: at, status: "pending" };
const legacy = (m: Partial<LegacyMessage>): LegacyMessage => ({ ...toLegacyMessage(pending), ...m });

describe("planMessages", () => {
  const cases: { name: string; current: ScheduledMessage[]; next: LegacyMessage[]; ops: string[] }[] = [
    { name: "unchanged list", current: [pending], next: [legacy({})], ops: [] },
    { name: "same instant, other offset", current: [pending], next: [legacy({ scheduledTime: "2030-01-01T11:00:00+01:00" })], ops: [] },
    { name: "same phone, other form", current: [pending], next: [legacy({ to: "+44 7700 900123@s.whatsapp.net" })], ops: [] },
    { name: "new message", current: [], next: [legacy({ id: undefined })], ops: ["createMessage"] },
    { name: "edited text", current: [pending], next: [legacy({ message: "Hello" })], ops: ["patchMessage"] },
    { name: "removed from the list", current: [pending], next: [], ops: ["cancelMessage"] },
    { name: "history removed from the list stays", current: [{ ...pending, status: "sent" }], next: [], ops: [] },
    { name: "saved as cancelled", current: [pending], next: [legacy({ status: "cancelled" })], ops: ["cancelMessage"] },
    { name: "failed, pending in a stale list: no resend", current: [{ ...pending, status: "failed" }], next: [legacy({ status: "pending" })], ops: [] },
    { name: "sent, unchanged in a stale list", current: [{ ...pending, status: "sent" }], next: [legacy({ status: "pending" })], ops: [] },
    { name: "sent, then edited: the API refuses", current: [{ ...pending, status: "sent" }], next: [legacy({ message: "x" })], ops: ["patchMessage"] },
    { name: "new but already sent is not created", current: [], next: [legacy({ id: "x", status: "sent" })], ops: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(planMessages(c.current, c.next).map((call) => call.op), c.ops);
    });
  }

  it("patches only the changed fields", () => {
    const [call] = planMessages([pending], [legacy({ scheduledTime: "2030-01-01 12:00", recipientTimezone: "Europe/London" })]);
    assert.deepEqual(call, { op: "patchMessage", id: "m1", body: { scheduled_at: "2030-01-01 12:00", timezone: "Europe/London" } });
  });

  it("gives a new message the same idempotency key on every save", () => {
    const next = [legacy({ id: undefined })];
    assert.deepEqual(planMessages([], next), planMessages([], next));
  });
});

describe("planContacts and planJobs", () => {
  it("diffs contacts keyed by phone", () => {
    const current = [
      { phone: "447700900123", name: "Ann", aliases: [], tags: [], is_favorite: false },
      { phone: "447700900124", name: "Bob", aliases: [], tags: [], is_favorite: false },
    ];
    const next = toLegacyContacts(current);
    next["447700900123"] = { ...next["447700900123"], favorite: true };
    delete next["447700900124"];
    next["+44 7700 900125"] = { name: "Cy", phones: { primary: "+44 7700 900125" } };
    assert.deepEqual(planContacts(current, next), [
      { op: "patchContact", phone: "447700900123", body: { is_favorite: true } },
      { op: "createContact", body: { phone: "+44 7700 900125", name: "Cy" } },
      { op: "deleteContact", phone: "447700900124" },
    ]);
  });

  it("maps job status changes to pause and cancel, never to resume", () => {
    const job: Job = {
      id: "j1", title: "T", status: "pending", scheduled_start_at: at, recipients: ["447700900123@s.whatsapp.net"],
      message_parts: [{ text: "a", delayAfterSeconds: null }], config: { recipientGapSeconds: 30, maxRetries: 0 },
    };
    const same = toLegacyJob(job);
    assert.deepEqual(planJobs([job], [same]), []);
    assert.deepEqual(planJobs([job], [{ ...same, status: "paused" }]).map((c) => c.op), ["pauseJob"]);
    assert.deepEqual(planJobs([{ ...job, status: "paused" }], [same]), [], "a paused job in a stale list stays paused");
    assert.deepEqual(planJobs([job], []).map((c) => c.op), ["cancelJob"]);
    assert.deepEqual(planJobs([{ ...job, status: "completed" }], []), []);
    assert.deepEqual(planJobs([job], [{ ...same, config: { recipientGapSeconds: 10 } }]), [
      { op: "patchJob", id: "j1", body: { config: { recipientGapSeconds: 10 } } },
    ]);
  });
});

describe("whole-list saves against vpslink serve", () => {
  let srv: Server;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.stop(); });

  const messages = async () =>
    (await listAll((q) => srv.api.GET("/api/messages", { params: { query: q } }))).map(toLegacyMessage);

  it("turns a saved message list into creates, patches and cancels", async () => {
    const { api } = srv;
    const keep = await unwrap(api.POST("/api/messages", { body: { to_phone: "447700900301", message: "keep", scheduled_at: inMinutes(60) } }));
    const edit = await unwrap(api.POST("/api/messages", { body: { to_phone: "447700900302", message: "edit me", scheduled_at: inMinutes(60) } }));
    const drop = await unwrap(api.POST("/api/messages", { body: { to_phone: "447700900303", message: "drop me", scheduled_at: inMinutes(60) } }));

    const list = (await messages()).filter((m) => m.id !== drop.id);
    list.find((m) => m.id === edit.id)!.message = "edited";
    list.push({ to: "447700900304", contactName: "New", message: "new one", scheduledTime: inMinutes(90) });
    const saved = { messages: list };

    const calls = await saveMessages(api, saved);
    assert.deepEqual(calls.map((c) => c.op).sort(), ["cancelMessage", "createMessage", "patchMessage"]);
    const after = await messages();
    assert.equal(after.find((m) => m.id === keep.id)?.status, "pending");
    assert.equal(after.find((m) => m.id === edit.id)?.message, "edited");
    assert.equal(after.find((m) => m.id === drop.id)?.status, "cancelled");
    assert.equal(after.filter((m) => m.message === "new one").length, 1);

    // The same save again (a retry) creates nothing twice.
    await saveMessages(api, saved);
    assert.equal((await messages()).filter((m) => m.message === "new one").length, 1);
  });

  it("turns a saved contacts map into calls", async () => {
    const { api } = srv;
    await unwrap(api.POST("/api/contacts", { body: { phone: "447700900401", name: "Dora" } }));
    const current = toLegacyContacts(await listAll((q) => api.GET("/api/contacts", { params: { query: q } })));
    current["447700900401"].notes = "likes tea";
    current["+44 7700 900402"] = { name: "Eli", phones: { primary: "+44 7700 900402", secondary: null }, tags: ["work"] };
    await saveContacts(api, current);
    const saved = toLegacyContacts(await listAll((q) => api.GET("/api/contacts", { params: { query: q } })));
    assert.equal(saved["447700900401"].notes, "likes tea");
    assert.deepEqual(saved["447700900402"].tags, ["work"]);
  });

  it("turns a saved jobs list into calls", async () => {
    const { api } = srv;
    const job = await unwrap(api.POST("/api/jobs", {
      body: { recipients: ["447700900501"], message_parts: [{ text: "hi" }], scheduled_start_at: inMinutes(60) },
    }));
    const jobs = (await listAll((q) => api.GET("/api/jobs", { params: { query: q } }))).map(toLegacyJob);
    jobs.find((j) => j.id === job.id)!.status = "paused";
    await saveJobs(api, jobs);
    assert.equal((await unwrap(api.GET("/api/jobs/{id}", { params: { path: { id: job.id! } } }))).status, "paused");
  });

  it("saves only the settings that changed", async () => {
    const { api } = srv;
    const before = toLegacySettings((await unwrap(api.GET("/api/settings"))).settings);
    const after = await saveSettings(api, { ...before, recipientGapSeconds: 12 });
    assert.equal(after.recipientGapSeconds, 12);
    const view = await unwrap(api.GET("/api/settings"));
    assert.equal(view.sources.recipient_gap_seconds, "saved");
    assert.equal(view.sources.max_retries, "config", "an unchanged setting is not pinned");
  });

  it("stops at the first refused call and says what was applied", async () => {
    const { api } = srv;
    const list = await messages();
    list.push({ to: "447700900601", message: "fine", scheduledTime: inMinutes(60) });
    list.push({ to: "12", message: "bad phone", scheduledTime: inMinutes(60) });
    const err = await saveMessages(api, { messages: list }).catch((e: unknown) => e);
    assert.ok(err instanceof SaveError);
    assert.equal(err.applied.length, 1);
    assert.equal(err.cause.code, "VALIDATION_ERROR");
    assert.equal(err.cause.field, "to_phone");
  });
});
