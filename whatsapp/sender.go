package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vpslink/vpslink"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"
)

// Send results, the sends metric's label values.
const (
	resultSent             = "sent"
	resultNotSent          = "not_sent"
	resultInvalidRecipient = "invalid_recipient"
	resultUnknown          = "unknown"
)

// onWhatsAppTTL is how long a positive IsOnWhatsApp answer is trusted. The
// check costs a server round trip, and numbers rarely leave WhatsApp.
const onWhatsAppTTL = 24 * time.Hour

type onWhatsApp struct {
	jid types.JID // the server's canonical JID for the number
	at  time.Time
}

// Send sends s.Text to s.To with the id s.WAMessageID and waits for the
// server's acknowledgement. Errors that prove nothing left the machine are
// wrapped with vpslink.NotSent (and vpslink.ErrInvalidRecipient when
// retrying cannot help); any other error is an unknown outcome.
func (c *Client) Send(ctx context.Context, s vpslink.Send) error {
	err := c.send(ctx, s)
	result := resultSent
	switch {
	case err == nil:
	case errors.Is(err, vpslink.ErrInvalidRecipient):
		result = resultInvalidRecipient
	case vpslink.IsNotSent(err):
		result = resultNotSent
	default:
		result = resultUnknown
	}
	c.metrics.sends.WithLabelValues(result).Inc()
	return err
}

func (c *Client) send(ctx context.Context, s vpslink.Send) error {
	to, err := parseRecipient(s.To)
	if err != nil {
		return err
	}
	if s.WAMessageID == "" {
		return vpslink.NotSent(errors.New("send has no WhatsApp message id"))
	}
	if state, reason, ok := c.State(); !ok {
		if state == StateConnected {
			reason = "disconnected, reconnecting"
		}
		return vpslink.NotSent(fmt.Errorf("whatsapp %s", reason))
	}
	if to.Server == types.DefaultUserServer {
		if to, err = c.checkOnWhatsApp(ctx, to); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return vpslink.NotSent(err)
	}
	_, err = c.cli.SendMessage(ctx, to, &waE2E.Message{Conversation: proto.String(s.Text)},
		whatsmeow.SendRequestExtra{ID: types.MessageID(s.WAMessageID)})
	if err != nil {
		return classify(c.notMember(ctx, to, err))
	}
	c.queue.push(sentMessage(to, s, c.ownJID(), c.opts.Now()))
	return nil
}

// parseRecipient accepts a user JID (a phone number) or a group JID.
func parseRecipient(s string) (types.JID, error) {
	jid, err := types.ParseJID(s)
	if err == nil && jid.User != "" {
		switch jid.Server {
		case types.DefaultUserServer:
			if vpslink.PhoneFromJID(s) != "" {
				return jid.ToNonAD(), nil
			}
		case types.GroupServer:
			return jid, nil
		}
	}
	return types.JID{}, vpslink.NotSent(fmt.Errorf("%w: %q is not a WhatsApp user or group JID", vpslink.ErrInvalidRecipient, s))
}

// checkOnWhatsApp asks the server whether the number has WhatsApp and
// returns the JID the server knows it by (which may differ from the one
// typed, e.g. for Brazilian and Mexican numbers).
func (c *Client) checkOnWhatsApp(ctx context.Context, to types.JID) (types.JID, error) {
	now := c.opts.Now()
	c.mu.Lock()
	known, ok := c.onWA[to]
	c.mu.Unlock()
	if ok && now.Sub(known.at) < onWhatsAppTTL {
		return known.jid, nil
	}
	resp, err := c.cli.IsOnWhatsApp(ctx, []string{"+" + to.User})
	if err != nil {
		return to, vpslink.NotSent(fmt.Errorf("check that %s is on WhatsApp: %w", to.User, err))
	}
	for _, r := range resp {
		if !r.IsIn {
			continue
		}
		jid := to
		if !r.JID.IsEmpty() {
			jid = r.JID.ToNonAD()
		}
		c.mu.Lock()
		c.onWA[to] = onWhatsApp{jid: jid, at: now}
		c.mu.Unlock()
		return jid, nil
	}
	return to, vpslink.NotSent(fmt.Errorf("%w: +%s is not on WhatsApp", vpslink.ErrInvalidRecipient, to.User))
}

// Typing shows "typing..." in the chat with to, or takes it back. The
// scheduler calls it before a job part's claim and waits the typing time
// itself, so that nothing is claimed while it shows.
func (c *Client) Typing(ctx context.Context, to string, on bool) error {
	jid, err := parseRecipient(to)
	if err != nil {
		return err
	}
	if _, reason, ok := c.State(); !ok {
		return fmt.Errorf("whatsapp %s", reason)
	}
	state := types.ChatPresencePaused
	if on {
		state = types.ChatPresenceComposing
	}
	return c.cli.SendChatPresence(ctx, jid, state, types.ChatPresenceMediaText)
}

// preSendErrors are errors whatsmeow returns only before the message node
// is handed to the websocket: encryption, device lists, group members and
// other info queries all happen first. (It has no error for "the frame was
// written"; this list comes from reading SendMessage.)
var preSendErrors = []error{
	whatsmeow.ErrNotLoggedIn,
	whatsmeow.ErrClientIsNil,
	whatsmeow.ErrRecipientADJID,
	whatsmeow.ErrUnknownServer,
	whatsmeow.ErrBroadcastListUnsupported,
	whatsmeow.ErrInvalidInlineBotID,
	whatsmeow.ErrNoSession,
	whatsmeow.ErrIQTimedOut,     // info queries only; the message wait is ErrMessageTimedOut
	whatsmeow.ErrIQDisconnected, // an info query's disconnect; a send's is DisconnectedError{"message send"}
}

// invalidRecipientErrors are pre-send errors that retrying cannot fix.
var invalidRecipientErrors = []error{
	whatsmeow.ErrRecipientADJID,
	whatsmeow.ErrUnknownServer,
	whatsmeow.ErrBroadcastListUnsupported,
	whatsmeow.ErrGroupNotFound,
	whatsmeow.ErrNotInGroup,
}

// classify maps a SendMessage error to the scheduler's at-most-once rule.
func classify(err error) error {
	if vpslink.IsNotSent(err) {
		return err // classified already (notMember)
	}
	for _, target := range invalidRecipientErrors {
		if errors.Is(err, target) {
			return vpslink.NotSent(fmt.Errorf("%w: %w", vpslink.ErrInvalidRecipient, err))
		}
	}
	for _, target := range preSendErrors {
		if errors.Is(err, target) {
			return vpslink.NotSent(err)
		}
	}
	var iqErr *whatsmeow.IQError
	if errors.As(err, &iqErr) {
		return vpslink.NotSent(err) // info queries run before the message is sent
	}
	// whatsmeow returns ErrNotConnected bare only from re-sending a message
	// after a disconnect, when the first copy may have reached the server;
	// before the send it always comes wrapped ("failed to send message
	// node", "failed to get device list").
	if errors.Is(err, whatsmeow.ErrNotConnected) && err != whatsmeow.ErrNotConnected {
		return vpslink.NotSent(err)
	}
	// Timeouts, a disconnect while waiting for the server, a cancelled
	// context, a server error: the message may have been delivered.
	return fmt.Errorf("whatsapp send outcome unknown, it may have been delivered: %w", err)
}
