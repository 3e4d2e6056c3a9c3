package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/internal/tooltest"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/ui"
)

// screenshotDirEnv names a directory for the browser tests' screenshots;
// without it they go to the test's temporary directory. The README's come
// from `VPSLINK_SCREENSHOTS=$PWD/docs/ui go test ./ui -run Browser`.
const screenshotDirEnv = "VPSLINK_SCREENSHOTS"

// screenshotsWanted says whether screenshots are kept for review.
func screenshotsWanted() bool { return os.Getenv(screenshotDirEnv) != "" }

// newBrowser starts Debian's chromium headless with a fresh profile and
// nothing that talks to the outside. Without chromium the test skips,
// except in CI, where .ci/install-browser has installed it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := tooltest.Installed(t, "chromium", ".ci/install-browser")
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900))
	ctx, cancelCtx := chromedp.NewContext(alloc)
	// A bound for a hung browser, not a speed check: a busy CI machine is slow.
	ctx, cancelTimeout := context.WithTimeout(ctx, 10*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	// Headless chromium prefers light; the UI's default is dark.
	if err := chromedp.Do(ctx, colorScheme("dark")); err != nil { // starts the browser
		t.Fatal(err)
	}
	return ctx
}

// colorScheme makes the page see prefers-color-scheme: scheme.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return chromedp.Void{}, err
	}
}

// pageErrors collects what the browser reports as errors from here on:
// script exceptions and error log entries, which is where a blocked
// request or a Content-Security-Policy violation shows.
type pageErrors struct {
	mu   sync.Mutex
	seen []string
}

func watchErrors(t *testing.T, ctx context.Context) *pageErrors {
	t.Helper()
	pe := &pageErrors{}
	err := chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				msg = ev.Entry.Text + " " + ev.Entry.URL
			}
		case *runtime.EventExceptionThrown:
			msg = ev.ExceptionDetails.Text
			if ex := ev.ExceptionDetails.Exception; ex != nil {
				msg += " " + ex.Description
			}
		}
		if msg != "" {
			pe.mu.Lock()
			pe.seen = append(pe.seen, msg)
			pe.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	enable := func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{})
		return chromedp.Void{}, err
	}
	browse(t, ctx, "enable the log", enable)
	return pe
}

// take returns the errors seen since the last call.
func (pe *pageErrors) take() []string {
	pe.mu.Lock()
	defer pe.mu.Unlock()
	seen := pe.seen
	pe.seen = nil
	return seen
}

