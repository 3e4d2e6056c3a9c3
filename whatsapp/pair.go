package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/skip2/go-qrcode"
	"github.com/vpslink/vpslink"
	"go.mau.fi/whatsmeow/types"
)

// PairTimeout is how long a pairing started from the web UI waits for the
// phone.
const PairTimeout = 3 * time.Minute

// Pairing is the state of a link started while the service runs.
type Pairing struct {
	Active bool   // waiting for the phone
	QR     string // the QR code to show now; WhatsApp rotates it
	Phone  string // the number a pairing code was asked for
	Code   string // the pairing code to type on that phone
	Linked bool   // scanned; waiting for the first connection
	Err    string // why the last attempt ended without a link
}

// pairing is the Client's copy of its Pairing, updated as login goes.
type pairing struct {
	mu sync.Mutex
	p  Pairing
}

func (v *pairing) update(fn func(p *Pairing)) {
	v.mu.Lock()
	fn(&v.p)
	v.mu.Unlock()
}

func (v *pairing) qr(code string) error {
	v.update(func(p *Pairing) { p.QR = code })
	return nil
}
func (v *pairing) pairingCode(phone, code string) {
	v.update(func(p *Pairing) { p.Phone, p.Code = phone, code })
}
func (v *pairing) linked() { v.update(func(p *Pairing) { p.Linked, p.QR = true, "" }) }
func (v *pairing) multiDeviceOff() {
	v.update(func(p *Pairing) { p.Err = "the phone has multi-device turned off" })
}
func (v *pairing) connected(jid types.JID) {}

// ErrPaired is returned by Pair when the device is linked already.
var ErrPaired = errors.New("already paired: unlink first")

// Pair starts linking this device to an account while the service runs,
// with QR codes or, given phone, a pairing code, which Pairing returns as
// they come. It returns at once; the link ends within PairTimeout, and
// once linked the client connects and sends what waited.
func (c *Client) Pair(phone string) error {
	if phone != "" {
		p, err := vpslink.NormalizePhone("phone", phone)
		if err != nil {
			return err
		}
		phone = p
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paired() && c.st.name != StateLoggedOut {
		return ErrPaired
	}
	if c.runCtx == nil {
		return errors.New("whatsapp: the client is not started")
	}
	busy := false
	c.pair.update(func(p *Pairing) {
		if busy = p.Active; !busy {
			*p = Pairing{Active: true}
		}
	})
	if busy {
		return nil
	}
	go func() {
		_, err := login(c.runCtx, c.cli, phone, PairTimeout, &c.pair)
		c.pair.update(func(p *Pairing) {
			p.Active, p.QR, p.Code = false, "", ""
			if err != nil {
				p.Err = err.Error()
			}
		})
		if err != nil {
			c.log.Warn("WhatsApp pairing ended without a link", "err", err)
			return
		}
		// login disconnects when it is done; the service stays connected.
		c.connectLoop(c.runCtx)
	}()
	return nil
}

// Pairing returns the state of the last pairing started with Pair.
func (c *Client) Pairing() Pairing {
	c.pair.mu.Lock()
	defer c.pair.mu.Unlock()
	return c.pair.p
}

// Unlink removes this device from the account while the service runs;
// whatsmeow deletes the session, and the state becomes logged out until a
// new pairing.
func (c *Client) Unlink(ctx context.Context) error {
	if !c.cli.IsConnected() {
		return errors.New("not connected to WhatsApp: unlink on the phone under Linked devices, or stop the service and run vpslink logout")
	}
	if err := c.cli.Logout(ctx); err != nil {
		return fmt.Errorf("unlink the device: %w", err)
	}
	c.setState(status{name: StateLoggedOut, reason: "unlinked from this service"})
	return nil
}

// QRImage renders a pairing QR code as a PNG for a web page.
func QRImage(code string) ([]byte, error) {
	png, err := qrcode.Encode(code, qrcode.Medium, 264)
	if err != nil {
		return nil, fmt.Errorf("render QR code: %w", err)
	}
	return png, nil
}
