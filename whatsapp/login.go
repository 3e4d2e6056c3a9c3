package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/mdp/qrterminal/v3"
	"github.com/skip2/go-qrcode"
	"github.com/vpslink/vpslink"
	"go.mau.fi/whatsmeow"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// ErrAlreadyPaired is returned by Login when the session store already
// holds a linked device.
var ErrAlreadyPaired = errors.New("already paired")

// errLoggedOut: the server says the device is no longer linked (whatsmeow
// has deleted the session then).
var errLoggedOut = errors.New("WhatsApp logged this device out")

// LoginOptions configure Login.
type LoginOptions struct {
	SessionDB string
	Out       io.Writer     // where the QR code or pairing code is shown
	QRPNG     string        // also write each QR code to this PNG file
	Phone     string        // pair with a code for this number instead of a QR code
	Timeout   time.Duration // how long to wait for the phone
	Logger    *slog.Logger
}

// Login links vpslink as a device of the user's account: it shows a QR
// code (or a pairing code with Phone) and waits until the phone has linked
// the device and the first connection is up.
func Login(ctx context.Context, opts LoginOptions) (types.JID, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	var phone string
	if opts.Phone != "" {
		p, err := vpslink.NormalizePhone("--phone", opts.Phone)
		if err != nil {
			return types.EmptyJID, err
		}
		phone = p
	}
	sess, device, err := openDevice(ctx, opts.SessionDB, opts.Logger)
	if err != nil {
		return types.EmptyJID, err
	}
	defer sess.Close()
	if device.ID != nil {
		return types.EmptyJID, fmt.Errorf("%w as +%s (session %s): run `vpslink logout` first to link again",
			ErrAlreadyPaired, device.ID.User, sess.Path())
	}
	cli := whatsmeow.NewClient(device, waLogger(opts.Logger, "whatsmeow"))
	return login(ctx, cli, phone, opts.Timeout, terminalView{out: opts.Out, png: opts.QRPNG})
}

// pairingView shows the steps of a pairing to the person doing it: in a
// terminal for `vpslink login`, in the web UI for a running service.
type pairingView interface {
	qr(code string) error
	pairingCode(phone, code string)
	linked()
	multiDeviceOff()
	connected(jid types.JID)
}

// terminalView prints the steps, with the QR code as text and optionally
// as a PNG file.
type terminalView struct {
	out io.Writer
	png string
}

func (v terminalView) qr(code string) error { return showQR(v.out, code, v.png) }
func (v terminalView) pairingCode(phone, code string) {
	fmt.Fprintf(v.out, "On the phone of +%s: WhatsApp > Linked devices > Link a device > Link with phone number instead, and enter:\n\n    %s\n\n", phone, code)
}
func (v terminalView) linked() { fmt.Fprintln(v.out, "Linked; waiting for the first connection...") }
func (v terminalView) multiDeviceOff() {
	fmt.Fprintln(v.out, "The phone has multi-device turned off: turn it on and scan again.")
}
func (v terminalView) connected(jid types.JID) {
	fmt.Fprintf(v.out, "Paired and connected as +%s.\n", jid.User)
}

func openDevice(ctx context.Context, path string, log *slog.Logger) (*Session, *wastore.Device, error) {
	sess, err := OpenSession(ctx, path, log)
	if err != nil {
		return nil, nil, err
	}
	device, err := sess.Device(ctx)
	if err != nil {
		sess.Close()
		return nil, nil, err
	}
	return sess, device, nil
}

// connectWatch follows the connection events a login or logout waits for.
type connectWatch struct {
	once      sync.Once
	connected chan struct{}
	mu        sync.Mutex
	jid       types.JID
	failure   error
	failed    chan struct{}
	failOnce  sync.Once
}

func watchConnection(cli waClient) *connectWatch {
	w := &connectWatch{connected: make(chan struct{}), failed: make(chan struct{})}
	cli.AddEventHandler(func(evt any) {
		switch e := evt.(type) {
		case *events.PairSuccess:
			w.mu.Lock()
			w.jid = e.ID
			w.mu.Unlock()
		case *events.Connected:
			w.once.Do(func() { close(w.connected) })
		case *events.LoggedOut:
			w.fail(fmt.Errorf("%w (%s)", errLoggedOut, e.Reason))
		case *events.TemporaryBan:
			w.fail(fmt.Errorf("WhatsApp refused the connection: %s", e))
		case *events.ClientOutdated:
			w.fail(errors.New("WhatsApp rejected this client version as outdated: upgrade vpslink"))
		case *events.PairError:
			w.fail(fmt.Errorf("pairing failed: %w", e.Error))
		}
	})
	return w
}

func (w *connectWatch) fail(err error) {
	w.failOnce.Do(func() {
		w.mu.Lock()
		w.failure = err
		w.mu.Unlock()
		close(w.failed)
	})
}

func (w *connectWatch) err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failure
}

