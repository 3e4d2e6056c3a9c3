package main

import (
	"cmp"
	"context"
	"time"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

func newMessagesCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "messages", Short: "List, show, schedule and cancel scheduled messages"}
	cmd.AddCommand(newMessagesListCmd(a), newMessagesShowCmd(a), newMessagesScheduleCmd(a),
		newMessagesCancelCmd(a), newMessagesRescheduleCmd(a), newMessagesResendCmd(a))
	return cmd
}

func newMessagesListCmd(a *app) *cobra.Command {
	var f vpslink.MessageFilter
	cmd := newListCmd(a, list[*vpslink.ScheduledMessage]{
		short: "List scheduled messages, soonest first",
		limit: &f.Limit, offset: &f.Offset,
		read: func(ctx context.Context, db *store.DB) ([]*vpslink.ScheduledMessage, int, error) {
			return db.ListMessages(ctx, f)
		},
		columns: []string{"ID", "SCHEDULED", "TO", "NAME", "STATUS", "MESSAGE"},
		row: func(m *vpslink.ScheduledMessage) []any {
			return []any{m.ID, m.ScheduledAt, m.ToPhone, m.ContactName, m.Status, m.Message}
		},
	})
	cmd.Flags().StringVar(&f.Status, "status", "", "pending, sending, sent, failed or cancelled")
	cmd.Flags().StringVar(&f.To, "to", "", "only messages to this phone or group JID")
	cmd.Flags().StringVar(&f.Search, "search", "", "match the text, the recipient's name or aliases, or the phone")
	return cmd
}

func newMessagesShowCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show one scheduled message",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.read(cmd, func(db *store.DB) error {
				m, err := db.GetMessage(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				a.printMessage(m)
				return nil
			})
		},
	}
}

func (a *app) printMessage(m *vpslink.ScheduledMessage) {
	if a.jsonOut {
		a.printJSON(m)
		return
	}
	a.detail("id", m.ID, "to", m.ToPhone, "name", m.ContactName, "scheduled", m.ScheduledAt,
		"status", m.Status, "error", m.ErrorMessage, "whatsapp id", m.WAMessageID, "sent", m.SentAt,
		"created", m.CreatedAt, "resent from", m.ResentFrom, "repeats", m.Recurrence, "series", m.SeriesID,
		"next", m.NextOccurrences, "message", m.Message)
}

// scheduleFlags names the flag of each field of a scheduled message.
var scheduleFlags = map[string]string{"to_phone": "--to", "message": "--message", "scheduled_at": "--at", "timezone": "--tz",
	"recurrence": "--rrule", "repeat": "--repeat", "template_id": "--template"}

func newMessagesScheduleCmd(a *app) *cobra.Command {
	var to, at, zone, text, tpl, repeat, rrule string
	cmd := &cobra.Command{
		Use:   "schedule --to PHONE|NAME|ALIAS --at TIME [--tz ZONE] (--message TEXT | --template NAME)",
		Short: "Schedule a message",
		Long: "TIME is RFC 3339 (2026-12-31T23:59:00+01:00), or YYYY-MM-DD HH:MM in --tz,\n" +
			"else in the contact's timezone, else in the machine's.\n\n" +
			"--repeat or --rrule makes the message recurring: each occurrence is computed\n" +
			"in --tz, else the contact's timezone, else UTC (see docs/sending.md).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.write(cmd, func(w *writer) error {
				c, err := w.db.ResolveRecipient(cmd.Context(), "--to", to)
				if err != nil {
					return err
				}
				when, err := parseCLITime("--at", at, zone, c.Timezone)
				if err != nil {
					return err
				}
				rule, err := vpslink.RepeatRule("repeat", repeat, rrule)
				if err != nil {
					return flagError(err, scheduleFlags)
				}
				m := &vpslink.ScheduledMessage{ToPhone: c.Phone, ContactName: c.Name, Message: text,
					ScheduledAt: when, RecipientTimezone: cmp.Or(zone, c.Timezone), CreatedFrom: "cli", Recurrence: rule}
				if tpl != "" {
					if m.TemplateID, err = templateID(cmd.Context(), w.db, "--template", tpl); err != nil {
						return err
					}
					if err := w.db.UseTemplate(cmd.Context(), m); err != nil {
						return err
					}
				}
				if err := m.Validate(); err != nil {
					return flagError(err, scheduleFlags)
				}
				if err := w.db.CreateMessage(cmd.Context(), m); err != nil {
					return err
				}
				a.printMessage(m)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "phone number, contact name or alias, group JID or group:NAME")
	cmd.Flags().StringVar(&at, "at", "", "when to send: YYYY-MM-DD HH:MM, RFC 3339 or now")
	cmd.Flags().StringVar(&zone, "tz", "", "IANA time zone of --at")
	cmd.Flags().StringVar(&text, "message", "", "the text")
	cmd.Flags().StringVar(&tpl, "template", "", "send this saved template's text (vpslink templates list)")
	cmd.MarkFlagsMutuallyExclusive("message", "template")
	cmd.Flags().StringVar(&repeat, "repeat", "", "repeat the message: daily, weekly, monthly or yearly")
	cmd.Flags().StringVar(&rrule, "rrule", "", "repeat by an RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO,TH")
	return cmd
}

