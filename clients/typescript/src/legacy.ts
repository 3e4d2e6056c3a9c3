// The web UI's records as its JSON files held them (camelCase, contacts keyed
// by phone, jobs with a progress object), converted to and from the API's.
import type {
  Contact, ContactInput, Job, JobConfig, JobInput, MessageInput, ScheduledMessage, Settings,
} from "./client.js";

export interface LegacyMessage {
  id?: string;
  /** The recipient: digits, `+` form or a JID. */
  to: string;
  contactName?: string;
  message: string;
  /** RFC 3339; a wall-clock time (no offset) is read in recipientTimezone. */
  scheduledTime: string;
  /** "scheduled" is read as pending. */
  status?: "pending" | "scheduled" | "sending" | "sent" | "failed" | "cancelled";
  createdAt?: string;
  createdFrom?: string;
  sentAt?: string | null;
  error?: string;
  recipientTimezone?: string;
  resentFrom?: string;
}

export interface LegacyContact {
  name: string;
  aliases?: string[];
  phones?: { primary: string; secondary?: string | null };
  favorite?: boolean;
  tags?: string[];
  timezone?: string;
  notes?: string;
}

/** The contacts file: one contact per phone. */
export type LegacyContacts = Record<string, LegacyContact>;

export interface LegacyJob {
  id?: string;
  title?: string;
  createdAt?: string;
  scheduledStartAt: string;
  status?: Job["status"];
  recipients: string[];
  messageParts: { text: string; delayAfterSeconds?: number | null; orderIndex?: number }[];
  config?: JobConfig;
  progress?: {
    currentRecipientIndex: number;
    currentPartIndex: number;
    recipientsSent: number;
    recipientsFailed: number;
    lastSentAt: string | null;
  };
  completedAt?: string | null;
  cancelledAt?: string | null;
  error?: string;
}

// Only keys with a value: the UI's files never held nulls for absent fields.
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as T;
}

/** hasOffset tells an instant (`Z`, `+01:00`) from a wall-clock time. */
export function hasOffset(time: string): boolean {
  return /(Z|[+-]\d\d:?\d\d)$/i.test(time.trim());
}

export function toLegacyMessage(m: ScheduledMessage): LegacyMessage {
  return defined<LegacyMessage>({
    id: m.id,
    to: m.to_phone ?? "",
    contactName: m.contact_name,
    message: m.message ?? "",
    scheduledTime: m.scheduled_at ?? "",
    status: m.status,
    createdAt: m.created_at,
    createdFrom: m.created_from,
    sentAt: m.sent_at ?? undefined,
    error: m.error_message,
    recipientTimezone: m.recipient_timezone,
    resentFrom: m.resent_from,
  });
}

export function messageInput(l: LegacyMessage): MessageInput {
  return defined<MessageInput>({
    to_phone: l.to,
    message: l.message,
    scheduled_at: l.scheduledTime,
    contact_name: l.contactName,
    timezone: hasOffset(l.scheduledTime) ? undefined : l.recipientTimezone,
  });
}

export function toLegacyContacts(contacts: Contact[]): LegacyContacts {
  const out: LegacyContacts = {};
  for (const c of contacts) {
    const phone = c.phone ?? "";
    out[phone] = defined<LegacyContact>({
      name: c.name ?? "",
      aliases: c.aliases ?? [],
      phones: { primary: phone, secondary: c.secondary_phone || null },
      favorite: c.is_favorite ?? false,
      tags: c.tags ?? [],
      timezone: c.timezone,
      notes: c.notes,
    });
  }
  return out;
}

/** contactPhone is the phone a legacy entry stands for: phones.primary, else its key. */
export function contactPhone(key: string, c: LegacyContact): string {
  return c.phones?.primary || key;
}

export function contactInput(key: string, c: LegacyContact): ContactInput {
  return defined<ContactInput>({
    phone: contactPhone(key, c),
    name: c.name,
    aliases: c.aliases,
    tags: c.tags,
    is_favorite: c.favorite,
    secondary_phone: c.phones?.secondary ?? undefined,
    timezone: c.timezone,
    notes: c.notes,
  });
}

export function toLegacyJob(j: Job): LegacyJob {
  return defined<LegacyJob>({
    id: j.id,
    title: j.title,
    createdAt: j.created_at,
    scheduledStartAt: j.scheduled_start_at ?? "",
    status: j.status,
    recipients: j.recipients ?? [],
    messageParts: (j.message_parts ?? []).map((p, i) => ({
      text: p.text,
      delayAfterSeconds: p.delayAfterSeconds ?? null,
      orderIndex: i,
    })),
    config: j.config,
    progress: {
      currentRecipientIndex: j.current_recipient_index ?? 0,
      currentPartIndex: j.current_part_index ?? 0,
      recipientsSent: j.recipients_sent ?? 0,
      recipientsFailed: j.recipients_failed ?? 0,
      lastSentAt: j.last_sent_at ?? null,
    },
    completedAt: j.completed_at ?? undefined,
    cancelledAt: j.cancelled_at ?? undefined,
    error: j.error_message,
  });
}

export function jobInput(l: LegacyJob): JobInput {
  const parts = [...l.messageParts].sort((a, b) => (a.orderIndex ?? 0) - (b.orderIndex ?? 0));
  return defined<JobInput>({
    title: l.title,
    scheduled_start_at: l.scheduledStartAt,
    recipients: l.recipients,
    message_parts: parts.map((p) => ({ text: p.text, delayAfterSeconds: p.delayAfterSeconds ?? null })),
    config: l.config && defined<JobConfig>({
      recipientGapSeconds: l.config.recipientGapSeconds,
      maxRetries: l.config.maxRetries,
      intervalMode: l.config.intervalMode,
    }),
  });
}

type CamelCase<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

/** The UI's settings: the API's settings under their camelCase names (recipientGapSeconds...). */
export type LegacySettings = { [K in keyof Settings as CamelCase<K & string>]: Settings[K] };

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());

export function toLegacySettings(s: Settings): LegacySettings {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [camel(k), v])) as LegacySettings;
}

/** settingsInput is the API's form of (some of) the UI's settings. */
export function settingsInput(l: Partial<LegacySettings>): Partial<Settings> {
  return Object.fromEntries(Object.entries(l).map(([k, v]) => [snake(k), v])) as Partial<Settings>;
}
