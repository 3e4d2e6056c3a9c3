package scheduler

import (
	"context"
	"log/slog"
	"time"

	"github.com/vpslink/vpslink"
)

// Typer shows "typing…" in a chat; on=false takes it back. It is best
// effort: an error is logged, never a reason not to send.
type Typer interface {
	Typing(ctx context.Context, to string, on bool) error
}

// pace works out a job's delays: the explicit ones in manual mode (a null
// part delay is the settings' default, the gap gets GapJitter), human-like
// ones in automatic mode (docs/sending.md).
type pace struct {
	settings  vpslink.Settings
	automatic bool
	rand      func() float64
	gapJitter time.Duration
}

func (e *Engine) paceOf(s vpslink.Settings, j *vpslink.Job) pace {
	p := pace{settings: s, automatic: j.Config.Automatic(s), rand: e.cfg.Rand, gapJitter: e.cfg.GapJitter}
	if !s.Humanize {
		p.rand = func() float64 { return 0.5 } // the worked-out delays, without randomness
	}
	return p
}

// drawn returns p with its random number drawn once: one step's delays
// use one draw (a step ends in a part delay or a recipient gap, never both).
func (p pace) drawn() pace {
	u := p.rand()
	p.rand = func() float64 { return u }
	return p
}

// typing is how long "typing…" shows before text; zero in manual mode or
// with humanization off.
func (p pace) typing(text string) time.Duration {
	if !p.automatic || !p.settings.Humanize {
		return 0
	}
	return p.settings.TypingTime(text, p.rand())
}

func (p pace) partDelay(part vpslink.MessagePart) time.Duration {
	if d, ok := part.Delay(); ok {
		return d
	}
	switch {
	case p.automatic:
		return p.settings.PauseTime(p.rand())
	}
	return time.Duration(p.settings.PartDelaySeconds) * time.Second
}

func (p pace) recipientGap(gapSeconds int) time.Duration {
	if p.automatic {
		return p.settings.GapTime(gapSeconds, p.rand())
	}
	return time.Duration(gapSeconds)*time.Second + time.Duration(p.rand()*float64(p.gapJitter))
}

// loadSettings reads the settings the engine applies to every send (the
// rate cap); job steps read them afresh.
func (e *Engine) loadSettings(ctx context.Context) error {
	s, _, err := e.db.Settings(ctx)
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.rateCap, e.quiet = s.MaxSendsPerMinute, nil
	if s.QuietHours && s.QuietForMessages {
		e.quiet = &s
	}
	e.mu.Unlock()
	return nil
}

func (e *Engine) rateCapped() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rateCap > 0
}

// quietUntil returns the end of the recipient's quiet hours at now, or the
// zero time. The recipient's zone is its contact's, else the default.
func (e *Engine) quietUntil(ctx context.Context, s vpslink.Settings, to string, now time.Time) (time.Time, error) {
	if !s.QuietHours {
		return time.Time{}, nil
	}
	zone := s.DefaultTimezone
	if phone := vpslink.PhoneFromJID(to); phone != "" {
		c, err := e.db.GetContact(ctx, phone)
		if err != nil && vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
			return time.Time{}, err
		}
		if c != nil && c.Timezone != "" {
			zone = c.Timezone
		}
	}
	loc, err := vpslink.LoadLocation("timezone", zone)
	if err != nil || loc == nil {
		loc = time.UTC // a zone this machine does not know: the default's rules, in UTC
	}
	return s.QuietUntil(now, loc), nil
}

// beforeClaim runs what comes before a job step's claim: the quiet-hours
// check (the step moves to the window's end and nothing is claimed) and
// "typing…" for the part's typing time. Both happen before the claim, so a
// cancel, pause or stop meanwhile is seen by the claim and nothing is
// sent, and a crash leaves nothing claimed. It returns the typing time
// shown and whether the step may go on to its claim.
func (e *Engine) beforeClaim(ctx context.Context, log *slog.Logger, s vpslink.Settings, pc pace, j *vpslink.Job, now time.Time) (time.Duration, bool, error) {
	r, p := j.CurrentRecipientIndex, j.CurrentPartIndex
	if r >= len(j.Recipients) || p >= len(j.MessageParts) {
		return 0, true, nil // the claim refuses it with its reason
	}
	to := j.Recipients[r]
	until, err := e.quietUntil(ctx, s, to, now)
	if err != nil {
		return 0, false, err
	}
	if !until.IsZero() {
		moved, err := e.db.DeferJobStep(ctx, j.ID, r, p, until)
		if moved {
			log.Info("quiet hours: step waits", "until", until.UTC())
		}
		return 0, false, err
	}
	d := pc.typing(j.MessageParts[p].Text)
	if d <= 0 {
		return 0, true, nil
	}
	if e.cfg.Typer != nil {
		if err := e.cfg.Typer.Typing(ctx, to, true); err != nil {
			log.Debug("typing indicator failed", "err", err)
		}
	}
	if !e.wait(ctx, now, d) {
		e.typingOff(log, to)
		return 0, false, nil // shutting down: nothing claimed
	}
	return d, true, nil
}

// typingOff takes "typing…" back after a step that did not send.
func (e *Engine) typingOff(log *slog.Logger, to string) {
	if e.cfg.Typer == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.cfg.Typer.Typing(ctx, to, false); err != nil {
		log.Debug("typing indicator failed", "err", err)
	}
}

// wait waits d on the engine's clock, ignoring wake-ups: chat capture
// writes often, and each write would otherwise start the typing again. It
// reports false when ctx ended first.
func (e *Engine) wait(ctx context.Context, now time.Time, d time.Duration) bool {
	t := e.clock.NewTimer(d)
	defer t.Stop()
	if e.onIdle != nil {
		e.onIdle(now, now.Add(d))
	}
	select {
	case <-ctx.Done():
		return false
	case <-t.C():
		return true
	}
}

// quietMessage moves a due message inside its recipient's quiet hours to
// the window's end, when the settings ask for quiet hours on single
// messages, and reports whether it did; nothing is claimed.
func (e *Engine) quietMessage(ctx context.Context, log *slog.Logger, id string, now time.Time) (bool, error) {
	e.mu.Lock()
	s := e.quiet
	e.mu.Unlock()
	if s == nil {
		return false, nil
	}
	m, err := e.db.GetMessage(ctx, id)
	if err != nil {
		return false, err
	}
	until, err := e.quietUntil(ctx, *s, m.RecipientJID(), now)
	if err != nil || until.IsZero() {
		return false, err
	}
	moved, err := e.db.DeferMessage(ctx, id, until)
	if moved {
		log.Info("quiet hours: message waits", "until", until.UTC())
	}
	return true, err
}