// browse runs actions, failing the test with step's name on error.
func browse(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// waitFor polls a JavaScript condition until it holds. It evaluates
// afresh each time because a navigation in between destroys the page's
// context, which a poll inside the page would not survive.
func waitFor(t *testing.T, ctx context.Context, step, cond string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		var ok bool
		if ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+cond+")")); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	dbg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 2000)`))
	t.Fatalf("%s: gave up waiting for %s (last error: %v)\n%s", step, cond, err, dbg)
}

// screenshot saves the page at width pixels wide.
func screenshot(t *testing.T, ctx context.Context, name string, width int64) {
	t.Helper()
	dir := os.Getenv(screenshotDirEnv)
	if dir == "" {
		dir = t.TempDir()
	}
	// A window as tall as the page, so that the phone's bottom bar shows at
	// the bottom of the picture rather than across its middle.
	browse(t, ctx, "resize", chromedp.EmulateViewport(width, 900))
	height, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`Math.max(900, document.documentElement.scrollHeight)`))
	if err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, "resize to the page", chromedp.EmulateViewport(width, height))
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, "resize back", chromedp.EmulateViewport(1280, 900))
}

// wallClock runs the UI and the API on the real clock, which the
// scheduler engine uses.
func wallClock(a *api.Config, u *ui.Config) { a.Now, u.Now = time.Now, time.Now }

func TestBrowser(t *testing.T) {
	ctx := newBrowser(t)
	e := newEnv(t, wallClock)
	e.addContact("48601234567", "Żaneta Wójcik", "Europe/Warsaw", "Żan")
	e.addContact("351911111111", "Ana", "Europe/Lisbon")
	e.run()
	base := e.srv.URL
	now := time.Now().UTC()

	t.Run("sign in", func(t *testing.T) {
		browse(t, ctx, "open", chromedp.Navigate(base+"/"))
		waitFor(t, ctx, "login page", `location.pathname == "/login"`)
		browse(t, ctx, "sign in", chromedp.SendKeys(chromedp.ID("secret"), testSecret),
			chromedp.Submit(chromedp.ID("secret")))
		waitFor(t, ctx, "dashboard", `location.pathname == "/" && !!document.querySelector("#count-sent")`)
	})

	t.Run("emergency stop", func(t *testing.T) {
		browse(t, ctx, "stop", chromedp.Click(chromedp.ID("emergency-stop")))
		waitFor(t, ctx, "stopped", `document.querySelector("#emergency-stop").getAttribute("aria-checked") == "false"`)
		if !e.engine.Stopped() {
			t.Fatal("the switch did not stop sending")
		}
	})

	t.Run("schedule with the picker and watch it go out", func(t *testing.T) {
		browse(t, ctx, "form", chromedp.Navigate(base+"/messages/new"))
		browse(t, ctx, "type", chromedp.SendKeys(chromedp.ID("to_phone"), "żan"))
		waitFor(t, ctx, "picker", `!!document.querySelector(".pick[data-phone='48601234567']")`)
		browse(t, ctx, "pick", chromedp.Click(chromedp.CSS(".pick[data-phone='48601234567']")))
		waitFor(t, ctx, "picked", `document.querySelector("#to_phone").value == "48601234567" && document.querySelector("#timezone").value == "Europe/Warsaw"`)
		warsaw, _ := time.LoadLocation("Europe/Warsaw")
		later := now.Add(3 * time.Hour).In(warsaw)
		browse(t, ctx, "fill",
			chromedp.SetValue(chromedp.ID("message"), "Wesołych Świąt!"),
			chromedp.SetValue(chromedp.ID("date"), later.Format("2006-01-02")),
			chromedp.SetValue(chromedp.ID("time"), later.Format("15:04")),
			chromedp.SetValue(chromedp.ID("timezone"), "Europe/Warsaw"))
		waitFor(t, ctx, "both local times", `document.querySelector("#when-preview").textContent.includes("CET")`)
		screenshot(t, ctx, "schedule", 1280)
		screenshot(t, ctx, "schedule", 390)
		// Now, so that it goes out as soon as sending resumes.
		browse(t, ctx, "submit", chromedp.Click(chromedp.ID("schedule-now")))
		waitFor(t, ctx, "scheduled", `location.pathname == "/messages"`)

		browse(t, ctx, "dashboard", chromedp.Navigate(base+"/"))
		waitFor(t, ctx, "pending shown", `document.querySelector("#count-pending").textContent == "1"`)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`)); err != nil {
			t.Fatal(err)
		}
		if err := e.engine.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "sent without a reload", `document.querySelector("#count-sent").textContent == "1" && window.notReloaded === true`)
		waitFor(t, ctx, "the stop banner gone", `!document.querySelector("#stopped-banner")`)
		for i, text := range []string{"Don't forget the keys", "Happy birthday, Ana!", "Reunião amanhã às 10h"} {
			m := &vpslink.ScheduledMessage{ToPhone: []string{"48601234567", "351911111111", "351911111111"}[i],
				Message: text, ScheduledAt: now.Add(time.Duration(i+1) * 5 * time.Hour)}
			if err := e.db.CreateMessage(context.Background(), m); err != nil {
				t.Fatal(err)
			}
		}
		waitFor(t, ctx, "upcoming shown", `document.querySelectorAll("#live .rows li").length == 3`)
		screenshot(t, ctx, "dashboard", 1280)
		screenshot(t, ctx, "dashboard", 390)
	})

	t.Run("cancel one", func(t *testing.T) {
		m := &vpslink.ScheduledMessage{ToPhone: "351911111111", Message: "later", ScheduledAt: now.Add(48 * time.Hour)}
		if err := e.db.CreateMessage(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		browse(t, ctx, "open", chromedp.Navigate(base+"/messages/"+m.ID))
		browse(t, ctx, "cancel", chromedp.Click(chromedp.ID("cancel-message")))
		waitFor(t, ctx, "cancelled list", `location.search == "?status=cancelled"`)
		if got, _ := e.db.GetMessage(context.Background(), m.ID); got.Status != vpslink.MessageCancelled {
			t.Fatalf("status %s", got.Status)
		}
	})

	t.Run("resend a failed one", func(t *testing.T) {
		m := &vpslink.ScheduledMessage{ToPhone: "351911111111", Message: "try again", ScheduledAt: now.Add(-time.Hour),
			Status: vpslink.MessageFailed, ErrorMessage: "not on WhatsApp"}
		if err := e.db.Update(context.Background(), func(tx *store.Tx) error { return tx.CreateMessage(context.Background(), m) }); err != nil {
			t.Fatal(err)
		}
		browse(t, ctx, "failed list", chromedp.Navigate(base+"/messages?status=failed"))
		browse(t, ctx, "again", chromedp.Click(chromedp.CSS(`a[href="/messages/new?from=`+m.ID+`"]`)))
		waitFor(t, ctx, "prefilled", `document.querySelector("#message").value == "try again" && document.querySelector("#to_phone").value == "351911111111"`)
		at := now.Add(24 * time.Hour)
		browse(t, ctx, "when",
			chromedp.SetValue(chromedp.ID("date"), at.Format("2006-01-02")),
			chromedp.SetValue(chromedp.ID("time"), at.Format("15:04")),
			chromedp.SetValue(chromedp.ID("timezone"), "UTC"))
		browse(t, ctx, "submit", chromedp.Click(chromedp.ID("schedule-submit")))
		waitFor(t, ctx, "scheduled", `location.pathname == "/messages"`)
		var found bool
		for _, p := range e.messages(vpslink.MessagePending) {
			found = found || p.Message == "try again" && p.ResentFrom == m.ID
		}
		if !found {
			t.Fatal("the failed message was not scheduled again")
		}
	})

	t.Run("add a contact", func(t *testing.T) {
		browse(t, ctx, "form", chromedp.Navigate(base+"/contacts/new"))
		browse(t, ctx, "fill", chromedp.SendKeys(chromedp.ID("phone"), "+55 11 91234 5678"),
			chromedp.SendKeys(chromedp.ID("name"), "<script>alert(1)</script>"),
			chromedp.SendKeys(chromedp.ID("aliases"), "Zé, José"))
		browse(t, ctx, "save", chromedp.Click(chromedp.ID("contact-save")))
		waitFor(t, ctx, "contact page", `location.pathname == "/contacts/5511912345678"`)
		waitFor(t, ctx, "shown as text", `document.querySelector("h1").textContent == "<script>alert(1)</script>"`)
		if _, err := e.db.GetContact(context.Background(), "5511912345678"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("save a template, preview it and schedule from it", func(t *testing.T) {
		browse(t, ctx, "form", chromedp.Navigate(base+"/templates/new"))
		browse(t, ctx, "fill", chromedp.SendKeys(chromedp.ID("name"), "greeting"),
			chromedp.SendKeys(chromedp.ID("text"), "Oi {first_name}!"), chromedp.SendKeys(chromedp.ID("preview-to"), "Ana"))
		waitFor(t, ctx, "preview", `(p => p && p.textContent == "Oi Ana!")(document.querySelector("#preview-text"))`)
		screenshot(t, ctx, "template", 1280)
		browse(t, ctx, "save", chromedp.Click(chromedp.ID("template-save")))
		waitFor(t, ctx, "list", `location.pathname == "/templates" && document.body.textContent.includes("greeting")`)

		browse(t, ctx, "schedule form", chromedp.Navigate(base+"/messages/new?to=351911111111"))
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(s => { s.value = s.options[1].value;
			return s.dispatchEvent(new Event("change", {bubbles: true})) })(document.querySelector("#template_id"))`)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "text from the template", `document.querySelector("#message").value == "Oi {first_name}!"`)
		at := now.Add(30 * time.Hour)
		browse(t, ctx, "when", chromedp.SetValue(chromedp.ID("date"), at.Format("2006-01-02")),
			chromedp.SetValue(chromedp.ID("time"), at.Format("15:04")), chromedp.SetValue(chromedp.ID("timezone"), "UTC"))
		browse(t, ctx, "submit", chromedp.Click(chromedp.ID("schedule-submit")))
		waitFor(t, ctx, "scheduled", `location.pathname == "/messages"`)
		var found bool
		for _, m := range e.messages(vpslink.MessagePending) {
			found = found || m.Message == "Oi {first_name}!" && m.TemplateID != nil
		}
		if !found {
			t.Fatal("no pending message made from the template")
		}
	})

	t.Run("create a job and see its progress", func(t *testing.T) {
		browse(t, ctx, "form", chromedp.Navigate(base+"/jobs/new"))
		browse(t, ctx, "type", chromedp.SendKeys(chromedp.ID("job-pick"), "wójcik"))
		waitFor(t, ctx, "picker", `!!document.querySelector("#job-picks .pick[data-phone='48601234567']")`)
		browse(t, ctx, "pick", chromedp.Click(chromedp.CSS("#job-picks .pick[data-phone='48601234567']")))
		waitFor(t, ctx, "added", `document.querySelector("#recipients").value == "48601234567\n"`)
		browse(t, ctx, "fill",
			chromedp.SendKeys(chromedp.ID("title"), "Christmas"),
			chromedp.SendKeys(chromedp.ID("recipients"), "Ana\n"),
			chromedp.SendKeys(chromedp.ID("parts"), "Merry Christmas\n---\nAnd a happy new year"),
			chromedp.SetValue(chromedp.ID("part_delay"), "0"),
			chromedp.SetValue(chromedp.ID("gap"), "1"))
		browse(t, ctx, "create", chromedp.Click(chromedp.ID("job-now")))
		waitFor(t, ctx, "job page", `location.pathname.startsWith("/jobs/") && !!document.querySelector("#job-live progress")`)
		waitFor(t, ctx, "progress to the end", `(p => p && p.value == 2 && p.max == 2)(document.querySelector("#job-live progress"))`)
		waitFor(t, ctx, "completed", `document.querySelector("#job-live .badge").textContent == "completed"`)
	})
}

func TestBrowserPairing(t *testing.T) {
	ctx := newBrowser(t)
	wa := newFakeWhatsApp()
	e := newEnv(t, wa.option)
	browse(t, ctx, "sign in", chromedp.Navigate(e.srv.URL+"/login"))
	browse(t, ctx, "secret", chromedp.SendKeys(chromedp.ID("secret"), testSecret), chromedp.Submit(chromedp.ID("secret")))
	waitFor(t, ctx, "dashboard", `location.pathname == "/" && !!document.querySelector("#count-sent")`)
	browse(t, ctx, "whatsapp page", chromedp.Navigate(e.srv.URL+"/whatsapp"))
	browse(t, ctx, "link with a QR code", chromedp.Click(chromedp.ID("pair-qr")))
	waitFor(t, ctx, "QR shown", `(i => i && i.complete && i.naturalWidth > 0)(document.querySelector("#qr"))`)
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#qr").src`))
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "whatsapp", 390)
	wa.rotate()
	waitFor(t, ctx, "QR follows WhatsApp's", `document.querySelector("#qr").src != `+jsString(first))
	wa.link()
	waitFor(t, ctx, "connected", `document.querySelector("#wa-state").textContent.includes("connected")`)
}

// jsString quotes s for a JavaScript expression.
func jsString(s string) string { return strconv.Quote(s) }
