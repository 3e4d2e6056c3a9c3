package main

import (
	"time"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink/whatsapp"
)

func newLoginCmd(a *app) *cobra.Command {
	opts := whatsapp.LoginOptions{Timeout: 3 * time.Minute}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Link vpslink to your WhatsApp account (QR code or pairing code)",
		Long: `Link vpslink as a device of your WhatsApp account. Scan the QR code shown in
the terminal (or in --qr-png FILE) with WhatsApp > Settings > Linked devices, or
pass --phone to get a code to type on the phone instead. The session is stored in
its own file (VPSLINK_SESSION_DB, default <datadir>/session.db). Stop vpslink serve
first and start it again afterwards; login refuses while it runs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			opts.SessionDB, opts.Out = cfg.SessionDBPath(), a.stdout
			return whileServeStopped(cfg.DB, func() error {
				_, err := whatsapp.Login(cmd.Context(), opts)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&opts.QRPNG, "qr-png", "", "also write the QR code to this PNG file")
	cmd.Flags().StringVar(&opts.Phone, "phone", "", "link with a pairing code for this phone number instead of a QR code")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", opts.Timeout, "how long to wait for the phone")
	return cmd
}

func newLogoutCmd(a *app) *cobra.Command {
	opts := whatsapp.LogoutOptions{Timeout: time.Minute}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Unlink vpslink from your WhatsApp account and delete the session",
		Long: `Unlink this device from the WhatsApp account and delete the session store's keys.
Stop vpslink serve first (logout refuses while it runs): two processes using one
session replace each other.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			opts.SessionDB, opts.Out = cfg.SessionDBPath(), a.stdout
			return whileServeStopped(cfg.DB, func() error { return whatsapp.Logout(cmd.Context(), opts) })
		},
	}
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", opts.Timeout, "how long to wait for the connection")
	return cmd
}
