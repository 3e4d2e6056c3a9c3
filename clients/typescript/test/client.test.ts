import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ApiError, createClient, jobInput, listAll, messageInput, notifySchedulerRefresh, toLegacyJob,
  toLegacyMessage, unwrap,
} from "../src/index.js";
import { eventually, inMinutes, startServer, type Server } from "./server.js";

describe("client against vpslink serve", () => {
  let srv: Server;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.stop(); });

  it("creates, lists, edits and cancels a message", async () => {
    const { api } = srv;
    const created = await unwrap(api.POST("/api/messages", {
      body: messageInput({ to: "+44 7700 900123", contactName: "Ann", message: "Hello", scheduledTime: inMinutes(60) }),
    }));
    assert.equal(created.status, "pending");
    assert.equal(created.to_phone, "447700900123");

    const pending = await listAll((q) => api.GET("/api/messages", { params: { query: { ...q, status: "pending" } } }));
    assert.ok(pending.some((m) => m.id === created.id));

    const edited = await unwrap(api.PATCH("/api/messages/{id}", {
      params: { path: { id: created.id! } }, body: { message: "Hello again" },
    }));
    assert.equal(edited.message, "Hello again");

    const cancelled = await unwrap(api.DELETE("/api/messages/{id}", { params: { path: { id: created.id! } } }));
    assert.equal(cancelled.status, "cancelled");
    assert.equal(toLegacyMessage(cancelled).status, "cancelled");
  });

  it("resends a cancelled message as a new one", async () => {
    const { api } = srv;
    const first = await unwrap(api.POST("/api/messages", {
      body: { to_phone: "447700900124", message: "Once more", scheduled_at: inMinutes(30) },
    }));
    await unwrap(api.DELETE("/api/messages/{id}", { params: { path: { id: first.id! } } }));
    const again = await unwrap(api.POST("/api/messages/{id}/resend", {
      params: { path: { id: first.id! } }, body: { scheduled_at: inMinutes(45) },
    }));
    assert.notEqual(again.id, first.id);
    assert.equal(again.status, "pending");
    assert.equal(toLegacyMessage(again).resentFrom, first.id);
  });

  it("sends a due message through the dry-run sender", async () => {
    const { api } = srv;
    const msg = await unwrap(api.POST("/api/messages", {
      body: { to_phone: "447700900125", message: "Now-ish", scheduled_at: new Date(Date.now() + 1000).toISOString() },
    }));
    const sent = await eventually("the message to be sent", async () => {
      const m = await unwrap(api.GET("/api/messages/{id}", { params: { path: { id: msg.id! } } }));
      return m.status === "sent" ? m : undefined;
    });
    const legacy = toLegacyMessage(sent);
    assert.equal(legacy.status, "sent");
    assert.ok(legacy.sentAt);
  });

  it("runs, pauses, resumes and cancels jobs in the UI's shape", async () => {
    const { api } = srv;
    const body = jobInput({
      title: "Greetings",
      scheduledStartAt: inMinutes(120),
      recipients: ["447700900126", "447700900127@s.whatsapp.net"],
      messageParts: [{ text: "second", orderIndex: 1 }, { text: "first", delayAfterSeconds: 0, orderIndex: 0 }],
      config: { recipientGapSeconds: 0, intervalMode: "manual" },
    });
    const job = await unwrap(api.POST("/api/jobs", { body }));
    assert.deepEqual(job.message_parts?.map((p) => p.text), ["first", "second"]);
    assert.equal(toLegacyJob(job).config?.intervalMode, "manual");
    const path = { params: { path: { id: job.id! } } };
    assert.equal((await unwrap(api.POST("/api/jobs/{id}/pause", path))).status, "paused");
    assert.equal((await unwrap(api.POST("/api/jobs/{id}/resume", path))).status, "pending");
    assert.equal((await unwrap(api.POST("/api/jobs/{id}/cancel", path))).status, "cancelled");

    const soon = await unwrap(api.POST("/api/jobs", {
      body: { ...body, scheduled_start_at: new Date(Date.now() + 1000).toISOString() },
    }));
    const done = await eventually("the job to complete", async () => {
      const j = await unwrap(api.GET("/api/jobs/{id}", { params: { path: { id: soon.id! } } }));
      return j.status === "completed" ? j : undefined;
    });
    const legacy = toLegacyJob(done);
    assert.equal(legacy.progress?.recipientsSent, 2);
    assert.equal(legacy.progress?.recipientsFailed, 0);
    assert.ok(legacy.progress?.lastSentAt);
  });

  it("creates, edits and deletes contacts", async () => {
    const { api } = srv;
    const c = await unwrap(api.POST("/api/contacts", { body: { phone: "+44 7700 900200", name: "Bea", tags: ["family"] } }));
    assert.equal(c.phone, "447700900200");
    const path = { params: { path: { phone: c.phone! } } };
    const edited = await unwrap(api.PATCH("/api/contacts/{phone}", { ...path, body: { is_favorite: true } }));
    assert.equal(edited.is_favorite, true);
    assert.deepEqual(edited.tags, ["family"]);
    await unwrap(api.DELETE("/api/contacts/{phone}", path));
    await assert.rejects(unwrap(api.GET("/api/contacts/{phone}", path)), { name: "ApiError", code: "NOT_FOUND", status: 404 });
  });

  it("surfaces refusals as ApiError with the code and the field", async () => {
    const { api } = srv;
    const err = await unwrap(api.POST("/api/messages", {
      body: { to_phone: "12", message: "x", scheduled_at: inMinutes(5) },
    })).catch((e: unknown) => e);
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, "VALIDATION_ERROR");
    assert.equal(err.status, 400);
    assert.equal(err.field, "to_phone");

    const msg = await unwrap(api.POST("/api/messages", { body: { to_phone: "447700900128", message: "x", scheduled_at: inMinutes(5) } }));
    await unwrap(api.DELETE("/api/messages/{id}", { params: { path: { id: msg.id! } } }));
    await assert.rejects(
      unwrap(api.PATCH("/api/messages/{id}", { params: { path: { id: msg.id! } }, body: { message: "too late" } })),
      { code: "CONFLICT", status: 409 },
    );

    const wrong = createClient({ baseUrl: srv.url, secret: "not-the-secret" });
    const unauthorized = await unwrap(wrong.GET("/api/messages")).catch((e: unknown) => e);
    assert.ok(unauthorized instanceof ApiError);
    assert.equal(unauthorized.code, "UNAUTHORIZED");
    assert.ok(!String(unauthorized.message).includes(srv.secret));
  });

  it("notifies the scheduler as the UI's helper did", async () => {
    const saved = { url: process.env.DOODAH_API_URL, secret: process.env.DOODAH_API_SECRET };
    try {
      process.env.DOODAH_API_URL = srv.url;
      process.env.DOODAH_API_SECRET = srv.secret;
      assert.equal(await notifySchedulerRefresh(), true);
      process.env.DOODAH_API_SECRET = "wrong";
      assert.equal(await notifySchedulerRefresh(), false, "a failure is logged, never thrown");
    } finally {
      restore("DOODAH_API_URL", saved.url);
      restore("DOODAH_API_SECRET", saved.secret);
    }
  });
});

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
