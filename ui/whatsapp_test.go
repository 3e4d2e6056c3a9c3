package ui_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/ui"
)

// fakeWhatsApp stands in for the service's WhatsApp client, whose own
// pairing is tested with the fake whatsmeow client in package whatsapp:
// the test rotates its QR code and links it.
type fakeWhatsApp struct {
	mu      sync.Mutex
	state   string
	pairing ui.Pairing
	codes   int
}

func newFakeWhatsApp() *fakeWhatsApp { return &fakeWhatsApp{state: "not_paired"} }

func (f *fakeWhatsApp) option(_ *api.Config, u *ui.Config) {
	u.Sender = "whatsapp"
	u.WhatsApp = f
	u.Status.WhatsApp = func() (string, string) {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.state, ""
	}
}

// qr is a PNG that differs with each rotation.
func qr(n int) []byte {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	img.Set(n%8, n/8%8, color.White)
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func (f *fakeWhatsApp) Pair(phone string) error {
	if phone != "" {
		if _, err := vpslink.NormalizePhone("phone", phone); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state == "connected" {
		return errors.New("already paired: unlink first")
	}
	f.codes++
	f.pairing = ui.Pairing{Active: true, QRPNG: qr(f.codes)}
	if phone != "" {
		f.pairing = ui.Pairing{Active: true, Phone: phone, Code: "ABCD-EFGH"}
	}
	return nil
}

func (f *fakeWhatsApp) Pairing() ui.Pairing {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pairing
}

func (f *fakeWhatsApp) Unlink(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state = "logged_out"
	return nil
}

// rotate shows the next QR code, as WhatsApp does every 20 s or so.
func (f *fakeWhatsApp) rotate() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.codes++
	f.pairing.QRPNG = qr(f.codes)
}

// link is the phone scanning the code.
func (f *fakeWhatsApp) link() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pairing = ui.Pairing{}
	f.state = "connected"
}

func TestWhatsAppPairingPage(t *testing.T) {
	wa := newFakeWhatsApp()
	e := newEnv(t, wa.option)
	e.login()
	e.get("/whatsapp").mustStatus(t, http.StatusOK).mustContain(t, `id="pair-qr"`, `id="pair-code-button"`)
	e.post("/whatsapp/pair", url.Values{"phone": {"12"}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, `id="pair-phone-error"`, `value="12"`, `aria-invalid="true"`)
	e.post("/whatsapp/pair", nil).mustStatus(t, http.StatusSeeOther)
	first := e.get("/whatsapp/live").mustStatus(t, http.StatusOK).mustContain(t, `id="qr"`, "data:image/png;base64,").body
	wa.rotate()
	if e.get("/whatsapp/live").body == first {
		t.Fatal("the QR code did not change with WhatsApp's")
	}
	wa.link()
	// Linked, the page keeps following the connection to show a reconnect.
	e.get("/whatsapp").mustContain(t, `id="unlink"`, "connected", `hx-trigger="every 5s"`)
	e.post("/whatsapp/unlink", nil).mustStatus(t, http.StatusSeeOther)
	e.get("/whatsapp").mustContain(t, "logged_out", `id="pair-qr"`)
	e.post("/whatsapp/pair", url.Values{"phone": {"+49 170 0000000"}}).mustStatus(t, http.StatusSeeOther)
	e.get("/whatsapp").mustContain(t, `id="pair-code"`, "ABCD-EFGH")
}

func TestWhatsAppPageWithDryRun(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.get("/whatsapp").mustStatus(t, http.StatusOK).mustContain(t, "dry-run sender")
	e.post("/whatsapp/pair", nil).mustStatus(t, http.StatusConflict)
}
