package whatsapp

import (
	"fmt"
	"time"

	"github.com/vpslink/vpslink"
	"go.mau.fi/whatsmeow/types/events"
)

// Connection states, as /health reports them.
const (
	StateNotPaired    = "not_paired"
	StateConnected    = "connected"
	StateDisconnected = "disconnected"
	StateLoggedOut    = "logged_out"
	StateReplaced     = "replaced"
	StateBanned       = "banned"
	StateStopped      = "stopped"
)

const reasonNotPaired = "not paired: link it on the web UI's WhatsApp page, or stop the service and run vpslink login"

type status struct {
	name   string
	reason string
}

// permanent reports whether the state ends sending until an operator acts:
// whatsmeow does not reconnect, and neither does vpslink.
func (s status) permanent() bool {
	switch s.name {
	case StateNotPaired, StateLoggedOut, StateReplaced, StateStopped:
		return true
	}
	return false
}

// State returns the connection state, a reason a person can act on, and
// whether sends can go out now.
func (c *Client) State() (state, reason string, connected bool) {
	c.mu.Lock()
	st := c.st
	c.mu.Unlock()
	connected = st.name == StateConnected && c.cli.IsConnected() && c.cli.IsLoggedIn()
	return st.name, st.reason, connected
}

func (c *Client) setState(st status) {
	c.mu.Lock()
	prev := c.st
	// A dropped connection after a permanent stop is its consequence, not
	// news: keep the reason that needs action.
	if prev.permanent() && st.name == StateDisconnected {
		c.mu.Unlock()
		return
	}
	c.st = st
	c.mu.Unlock()
	if st.name == StateConnected {
		c.metrics.connected.Set(1)
	} else {
		c.metrics.connected.Set(0)
	}
	if prev != st {
		c.log.Info("WhatsApp state", "state", st.name, "reason", st.reason)
	}
}

// handleConnection applies a connection event and reports whether evt was
// one. It runs on whatsmeow's event goroutine and does no I/O.
func (c *Client) handleConnection(evt any) bool {
	switch e := evt.(type) {
	case *events.Connected:
		c.setState(status{name: StateConnected})
		c.mu.Lock()
		fns := c.onConnected
		c.mu.Unlock()
		for _, fn := range fns {
			go fn()
		}
		c.refreshGroups()
	case *events.Disconnected:
		c.setState(status{name: StateDisconnected, reason: "disconnected, reconnecting"})
	case *events.KeepAliveTimeout:
		c.log.Warn("WhatsApp keep-alive timed out", "errors", e.ErrorCount, "last_success", e.LastSuccess)
	case *events.LoggedOut:
		// whatsmeow has deleted the session; only a new login helps.
		c.setState(status{name: StateLoggedOut, reason: fmt.Sprintf("logged out (%s): run vpslink login", e.Reason)})
	case *events.StreamReplaced:
		// Another process uses this session. Reconnecting would replace it
		// in turn, and the two would take turns forever.
		c.setState(status{name: StateReplaced, reason: "logged in elsewhere with this session (stream replaced): sending stopped; stop the other vpslink and restart this one"})
		go c.cli.Disconnect()
	case *events.TemporaryBan:
		c.handleBan(e)
	case *events.ClientOutdated:
		c.setState(status{name: StateStopped, reason: "WhatsApp rejected this client version as outdated: upgrade vpslink"})
	case *events.ConnectFailure:
		c.setState(status{name: StateStopped, reason: fmt.Sprintf("WhatsApp refused the connection (%s %s): restart vpslink", e.Reason, e.Message)})
	default:
		return false
	}
	return true
}

// handleBan reports a temporary ban and connects once when it ends;
// whatsmeow does not reconnect by itself after one.
func (c *Client) handleBan(e *events.TemporaryBan) {
	reason := fmt.Sprintf("temporarily banned (%s)", e.Code)
	if e.Expire > 0 {
		until := c.opts.Now().Add(e.Expire).UTC()
		reason = fmt.Sprintf("temporarily banned until %s (%s)", vpslink.FormatTime(until), e.Code)
	}
	c.setState(status{name: StateBanned, reason: reason})
	if e.Expire <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.banTimer != nil {
		c.banTimer.Stop()
	}
	c.banTimer = time.AfterFunc(e.Expire+time.Minute, func() {
		if state, _, _ := c.State(); state != StateBanned {
			return
		}
		c.setState(status{name: StateDisconnected, reason: "ban expired, reconnecting"})
		c.connectLoop(c.runCtx)
	})
}
