package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vpslink/vpslink"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

func TestClassify(t *testing.T) {
	for _, tt := range []struct {
		name             string
		err              error
		notSent, invalid bool
	}{
		{"not logged in", whatsmeow.ErrNotLoggedIn, true, false},
		{"no socket before the send", fmt.Errorf("failed to send message node: %w", whatsmeow.ErrNotConnected), true, false},
		{"no socket for the device list", fmt.Errorf("failed to get device list: %w", whatsmeow.ErrNotConnected), true, false},
		{"socket gone while re-sending", whatsmeow.ErrNotConnected, false, false},
		{"device list timed out", fmt.Errorf("failed to get device list: %w", whatsmeow.ErrIQTimedOut), true, false},
		{"device list disconnected", fmt.Errorf("failed to get device list: %w", &whatsmeow.DisconnectedError{Action: "info query"}), true, false},
		{"device list server error", fmt.Errorf("failed to get device list: %w", &whatsmeow.IQError{Code: 500}), true, false},
		{"no signal session", fmt.Errorf("%w with 4915:1", whatsmeow.ErrNoSession), true, false},
		{"device JID", whatsmeow.ErrRecipientADJID, true, true},
		{"unknown server", fmt.Errorf("%w lid", whatsmeow.ErrUnknownServer), true, true},
		{"group gone", fmt.Errorf("failed to get group members: %w", whatsmeow.ErrGroupNotFound), true, true},
		{"left the group", fmt.Errorf("failed to get group members: %w", whatsmeow.ErrNotInGroup), true, true},
		{"disconnected waiting for the ack", &whatsmeow.DisconnectedError{Action: "message send"}, false, false},
		{"ack timed out", whatsmeow.ErrMessageTimedOut, false, false},
		{"context deadline", context.DeadlineExceeded, false, false},
		{"context cancelled", context.Canceled, false, false},
		{"server error", fmt.Errorf("%w 479", whatsmeow.ErrServerReturnedError), false, false},
		{"websocket write failed", fmt.Errorf("failed to send message node: %w", errors.New("broken pipe")), false, false},
		{"anything else", errors.New("boom"), false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := classify(tt.err)
			if vpslink.IsNotSent(got) != tt.notSent || errors.Is(got, vpslink.ErrInvalidRecipient) != tt.invalid {
				t.Fatalf("classify(%v) = %v: not sent %v, invalid %v", tt.err, got, vpslink.IsNotSent(got), errors.Is(got, vpslink.ErrInvalidRecipient))
			}
			if !errors.Is(got, tt.err) {
				t.Fatalf("classify lost the cause: %v", got)
			}
			if !tt.notSent && !strings.Contains(got.Error(), "may have been delivered") {
				t.Fatalf("unknown outcome does not say so: %v", got)
			}
		})
	}
}