// login pairs cli; phone, when set, is a normalised number to get a
// pairing code for instead of QR codes.
func login(ctx context.Context, cli waClient, phone string, timeout time.Duration, view pairingView) (types.JID, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := watchConnection(cli)
	// The QR channel is also the signal that the socket is ready for a
	// pairing code request.
	qr, err := cli.GetQRChannel(ctx)
	if err != nil {
		return types.EmptyJID, fmt.Errorf("start pairing: %w", err)
	}
	if err := cli.Connect(); err != nil {
		return types.EmptyJID, fmt.Errorf("connect to WhatsApp: %w", err)
	}
	defer cli.Disconnect()
	codeShown := false
	for {
		select {
		case item, ok := <-qr:
			if !ok {
				qr = nil // pairing finished; wait for the connection
				continue
			}
			switch {
			case item.Event == whatsmeow.QRChannelEventCode && phone != "":
				if codeShown {
					continue
				}
				code, err := cli.PairPhone(ctx, phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
				if err != nil {
					return types.EmptyJID, fmt.Errorf("request a pairing code for +%s: %w", phone, err)
				}
				codeShown = true
				view.pairingCode(phone, code)
			case item.Event == whatsmeow.QRChannelEventCode:
				if err := view.qr(item.Code); err != nil {
					return types.EmptyJID, err
				}
			case item == whatsmeow.QRChannelSuccess:
				view.linked()
			case item == whatsmeow.QRChannelTimeout:
				return types.EmptyJID, errors.New("the QR codes expired before one was scanned: start again")
			case item.Event == whatsmeow.QRChannelEventError:
				return types.EmptyJID, fmt.Errorf("pairing failed: %w", item.Error)
			case item == whatsmeow.QRChannelScannedWithoutMultidevice:
				view.multiDeviceOff()
			default:
				return types.EmptyJID, fmt.Errorf("pairing failed: %s", item.Event)
			}
		case <-w.connected:
			w.mu.Lock()
			jid := w.jid
			w.mu.Unlock()
			view.connected(jid)
			return jid, nil
		case <-w.failed:
			return types.EmptyJID, w.err()
		case <-ctx.Done():
			return types.EmptyJID, fmt.Errorf("timed out after %s waiting for the phone to link this device", timeout)
		}
	}
}

// showQR prints a QR code as text and, when pngPath is set, writes it as a
// PNG too (mode 0600: the code links a device to the account for as long
// as it is valid).
func showQR(out io.Writer, code, pngPath string) error {
	fmt.Fprintln(out, "Scan with WhatsApp on the phone: Settings > Linked devices > Link a device")
	qrterminal.GenerateHalfBlock(code, qrterminal.L, out)
	if pngPath == "" {
		return nil
	}
	png, err := qrcode.Encode(code, qrcode.Medium, 512)
	if err != nil {
		return fmt.Errorf("render QR code: %w", err)
	}
	if err := os.WriteFile(pngPath, png, 0o600); err != nil {
		return fmt.Errorf("write QR code: %w", err)
	}
	fmt.Fprintf(out, "The QR code is also in %s (it changes every 20 seconds or so).\n", pngPath)
	return nil
}

// LogoutOptions configure Logout.
type LogoutOptions struct {
	SessionDB string
	Out       io.Writer
	Timeout   time.Duration
	Logger    *slog.Logger
}

// Logout unlinks the device from the account and deletes the session. It
// needs a connection: the phone's list of linked devices is on the server.
func Logout(ctx context.Context, opts LogoutOptions) error {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	sess, device, err := openDevice(ctx, opts.SessionDB, opts.Logger)
	if err != nil {
		return err
	}
	defer sess.Close()
	if device.ID == nil {
		fmt.Fprintf(opts.Out, "Not paired (session %s): nothing to unlink.\n", sess.Path())
		return nil
	}
	return logout(ctx, whatsmeow.NewClient(device, waLogger(opts.Logger, "whatsmeow")), opts)
}

func logout(ctx context.Context, cli waClient, opts LogoutOptions) error {
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	w := watchConnection(cli)
	if err := cli.Connect(); err != nil {
		return fmt.Errorf("connect to WhatsApp: %w", err)
	}
	defer cli.Disconnect()
	select {
	case <-w.connected:
	case <-w.failed:
		if errors.Is(w.err(), errLoggedOut) {
			fmt.Fprintln(opts.Out, "The device was already unlinked on the phone; the local session is removed.")
			return nil
		}
		return w.err()
	case <-ctx.Done():
		return fmt.Errorf("timed out after %s connecting to WhatsApp; the device stays linked (remove it on the phone under Linked devices, or try again)", opts.Timeout)
	}
	if err := cli.Logout(ctx); err != nil {
		return fmt.Errorf("unlink the device: %w", err)
	}
	fmt.Fprintln(opts.Out, "Unlinked from WhatsApp; the session is removed.")
	return nil
}
