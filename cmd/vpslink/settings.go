package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

func newSettingsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "settings", Short: "Show or change the sending settings (job defaults, pacing, quiet hours, rate cap)"}
	cmd.AddCommand(newSettingsGetCmd(a), newSettingsSetCmd(a))
	return cmd
}

// settingsView is a setting with its value and where it comes from.
type settingsView struct {
	Settings vpslink.Settings  `json:"settings"`
	Sources  map[string]string `json:"sources"`
}

func (a *app) printSettings(s vpslink.Settings, sources map[string]string) error {
	if a.jsonOut {
		return a.printJSON(settingsView{s, sources})
	}
	values := s.SettingValues()
	t := a.table("SETTING", "VALUE", "FROM")
	for _, name := range vpslink.SettingNames() {
		t.row(name, values[name], sources[name])
	}
	return t.flush()
}

func newSettingsGetCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "get",
		Short: "Show each setting, its value and whether it comes from the configuration or was saved",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.read(cmd, func(db *store.DB) error {
				s, sources, err := db.Settings(cmd.Context())
				if err != nil {
					return err
				}
				return a.printSettings(s, sources)
			})
		},
	}
}

func newSettingsSetCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "set NAME=VALUE...",
		Short: "Save settings (VALUE null: back to the configuration's value); nothing is saved if one is bad",
		Example: `  vpslink settings set automatic_mode=true typing_cps=6.5
  vpslink settings set quiet_hours=true quiet_start=22:00 quiet_end=08:00 default_timezone=Europe/Berlin`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			changes := map[string]json.RawMessage{}
			for _, arg := range args {
				name, value, ok := strings.Cut(arg, "=")
				if !ok {
					return fmt.Errorf("%q is not NAME=VALUE", arg)
				}
				changes[name] = vpslink.SettingInput(value)
			}
			return a.write(cmd, func(w *writer) error {
				s, sources, err := w.db.UpdateSettings(cmd.Context(), changes)
				if err != nil {
					return err
				}
				return a.printSettings(s, sources)
			})
		},
	}
}
