package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

func newJobsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "jobs", Short: "List, create and control broadcast jobs"}
	cmd.AddCommand(newJobsListCmd(a), newJobsShowCmd(a), newJobsCreateCmd(a),
		newJobStateCmd(a, "pause", "Pause a job before its next part", (*store.DB).PauseJob),
		newJobStateCmd(a, "resume", "Resume a paused job where it stopped", (*store.DB).ResumeJob),
		newJobStateCmd(a, "cancel", "Cancel a job before its next part", (*store.DB).CancelJob))
	return cmd
}

func newJobsListCmd(a *app) *cobra.Command {
	var f vpslink.JobFilter
	cmd := newListCmd(a, list[*vpslink.Job]{
		short: "List jobs, latest start first",
		limit: &f.Limit, offset: &f.Offset,
		read: func(ctx context.Context, db *store.DB) ([]*vpslink.Job, int, error) {
			return db.ListJobs(ctx, f)
		},
		columns: []string{"ID", "START", "STATUS", "RECIPIENTS", "SENT", "FAILED", "TITLE"},
		row: func(j *vpslink.Job) []any {
			return []any{j.ID, j.ScheduledStartAt, j.Status, len(j.Recipients), j.RecipientsSent, j.RecipientsFailed, j.Title}
		},
	})
	cmd.Flags().StringVar(&f.Status, "status", "", "pending, running, paused, completed, failed or cancelled")
	return cmd
}

// jobDetail is a job with its per-recipient, per-part results.
type jobDetail struct {
	*vpslink.Job
	Deliveries []*vpslink.Delivery `json:"deliveries"`
}

func newJobsShowCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show a job, its progress and per-recipient results",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.read(cmd, func(db *store.DB) error {
				j, err := db.GetJob(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				ds, err := db.JobDeliveries(cmd.Context(), j.ID)
				if err != nil {
					return err
				}
				a.printJob(&jobDetail{Job: j, Deliveries: ds})
				return nil
			})
		},
	}
}

func (a *app) printJob(j *jobDetail) {
	if a.jsonOut {
		a.printJSON(j)
		return
	}
	a.detail("id", j.ID, "title", j.Title, "status", j.Status, "start", j.ScheduledStartAt,
		"recipients", j.Recipients, "parts", len(j.MessageParts), "gap seconds", j.Config.RecipientGapSeconds,
		"progress", fmt.Sprintf("recipient %d, part %d", j.CurrentRecipientIndex, j.CurrentPartIndex),
		"sent", j.RecipientsSent, "failed", j.RecipientsFailed, "next step", j.NextStepAt, "error", j.ErrorMessage)
	if len(j.Deliveries) == 0 {
		return
	}
	fmt.Fprintln(a.stdout)
	t := a.table("RECIPIENT", "PART", "STATE", "SENT", "ERROR")
	for _, d := range j.Deliveries {
		t.row(d.Recipient, d.PartIndex, d.State, d.SentAt, d.Error)
	}
	t.flush()
}

func newJobsCreateCmd(a *app) *cobra.Command {
	var title, at, zone string
	var to []string
	var parts []vpslink.MessagePart
	templates := map[int]string{}
	var partDelay float64
	var gap int
	cmd := &cobra.Command{
		Use:   "create [--title T] --at TIME --to R... (--part TEXT | --template NAME)... [--part-delay S] [--gap S]",
		Short: "Create a broadcast job",
		Long: "Each --to is a phone, a contact name or alias, or a group JID (…@g.us).\n" +
			"Each --part is a part's text, each --template a part with a saved template's text, in the order given.\n" +
			"--part-delay is the pause after each part but the last; --gap the pause between recipients.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := vpslink.ValidateDelaySeconds("--part-delay", partDelay); err != nil {
				return err
			}
			when, err := parseCLITime("--at", at, zone, "")
			if err != nil {
				return err
			}
			j := &vpslink.Job{Title: title, ScheduledStartAt: when, Config: vpslink.JobConfig{RecipientGapSeconds: gap}, MessageParts: parts}
			for i := range j.MessageParts {
				if partDelay > 0 && i < len(parts)-1 {
					j.MessageParts[i].DelayAfterSeconds = &partDelay
				}
			}
			return a.write(cmd, func(w *writer) error {
				for i, name := range templates {
					if j.MessageParts[i].TemplateID, err = templateID(cmd.Context(), w.db, "--template", name); err != nil {
						return err
					}
				}
				if j.Recipients, err = resolveRecipients(cmd.Context(), w.db, to); err != nil {
					return err
				}
				if err := w.db.CreateJob(cmd.Context(), j); err != nil {
					return err
				}
				a.printJob(&jobDetail{Job: j})
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&title, "title", "", "title (default: the first part's start)")
	cmd.Flags().StringVar(&at, "at", "", "when to start: YYYY-MM-DD HH:MM, RFC 3339 or now")
	cmd.Flags().StringVar(&zone, "tz", "", "IANA time zone of --at")
	cmd.Flags().StringArrayVar(&to, "to", nil, "recipient: phone, contact name or alias, group JID or group:NAME (repeatable)")
	cmd.Flags().Var(&partsFlag{parts: &parts}, "part", "message part, in order (repeatable)")
	cmd.Flags().Var(&partsFlag{parts: &parts, templates: templates, template: true}, "template",
		"a part with this saved template's text, in order with --part (repeatable)")
	cmd.Flags().Float64Var(&partDelay, "part-delay", 0, "seconds between parts (a fraction allowed: 2.5)")
	cmd.Flags().IntVar(&gap, "gap", 0, "seconds between recipients")
	return cmd
}

// resolveRecipients turns names and aliases into phones; group JIDs pass.
func resolveRecipients(ctx context.Context, db *store.DB, to []string) ([]string, error) {
	out := make([]string, 0, len(to))
	for i, r := range to {
		if jid, err := vpslink.NormalizeRecipient("--to", r); err == nil {
			out = append(out, jid)
			continue
		}
		c, err := db.ResolveRecipient(ctx, fmt.Sprintf("--to[%d]", i), r)
		if err != nil {
			return nil, err
		}
		out = append(out, c.Phone)
	}
	return out, nil
}

func newJobStateCmd(a *app, verb, short string, change func(*store.DB, context.Context, string) (*vpslink.Job, error)) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.write(cmd, func(w *writer) error {
				j, err := change(w.db, cmd.Context(), args[0])
				if err != nil {
					return err
				}
				a.printJob(&jobDetail{Job: j})
				return nil
			})
		},
	}
}