// addScopeFlag adds --scope, what an edit or cancel of a recurring
// message's occurrence applies to.
func addScopeFlag(cmd *cobra.Command, scope *string) {
	cmd.Flags().StringVar(scope, "scope", vpslink.ScopeOccurrence,
		"for a recurring message: occurrence (this one; the series goes on) or series (this one and all after it)")
}

func newMessagesCancelCmd(a *app) *cobra.Command {
	var scope string
	cmd := &cobra.Command{
		Use:   "cancel ID [--scope occurrence|series]",
		Short: "Cancel a pending message, or a recurring message's series from it on",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.write(cmd, func(w *writer) error {
				m, err := w.db.CancelMessage(cmd.Context(), args[0], scope)
				if err != nil {
					return err
				}
				a.printMessage(m)
				return nil
			})
		},
	}
	addScopeFlag(cmd, &scope)
	return cmd
}

func newMessagesRescheduleCmd(a *app) *cobra.Command {
	var at, zone, scope string
	cmd := &cobra.Command{
		Use:   "reschedule ID --at TIME [--tz ZONE] [--scope occurrence|series]",
		Short: "Move a pending message to another time",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.write(cmd, func(w *writer) error {
				m, err := w.db.GetMessage(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				when, err := parseCLITime("--at", at, zone, messageZone(cmd, w.db, m))
				if err != nil {
					return err
				}
				m, err = w.db.UpdateMessage(cmd.Context(), args[0], vpslink.MessageUpdate{ScheduledAt: &when, Scope: scope})
				if err != nil {
					return err
				}
				a.printMessage(m)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "the new time")
	cmd.Flags().StringVar(&zone, "tz", "", "IANA time zone of --at")
	addScopeFlag(cmd, &scope)
	return cmd
}

func newMessagesResendCmd(a *app) *cobra.Command {
	var at, zone string
	cmd := &cobra.Command{
		Use:   "resend ID [--at TIME] [--tz ZONE]",
		Short: "Send a failed or cancelled message again, on purpose, as a new message",
		Long: `Creates a new pending message with the same recipient and text, due at --at
(default now), linked to the original (resent_from), which keeps its history.
Use it for a message held after a restore once the recipient's chat shows it
did not arrive. A pending or sent message is refused.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.write(cmd, func(w *writer) error {
				var when time.Time
				if at != "" {
					m, err := w.db.GetMessage(cmd.Context(), args[0])
					if err != nil {
						return err
					}
					if when, err = parseCLITime("--at", at, zone, messageZone(cmd, w.db, m)); err != nil {
						return err
					}
				}
				m, err := w.db.ResendMessage(cmd.Context(), args[0], when, "cli")
				if err != nil {
					return err
				}
				a.printMessage(m)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "when to send it (default now)")
	cmd.Flags().StringVar(&zone, "tz", "", "IANA time zone of --at")
	return cmd
}

// messageZone is the zone a message's wall-clock times are meant in: its
// recorded recipient zone, else its contact's.
func messageZone(cmd *cobra.Command, db *store.DB, m *vpslink.ScheduledMessage) string {
	if m.RecipientTimezone != "" {
		return m.RecipientTimezone
	}
	if c, err := db.GetContact(cmd.Context(), m.ToPhone); err == nil {
		return c.Timezone
	}
	return ""
}
