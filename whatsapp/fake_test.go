package whatsapp

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// fakeClient stands in for *whatsmeow.Client.
type fakeClient struct {
	mu         sync.Mutex
	connected  bool
	handlers   []whatsmeow.EventHandler
	sendErr    error
	sent       []fakeSend
	presences  []presence
	onWA       map[string]types.JID // "+phone" -> canonical JID; missing: not on WhatsApp
	onWAErr    error
	onWACalls  int
	groups     []*types.GroupInfo // what GetJoinedGroups reports
	groupsErr  error
	groupCalls int
	qr         chan whatsmeow.QRChannelItem
	pairPhones []string
	onConnect  func() // run in its own goroutine by Connect, like whatsmeow's events
	connectErr error
	logouts    int
	disconnect int
}

type fakeSend struct {
	to   types.JID
	text string
	id   types.MessageID
}

func newFakeClient() *fakeClient {
	// The QR channel is unbuffered: a feed's next step happens only after
	// login has taken (and acted on) the previous item, as with a person
	// who scans the code that is shown.
	return &fakeClient{onWA: map[string]types.JID{}, qr: make(chan whatsmeow.QRChannelItem)}
}

func (f *fakeClient) SendMessage(ctx context.Context, to types.JID, msg *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sendErr != nil {
		return whatsmeow.SendResponse{}, f.sendErr
	}
	f.sent = append(f.sent, fakeSend{to: to, text: msg.GetConversation(), id: extra[0].ID})
	return whatsmeow.SendResponse{ID: extra[0].ID, Timestamp: time.Now()}, nil
}

func (f *fakeClient) SendChatPresence(ctx context.Context, jid types.JID, state types.ChatPresence, media types.ChatPresenceMedia) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.presences = append(f.presences, presence{jid.String(), state})
	return nil
}

func (f *fakeClient) IsOnWhatsApp(ctx context.Context, phones []string) ([]types.IsOnWhatsAppResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onWACalls++
	if f.onWAErr != nil {
		return nil, f.onWAErr
	}
	jid, ok := f.onWA[phones[0]]
	return []types.IsOnWhatsAppResponse{{Query: phones[0], JID: jid, IsIn: ok}}, nil
}

func (f *fakeClient) GetJoinedGroups(ctx context.Context) ([]*types.GroupInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.groupCalls++
	if f.groupsErr != nil {
		return nil, f.groupsErr
	}
	return slices.Clone(f.groups), nil
}

// joinGroups makes the account a member of groups, as GetJoinedGroups
// reports them from now on.
func (f *fakeClient) joinGroups(groups ...*types.GroupInfo) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.groups = append(f.groups, groups...)
}

// groupInfo is a group as WhatsApp describes it, with n participants.
func groupInfo(jid types.JID, name string, n int) *types.GroupInfo {
	return &types.GroupInfo{JID: jid, GroupName: types.GroupName{Name: name}, ParticipantCount: n}
}

func (f *fakeClient) IsConnected() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.connected
}

func (f *fakeClient) IsLoggedIn() bool { return f.IsConnected() }

func (f *fakeClient) Connect() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.connectErr != nil {
		return f.connectErr
	}
	f.connected = true
	if f.onConnect != nil {
		go f.onConnect()
	}
	return nil
}

func (f *fakeClient) Disconnect() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.connected = false
	f.disconnect++
}

func (f *fakeClient) Logout(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logouts++
	return nil
}

func (f *fakeClient) AddEventHandler(h whatsmeow.EventHandler) uint32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handlers = append(f.handlers, h)
	return uint32(len(f.handlers))
}

func (f *fakeClient) GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	return f.qr, nil
}

func (f *fakeClient) PairPhone(ctx context.Context, phone string, show bool, ct whatsmeow.PairClientType, name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pairPhones = append(f.pairPhones, phone)
	return "ABCD-EFGH", nil
}

// emit delivers evt to the registered handlers, as whatsmeow's event
// goroutine does.
func (f *fakeClient) emit(evt any) {
	f.mu.Lock()
	hs := append([]whatsmeow.EventHandler(nil), f.handlers...)
	f.mu.Unlock()
	for _, h := range hs {
		h(evt)
	}
}

const ownPhone = "491700000000"

// newTestClient returns a service client over a fake whatsmeow client and
// a fresh database; paired gives the device an account JID.
func newTestClient(t *testing.T, paired bool) (*Client, *fakeClient, *store.DB) {
	t.Helper()
	db := storetest.Open(t)
	var device *wastore.Device
	if paired {
		jid := types.NewADJID(ownPhone, 0, 12)
		device = &wastore.Device{ID: &jid}
	}
	f := newFakeClient()
	c, err := newClient(f, device, Options{DB: db, Logger: slog.New(slog.NewTextHandler(t.Output(), nil)), Now: db.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.AddEventHandler(c.handleEvent)
	return c, f, db
}

// connect brings the fake and the client's state up.
func connect(c *Client, f *fakeClient) {
	f.mu.Lock()
	f.connected = true
	f.mu.Unlock()
	f.emit(&events.Connected{})
}

// waitFor polls cond for up to 5 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// presence is one chat presence the client sent.
type presence struct {
	to    string
	state types.ChatPresence
}
