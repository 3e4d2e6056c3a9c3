package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

func newStatusCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show the running service's health, or the database's counts when it is not running",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			health, herr := fetchHealth(cmd.Context(), cfg)
			if herr == nil {
				if a.jsonOut {
					return a.printJSON(health)
				}
				b, _ := json.MarshalIndent(health, "", "  ")
				fmt.Fprintf(a.stdout, "service: running on %s\n%s\n", cfg.Listen, b)
				return nil
			}
			db, err := a.openRead(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			msgs, err := db.CountMessagesByStatus(cmd.Context())
			if err != nil {
				return err
			}
			jobs, err := db.CountJobsByStatus(cmd.Context())
			if err != nil {
				return err
			}
			review, err := db.RestoreReview(cmd.Context())
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"service": "not running", "reason": herr.Error(),
					"messages": msgs, "jobs": jobs, "restore_review": review})
			}
			fmt.Fprintf(a.stdout, "service: not running (%s)\n", herr)
			fmt.Fprintf(a.stdout, "messages: %v\njobs: %v\n", msgs, jobs)
			if review != nil {
				fmt.Fprintf(a.stdout, "post-restore review pending: %s (see vpslink review)\n", review)
			}
			return nil
		},
	}
}

// fetchHealth asks the service on cfg.Listen for GET /health.
func fetchHealth(ctx context.Context, cfg *Config) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	resp, err := callService(ctx, cfg, http.MethodGet, "/health")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /health: %s", resp.Status)
	}
	var health map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&health); err != nil {
		return nil, fmt.Errorf("GET /health: %w", err)
	}
	return health, nil
}
