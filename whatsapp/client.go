// Package whatsapp connects vpslink to the user's WhatsApp account through
// go.mau.fi/whatsmeow: it pairs the device, sends texts for the scheduler
// with an at-most-once error classification, records receipts in the
// delivery ledger, and keeps the chat history in the main database.
//
// whatsmeow sits behind the small waClient interface so that every rule
// here is tested with a fake: WhatsApp cannot be reached from a build
// machine.
package whatsapp

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"
)

// waClient is the part of *whatsmeow.Client that vpslink uses.
type waClient interface {
	SendMessage(ctx context.Context, to types.JID, msg *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	SendChatPresence(ctx context.Context, jid types.JID, state types.ChatPresence, media types.ChatPresenceMedia) error
	IsOnWhatsApp(ctx context.Context, phones []string) ([]types.IsOnWhatsAppResponse, error)
	GetJoinedGroups(ctx context.Context) ([]*types.GroupInfo, error)
	IsConnected() bool
	IsLoggedIn() bool
	Connect() error
	Disconnect()
	Logout(ctx context.Context) error
	AddEventHandler(handler whatsmeow.EventHandler) uint32
	GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error)
	PairPhone(ctx context.Context, phone string, showPushNotification bool, clientType whatsmeow.PairClientType, clientDisplayName string) (string, error)
}

var _ waClient = (*whatsmeow.Client)(nil)

// Options configure the service's client.
type Options struct {
	SessionDB  string    // the session store's SQLite file (never the main database)
	DB         *store.DB // the main database: ledger, chats, messages
	Logger     *slog.Logger
	Registerer prometheus.Registerer // nil: metrics are not registered
	Now        func() time.Time
}

// Client is the WhatsApp connection of a running service. It implements
// vpslink.Sender.
type Client struct {
	cli     waClient
	device  *wastore.Device
	session *Session
	db      *store.DB
	opts    Options
	log     *slog.Logger
	metrics *metrics
	queue   *queue

	mu          sync.Mutex
	st          status
	onConnected []func()
	banTimer    *time.Timer
	onWA        map[types.JID]onWhatsApp // IsOnWhatsApp answers, by queried JID

	pair pairing // a link started from the web UI

	runCtx context.Context // Start's context, for reconnects it schedules
	stop   context.CancelFunc
	done   chan struct{}
	groups sync.WaitGroup // joined-groups refreshes in flight
}

var _ vpslink.Sender = (*Client)(nil)

// Open opens the session store and prepares the client. Nothing touches the
// network before Start.
func Open(ctx context.Context, opts Options) (*Client, error) {
	if opts.DB == nil {
		return nil, errors.New("whatsapp: no database")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	sess, err := OpenSession(ctx, opts.SessionDB, opts.Logger)
	if err != nil {
		return nil, err
	}
	device, err := sess.Device(ctx)
	if err != nil {
		sess.Close()
		return nil, err
	}
	wm := whatsmeow.NewClient(device, waLogger(opts.Logger, "whatsmeow"))
	// whatsmeow reconnects after a dropped connection by itself; it does
	// not after LoggedOut, StreamReplaced or a ban, which must not loop.
	wm.EnableAutoReconnect = true
	c, err := newClient(wm, device, opts)
	if err != nil {
		sess.Close()
		return nil, err
	}
	c.session = sess
	wm.GetMessageForRetry = c.messageForRetry
	wm.AddEventHandler(c.handleEvent)
	return c, nil
}

func newClient(cli waClient, device *wastore.Device, opts Options) (*Client, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	c := &Client{cli: cli, device: device, db: opts.DB, opts: opts, log: opts.Logger, metrics: m,
		queue: newQueue(), onWA: map[types.JID]onWhatsApp{}}
	if c.paired() {
		c.st = status{name: StateDisconnected, reason: "not connected yet"}
	} else {
		c.st = status{name: StateNotPaired, reason: reasonNotPaired}
	}
	return c, nil
}

func (c *Client) paired() bool { return c.device != nil && c.device.ID != nil }

// OnConnected registers fn to run (in its own goroutine) after every
// successful connection; the scheduler uses it to send what came due
// while the account was offline.
func (c *Client) OnConnected(fn func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onConnected = append(c.onConnected, fn)
}

// Start runs the event worker and, when the device is paired, connects in
// the background until ctx ends. An unpaired device stays not paired:
// messages wait as pending until `vpslink login` and a restart.
func (c *Client) Start(ctx context.Context) {
	ctx, c.stop = context.WithCancel(ctx)
	c.runCtx, c.done = ctx, make(chan struct{})
	go func() {
		defer close(c.done)
		c.runWorker(ctx)
	}()
	if c.paired() {
		go c.connectLoop(ctx)
	} else {
		c.log.Warn("WhatsApp is not paired; scheduled messages stay pending", "hint", "link it on the web UI's WhatsApp page")
	}
}

// connectLoop makes the first connection. whatsmeow's auto-reconnect only
// covers connections that were up once, so a machine that boots without
// network keeps trying here.
func (c *Client) connectLoop(ctx context.Context) {
	for attempt := 1; ; attempt++ {
		err := c.cli.Connect()
		if err == nil || errors.Is(err, whatsmeow.ErrAlreadyConnected) {
			return
		}
		c.log.Warn("WhatsApp connect failed", "attempt", attempt, "err", err)
		c.setState(status{name: StateDisconnected, reason: "disconnected, reconnecting: " + err.Error()})
		select {
		case <-ctx.Done():
			return
		case <-time.After(min(time.Duration(attempt)*2*time.Second, time.Minute)):
		}
	}
}

// Close disconnects, writes what the event worker still holds, and closes
// the session store.
func (c *Client) Close() error {
	c.cli.Disconnect()
	c.mu.Lock()
	if c.banTimer != nil {
		c.banTimer.Stop()
	}
	c.mu.Unlock()
	if c.stop != nil {
		c.stop()
		<-c.done
		c.groups.Wait()
	}
	if c.session != nil {
		return c.session.Close()
	}
	return nil
}

// messageForRetry answers a recipient device's retry request from the
// database, so that it works for messages sent before a restart.
func (c *Client) messageForRetry(requester, to types.JID, id types.MessageID) *waE2E.Message {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	text, err := c.db.SentText(ctx, id)
	if err != nil {
		c.log.Info("WhatsApp retry request for an unknown message", "id", id, "requester", requester.String(), "err", err)
		return nil
	}
	return &waE2E.Message{Conversation: proto.String(text)}
}
