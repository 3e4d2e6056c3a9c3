package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink/store"
)

// heartbeatEvery is how often serve advances the database's epoch and the
// instance file beside it, if something was sent meanwhile. A database
// overwritten in place with a copy from before such a minute is told from
// the live one.
const heartbeatEvery = time.Minute

// startInstance runs before the scheduler: when the database may have lost
// writes (restored, rewound, copied, or on a new host), what may already
// have been sent is held for review instead of being sent again. The
// returned function stops the heartbeat.
func startInstance(ctx context.Context, db *store.DB, log *slog.Logger) (stop func(), err error) {
	in, review, err := db.StartInstance(ctx)
	if err != nil {
		return nil, err
	}
	if review != nil {
		log.Warn("post-restore review pending: the database may have lost its latest writes, so what was due before this start is held, not sent",
			"messages_held", review.Messages, "jobs_paused", review.Jobs, "reasons", review.Reasons,
			"next", "check each held item with the recipient, resend what did not arrive (vpslink messages resend ID, vpslink jobs resume ID), then run vpslink review done")
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(heartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := in.Heartbeat(ctx); err != nil {
					log.Warn("instance heartbeat", "err", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }, nil
}

func newReviewCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "review",
		Short: "Show the post-restore review: what a start on a restored database held back",
		Long: `The first start on a database that may have lost writes (restored, rewound,
copied, or moved to a new host) fails the messages that were due before it and
pauses the running jobs, because they may already have been delivered. Check
each with its recipient, resend what did not arrive (vpslink messages resend ID,
vpslink jobs resume ID), then end the review with vpslink review done.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.read(cmd, func(db *store.DB) error {
				r, err := db.RestoreReview(cmd.Context())
				if err != nil {
					return err
				}
				if a.jsonOut {
					return a.printJSON(map[string]any{"restore_review": r})
				}
				if r == nil {
					fmt.Fprintln(a.stdout, "no post-restore review pending")
					return nil
				}
				a.detail("since", r.Since, "messages held", r.Messages, "jobs paused", r.Jobs, "why", joinList(r.Reasons))
				fmt.Fprintln(a.stdout, "held messages: vpslink messages list --status failed; paused jobs: vpslink jobs list --status paused")
				return nil
			})
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "done",
		Short: "End the post-restore review once every held item is checked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.write(cmd, func(w *writer) error {
				ended, err := w.db.EndRestoreReview(cmd.Context())
				if err != nil {
					return err
				}
				if a.jsonOut {
					return a.printJSON(map[string]any{"ended": ended})
				}
				if ended {
					fmt.Fprintln(a.stdout, "post-restore review ended")
				} else {
					fmt.Fprintln(a.stdout, "no post-restore review was pending")
				}
				return nil
			})
		},
	})
	return cmd
}
