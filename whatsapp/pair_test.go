package whatsapp

import (
	"context"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"
)

// waitUntil polls cond; the pairing runs in its own goroutine.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting until %s", what)
}

func TestPairWhileServing(t *testing.T) {
	c, f, _ := newTestClient(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.Start(ctx)
	defer c.Close()
	if st, _, _ := c.State(); st != StateNotPaired {
		t.Fatalf("state %s", st)
	}
	if err := c.Pair(""); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"2@first,x", "2@second,y"} {
		f.qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: code}
		waitUntil(t, "the page has QR "+code, func() bool { return c.Pairing().QR == code })
	}
	if p := c.Pairing(); !p.Active {
		t.Fatalf("pairing %+v", p)
	}
	f.qr <- whatsmeow.QRChannelSuccess
	close(f.qr)
	f.emit(&events.PairSuccess{ID: paired})
	f.emit(&events.Connected{})
	waitUntil(t, "the pairing ends", func() bool { return !c.Pairing().Active })
	if p := c.Pairing(); p.Err != "" || p.QR != "" {
		t.Fatalf("pairing %+v", p)
	}
	waitUntil(t, "connected", func() bool { _, _, ok := c.State(); return ok })

	if err := c.Unlink(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := c.State(); st != StateLoggedOut || f.logouts != 1 {
		t.Fatalf("after unlink: %s, %d logouts", st, f.logouts)
	}
}

func TestPairWithCodeAndBadPhone(t *testing.T) {
	c, f, _ := newTestClient(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.Start(ctx)
	defer c.Close()
	if err := c.Pair("12"); err == nil {
		t.Fatal("a bad phone number started a pairing")
	}
	if err := c.Pair("+49 170 0000000"); err != nil {
		t.Fatal(err)
	}
	f.qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: "2@a"}
	waitUntil(t, "a pairing code", func() bool { return c.Pairing().Code == "ABCD-EFGH" })
	if p := c.Pairing(); p.Phone != ownPhone || p.QR != "" {
		t.Fatalf("pairing %+v", p)
	}
	f.emit(&events.PairError{Error: context.DeadlineExceeded})
	waitUntil(t, "the failure", func() bool { return c.Pairing().Err != "" })
}