func TestSend(t *testing.T) {
	const anna = "491510000001@s.whatsapp.net"
	send := vpslink.Send{Kind: vpslink.SendKindMessage, MessageID: "m1", To: anna, Text: "hello", WAMessageID: "3EB0AAA"}
	for _, tt := range []struct {
		name             string
		paired, online   bool
		setup            func(f *fakeClient)
		s                vpslink.Send
		notSent, invalid bool
		wantErr          string
		result           string
	}{
		{name: "not paired", s: send, notSent: true, wantErr: reasonNotPaired, result: resultNotSent},
		{name: "disconnected", paired: true, s: send, notSent: true, wantErr: "not connected yet", result: resultNotSent},
		{name: "not on WhatsApp", paired: true, online: true, s: send, notSent: true, invalid: true,
			wantErr: "+491510000001 is not on WhatsApp", result: resultInvalidRecipient},
		{name: "on-WhatsApp check fails", paired: true, online: true, s: send, notSent: true, result: resultNotSent,
			setup: func(f *fakeClient) { f.onWAErr = whatsmeow.ErrIQTimedOut }},
		{name: "invalid JID", paired: true, online: true, notSent: true, invalid: true, result: resultInvalidRecipient,
			s: vpslink.Send{To: "someone@lid", Text: "x", WAMessageID: "1"}},
		{name: "no message id", paired: true, online: true, notSent: true, result: resultNotSent,
			s: vpslink.Send{To: anna, Text: "x"}},
		{name: "ack timeout", paired: true, online: true, s: send, result: resultUnknown, wantErr: "may have been delivered",
			setup: func(f *fakeClient) {
				f.onWA["+491510000001"] = types.NewJID("491510000001", types.DefaultUserServer)
				f.sendErr = whatsmeow.ErrMessageTimedOut
			}},
		{name: "sent", paired: true, online: true, s: send, result: resultSent,
			setup: func(f *fakeClient) { f.onWA["+491510000001"] = types.NewJID("491510000001", types.DefaultUserServer) }},
		{name: "group", paired: true, online: true, result: resultSent,
			s: vpslink.Send{To: "120363000000000001@g.us", Text: "hi all", WAMessageID: "3EB0BBB"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := newTestClient(t, tt.paired)
			if tt.online {
				connect(c, f)
			}
			if tt.setup != nil {
				tt.setup(f)
			}
			err := c.Send(context.Background(), tt.s)
			if (err != nil) != (tt.wantErr != "" || tt.notSent) || vpslink.IsNotSent(err) != tt.notSent ||
				errors.Is(err, vpslink.ErrInvalidRecipient) != tt.invalid {
				t.Fatalf("Send: %v (not sent %v)", err, vpslink.IsNotSent(err))
			}
			if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %q does not say %q", err, tt.wantErr)
			}
			if got := testutil.ToFloat64(c.metrics.sends.WithLabelValues(tt.result)); got != 1 {
				t.Fatalf("sends{result=%s} = %v", tt.result, got)
			}
			if tt.result != resultSent {
				if len(f.sent) != 0 {
					t.Fatalf("sent anyway: %+v", f.sent)
				}
				return
			}
			if len(f.sent) != 1 || f.sent[0].id != types.MessageID(tt.s.WAMessageID) || f.sent[0].text != tt.s.Text ||
				f.sent[0].to.String() != tt.s.To {
				t.Fatalf("sent %+v for %+v", f.sent, tt.s)
			}
		})
	}
}

func TestSend_CanonicalJID(t *testing.T) {
	c, f, _ := newTestClient(t, true)
	connect(c, f)
	// The server knows this number without its trunk digit.
	f.onWA["+5511912345678"] = types.NewJID("551112345678", types.DefaultUserServer)
	for i := range 2 {
		s := vpslink.Send{To: "5511912345678@s.whatsapp.net", Text: "oi", WAMessageID: fmt.Sprintf("3EB0%018X", i)}
		if err := c.Send(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		if got := f.sent[i].to.String(); got != "551112345678@s.whatsapp.net" {
			t.Fatalf("sent to %s", got)
		}
	}
	if f.onWACalls != 1 {
		t.Fatalf("IsOnWhatsApp asked %d times, want once (cached)", f.onWACalls)
	}
	if len(f.presences) != 0 {
		t.Fatalf("Send showed typing itself: %v", f.presences)
	}
	if f.sent[0].id == f.sent[1].id {
		t.Fatal("message ids repeat")
	}
}

func TestSend_CancelledBeforeSend(t *testing.T) {
	c, f, _ := newTestClient(t, true)
	connect(c, f)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := c.Send(ctx, vpslink.Send{To: "120363000000000001@g.us", Text: "x", WAMessageID: "1"})
	if !vpslink.IsNotSent(err) || len(f.sent) != 0 {
		t.Fatalf("cancelled before the send: %v, sent %v", err, f.sent)
	}
}

// TestTyping: the scheduler's typing indicator is a chat presence, on and
// off, for users and groups; it needs the connection.
func TestTyping(t *testing.T) {
	c, f, _ := newTestClient(t, true)
	if err := c.Typing(context.Background(), "491511234567@s.whatsapp.net", true); err == nil {
		t.Fatal("typing while disconnected")
	}
	connect(c, f)
	ctx := context.Background()
	for _, call := range []struct {
		to string
		on bool
	}{{"491511234567@s.whatsapp.net", true}, {"491511234567@s.whatsapp.net", false}, {"120363000000000001@g.us", true}} {
		if err := c.Typing(ctx, call.to, call.on); err != nil {
			t.Fatal(err)
		}
	}
	want := []presence{
		{"491511234567@s.whatsapp.net", types.ChatPresenceComposing},
		{"491511234567@s.whatsapp.net", types.ChatPresencePaused},
		{"120363000000000001@g.us", types.ChatPresenceComposing},
	}
	if fmt.Sprint(f.presences) != fmt.Sprint(want) {
		t.Fatalf("presences %v, want %v", f.presences, want)
	}
	if err := c.Typing(ctx, "nobody", true); err == nil {
		t.Fatal("typing to an invalid JID")
	}
}
