package whatsapp

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

var paired = types.NewADJID(ownPhone, 0, 7)

func TestLogin(t *testing.T) {
	for _, tt := range []struct {
		name    string
		phone   string
		png     bool
		feed    func(f *fakeClient) // what the server does once connected
		wantOut []string
		wantErr string
	}{
		{
			name: "QR scanned", png: true,
			feed: func(f *fakeClient) {
				f.qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: "2@abc,def,ghi"}
				f.qr <- whatsmeow.QRChannelSuccess
				close(f.qr)
				f.emit(&events.PairSuccess{ID: paired})
				f.emit(&events.Connected{})
			},
			wantOut: []string{"Linked devices", "▀", "Paired and connected as +" + ownPhone},
		},
		{
			name: "pairing code", phone: "+49 170 0000000",
			feed: func(f *fakeClient) {
				f.qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: "2@abc"}
				f.qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: "2@abd"}
				f.emit(&events.PairSuccess{ID: paired})
				f.emit(&events.Connected{})
			},
			wantOut: []string{"On the phone of +491700000000", "ABCD-EFGH", "Paired and connected"},
		},
		{
			name:    "QR codes expired",
			feed:    func(f *fakeClient) { f.qr <- whatsmeow.QRChannelTimeout },
			wantErr: "QR codes expired",
		},
		{
			name:    "nobody scans",
			feed:    func(f *fakeClient) {},
			wantErr: "timed out after 200ms waiting for the phone",
		},
		{
			name:    "logged out during pairing",
			feed:    func(f *fakeClient) { f.emit(&events.LoggedOut{Reason: events.ConnectFailureLoggedOut}) },
			wantErr: "logged this device out",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeClient()
			f.onConnect = func() { tt.feed(f) }
			var out bytes.Buffer
			opts := LoginOptions{Out: &out, Phone: tt.phone, Timeout: 200 * time.Millisecond}
			if tt.png {
				opts.QRPNG = filepath.Join(t.TempDir(), "qr.png")
				opts.Timeout = 5 * time.Second
			}
			phone, _ := vpslink.NormalizePhone("phone", tt.phone)
			jid, err := login(context.Background(), f, phone, opts.Timeout, terminalView{out: &out, png: opts.QRPNG})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || jid != paired {
				t.Fatalf("login: %v %v\n%s", jid, err, out.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if tt.phone != "" && (len(f.pairPhones) != 1 || f.pairPhones[0] != "491700000000") {
				t.Errorf("pairing codes requested for %v", f.pairPhones)
			}
			if tt.png {
				b, err := os.ReadFile(opts.QRPNG)
				if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG\r\n")) {
					t.Fatalf("PNG: %v %q", err, b[:min(8, len(b))])
				}
				if fi, _ := os.Stat(opts.QRPNG); fi.Mode().Perm() != 0o600 {
					t.Errorf("PNG mode %v", fi.Mode())
				}
			}
			if f.IsConnected() {
				t.Error("login left the connection open")
			}
		})
	}
}

func TestLogin_InvalidPhone(t *testing.T) {
	_, err := Login(context.Background(), LoginOptions{SessionDB: filepath.Join(t.TempDir(), "session.db"), Phone: "12", Timeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "--phone") {
		t.Fatalf("err = %v", err)
	}
}

// TestLogin_SessionStore pairs a device in a real session store file and
// checks what needs no network: Login refuses a second pairing, and Logout
// of an empty store says there is nothing to do.
func TestLogin_SessionStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data", "session.db")
	var out bytes.Buffer
	if err := Logout(ctx, LogoutOptions{SessionDB: path, Out: &out, Timeout: time.Second}); err != nil ||
		!strings.Contains(out.String(), "Not paired") {
		t.Fatalf("logout unpaired: %v %q", err, out.String())
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("session store: %v %v", fi, err)
	}

	sess, err := OpenSession(ctx, path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	device, err := sess.Device(ctx)
	if err != nil {
		t.Fatal(err)
	}
	device.ID = &paired // and what else pairing stores
	device.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1},
		AccountSignature: make([]byte, 64), AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
	if err := sess.container.PutDevice(ctx, device); err != nil {
		t.Fatal(err)
	}
	sess.Close()

	_, err = Login(ctx, LoginOptions{SessionDB: path, Out: &out, Timeout: time.Second})
	if !errors.Is(err, ErrAlreadyPaired) || !strings.Contains(err.Error(), "+"+ownPhone) || !strings.Contains(err.Error(), "vpslink logout") {
		t.Fatalf("second login: %v", err)
	}
}

func TestLogout(t *testing.T) {
	for _, tt := range []struct {
		name      string
		onConnect func(f *fakeClient)
		want      string
		logouts   int
	}{
		{"unlinks", func(f *fakeClient) { f.emit(&events.Connected{}) }, "Unlinked from WhatsApp", 1},
		{"already unlinked on the phone", func(f *fakeClient) {
			f.emit(&events.LoggedOut{OnConnect: true, Reason: events.ConnectFailureLoggedOut})
		},
			"already unlinked", 0},
		{"no connection", func(f *fakeClient) {}, "timed out", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeClient()
			f.onConnect = func() { tt.onConnect(f) }
			var out bytes.Buffer
			err := logout(context.Background(), f, LogoutOptions{Out: &out, Timeout: 200 * time.Millisecond})
			if got := out.String() + errString(err); !strings.Contains(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if f.logouts != tt.logouts {
				t.Fatalf("logouts %d", f.logouts)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
