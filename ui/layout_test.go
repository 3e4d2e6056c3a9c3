package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
	"github.com/vpslink/vpslink/ui"
)

// layoutChecks is run on every page at every width: nothing wider than the
// window, every page of the main navigation reachable (in view, or behind
// "More"), and the "+" button over nothing a person could click.
const layoutChecks = `(() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) {
    const wide = [...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : ""));
    problems.push("wider than the window (" + doc.scrollWidth + " > " + window.innerWidth + "): " + wide.join(", "));
  }
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility != "hidden"; };
  const nav = document.querySelector("nav[aria-label=Main]");
  if (nav) {
    const more = nav.querySelector("details");
    const open = more && more.open;
    if (more) more.open = true;
    const pages = new Set();
    nav.querySelectorAll("a[href]").forEach(a => {
      if (!shown(a)) return;
      const r = a.getBoundingClientRect();
      const hit = document.elementFromPoint(Math.min(r.left + r.width / 2, window.innerWidth - 1), r.top + r.height / 2);
      if (r.left < 0 || r.right > window.innerWidth + 0.5 || !hit || !a.contains(hit)) problems.push("nav link " + a.getAttribute("href") + " is cut off or covered");
      else pages.add(a.getAttribute("href"));
    });
    if (more) more.open = open;
    for (const href of %s) if (!pages.has(href)) problems.push("nav lacks a reachable " + href);
    const out = [...nav.querySelectorAll("button")].filter(b => b.textContent.includes("Log out"));
    if (!out.length) problems.push("no Log out");
  }
  document.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(el => {
    if (!el.labels.length && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) {
      problems.push("no label for " + el.tagName.toLowerCase() + "#" + el.id + "[name=" + el.name + "]");
    }
  });
  document.querySelectorAll("a[href], button, summary").forEach(el => {
    if (!(el.textContent.trim() || el.getAttribute("aria-label") || el.querySelector("img[alt]"))) problems.push("nothing names " + el.outerHTML.slice(0, 80));
  });
  const ids = new Set();
  document.querySelectorAll("[id]").forEach(el => { if (ids.has(el.id)) problems.push("two elements with id " + el.id); ids.add(el.id); });
  const fab = document.querySelector(".fab");
  if (fab && shown(fab)) {
    const f = fab.getBoundingClientRect();
    document.querySelectorAll("main a, main button, main input, main select, main textarea, main summary").forEach(el => {
      if (!shown(el)) return;
      const r = el.getBoundingClientRect();
      if (r.left < f.right && r.right > f.left && r.top + scrollY < f.bottom + scrollY && r.bottom + scrollY > f.top + scrollY && !el.closest("[hidden]")) {
        problems.push("the + button covers " + el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " + JSON.stringify(el.textContent.trim().slice(0, 30)));
      }
    });
  }
  return problems.join("\n");
})()`

// navPages are the pages the main navigation must reach.
var navPages = []string{"/", "/messages", "/contacts", "/jobs", "/templates", "/chats", "/whatsapp", "/backups", "/settings"}

// TestBrowserLayout opens every page at a phone's and a desktop's width
// and checks what layoutChecks checks. With VPSLINK_SCREENSHOTS set it
// leaves a screenshot of each, which is how the layout is reviewed.
func TestBrowserLayout(t *testing.T) {
	ctx := newBrowser(t)
	wa := newFakeWhatsApp()
	e := newEnv(t, wallClock, wa.option, func(_ *api.Config, u *ui.Config) {
		u.Backups = &fakeBackups{snapshots: []ui.Snapshot{{Key: "whatsapp_20261127_120000.db.gz",
			Time: time.Now().Add(-time.Hour), Size: 123456, Tiers: []string{"hourly", "daily", "weekly"}, Keep: true}}}
	})
	pages := fillForLayout(t, e)
	errs := watchErrors(t, ctx)
	base := e.srv.URL
	browse(t, ctx, "sign in", chromedp.Navigate(base+"/login"))
	screenshotPage(t, ctx, "login")
	browse(t, ctx, "secret", chromedp.SendKeys(chromedp.ID("secret"), testSecret), chromedp.Submit(chromedp.ID("secret")))
	waitFor(t, ctx, "dashboard", `location.pathname == "/" && !!document.querySelector("#count-sent")`)
	checks := fmt.Sprintf(layoutChecks, jsArray(navPages))
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			for _, width := range []int64{360, 1280} {
				browse(t, ctx, "open", chromedp.EmulateViewport(width, 800), chromedp.Navigate(base+p.path))
				waitFor(t, ctx, "loaded", `document.readyState == "complete"`)
				problems, err := chromedp.Run(ctx, chromedp.Evaluate[string](checks))
				if err != nil {
					t.Fatal(err)
				}
				if problems != "" {
					t.Errorf("at %d px:\n%s", width, problems)
				}
				// A 404 page is one the browser reports.
				if seen := errs.take(); len(seen) > 0 && p.name != "notfound" {
					t.Errorf("at %d px the browser reports:\n%s", width, strings.Join(seen, "\n"))
				}
			}
			screenshotPage(t, ctx, p.name)
		})
	}

	t.Run("light", func(t *testing.T) {
		browse(t, ctx, "light", colorScheme("light"))
		defer browse(t, ctx, "dark", colorScheme("dark"))
		for _, p := range pages[:6] {
			browse(t, ctx, "open", chromedp.EmulateViewport(390, 800), chromedp.Navigate(base+p.path))
			waitFor(t, ctx, "loaded", `document.readyState == "complete"`)
			if problems, err := chromedp.Run(ctx, chromedp.Evaluate[string](checks)); err != nil || problems != "" {
				t.Errorf("%s: %v %s", p.name, err, problems)
			}
			screenshotPage(t, ctx, p.name+"-light")
		}
	})

	t.Run("a live update keeps the keyboard focus", func(t *testing.T) {
		browse(t, ctx, "dashboard", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/"))
		waitFor(t, ctx, "loaded", `document.readyState == "complete" && !!document.querySelector("#live .rows a")`)
		browse(t, ctx, "focus", chromedp.Focus(chromedp.CSS("#live .rows a")))
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(window.focused = document.activeElement)`)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Second) // the dashboard polls every 2 s
		waitFor(t, ctx, "focus kept", `document.activeElement === window.focused`)
		browse(t, ctx, "blur", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
		storetestMessage(t, e, "After the focus left")
		waitFor(t, ctx, "updates again", `document.querySelector("#live").textContent.includes("After the focus left")`)
	})

	t.Run("star a contact with the keyboard", func(t *testing.T) {
		browse(t, ctx, "contacts", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/contacts"))
		browse(t, ctx, "star", chromedp.Focus(chromedp.ID("star-351911111111")), chromedp.KeyEvent(kb.Enter))
		waitFor(t, ctx, "starred, focus kept", `document.activeElement.id == "star-351911111111" && document.activeElement.getAttribute("aria-pressed") == "true"`)
	})

	t.Run("schedule with the keyboard only", func(t *testing.T) {
		browse(t, ctx, "form", chromedp.EmulateViewport(390, 800), chromedp.Navigate(base+"/messages/new"))
		browse(t, ctx, "to", chromedp.Focus(chromedp.ID("to_phone")), chromedp.KeyEvent("wójcik"))
		waitFor(t, ctx, "matches", `!!document.querySelector("#picks .pick")`)
		browse(t, ctx, "choose", chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter))
		waitFor(t, ctx, "chosen", `document.querySelector("#to_phone").value == "48601234567" && document.activeElement.id == "to_phone"`)
		tabTo(t, ctx, "message")
		browse(t, ctx, "text", chromedp.KeyEvent("Typed, not clicked"))
		tabTo(t, ctx, "schedule-now")
		browse(t, ctx, "send now", chromedp.KeyEvent(kb.Enter))
		waitFor(t, ctx, "list", `location.pathname == "/messages" && document.body.textContent.includes("Typed, not clicked")`)
	})

	t.Run("a double click schedules once", func(t *testing.T) {
		browse(t, ctx, "form", chromedp.Navigate(base+"/messages/new?to=351911111111"))
		browse(t, ctx, "text", chromedp.SetValue(chromedp.ID("message"), "Only once"))
		browse(t, ctx, "double click", chromedp.Evaluate[chromedp.Void](
			`(b => { b.click(); setTimeout(() => b.click(), 30); })(document.querySelector("#schedule-now"))`))
		waitFor(t, ctx, "list", `location.pathname == "/messages"`)
		time.Sleep(500 * time.Millisecond) // a second request would have arrived by now
		n := 0
		for _, m := range e.messages(vpslink.MessagePending) {
			if m.Message == "Only once" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d messages scheduled", n)
		}
	})

	t.Run("more menu by keyboard", func(t *testing.T) {
		browse(t, ctx, "phone", chromedp.EmulateViewport(360, 800), chromedp.Navigate(base+"/"))
		waitFor(t, ctx, "loaded", `document.readyState == "complete"`)
		browse(t, ctx, "open", chromedp.Focus(chromedp.CSS(".nav-more summary")), chromedp.KeyEvent(kb.Enter))
		waitFor(t, ctx, "open", `document.querySelector(".nav-more").open`)
		if screenshotsWanted() {
			browse(t, ctx, "phone", chromedp.EmulateViewport(390, 800))
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(os.Getenv(screenshotDirEnv), "page-more-390.png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		browse(t, ctx, "into the menu", chromedp.KeyEvent(kb.Tab))
		// A phone's bar holds the first four entries; "More" the rest.
		waitFor(t, ctx, "first entry", `document.activeElement.getAttribute("href") == `+jsString(navPages[4]))
		browse(t, ctx, "close", chromedp.KeyEvent(kb.Escape))
		waitFor(t, ctx, "closed", `!document.querySelector(".nav-more").open && document.activeElement.matches(".nav-more summary")`)
		browse(t, ctx, "open again", chromedp.KeyEvent(kb.Enter))
		for range len(navPages) - 4 {
			browse(t, ctx, "next", chromedp.KeyEvent(kb.Tab))
		}
		waitFor(t, ctx, "settings", `document.activeElement.getAttribute("href") == "/settings"`)
		browse(t, ctx, "go", chromedp.KeyEvent(kb.Enter))
		waitFor(t, ctx, "settings page", `location.pathname == "/settings" && document.querySelector(".nav-more summary").classList.contains("active")`)
		browse(t, ctx, "log out", chromedp.Click(chromedp.CSS(".nav-more summary")), chromedp.Click(chromedp.CSS(".nav-more .logout")))
		waitFor(t, ctx, "signed out", `location.pathname == "/login"`)
	})
}

// screenshotPage saves the page at a phone's and a desktop's width, only
// when asked for screenshots.
func screenshotPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if screenshotsWanted() {
		screenshot(t, ctx, "page-"+name, 390)
		screenshot(t, ctx, "page-"+name, 1280)
	}
}

// tabTo presses Tab until the element with id has the focus.
func tabTo(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	for range 30 {
		if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement.id == `+jsString(id))); ok {
			return
		}
		browse(t, ctx, "tab", chromedp.KeyEvent(kb.Tab))
	}
	t.Fatalf("Tab never reaches #%s", id)
}

// storetestMessage schedules text to Ana an hour from now.
func storetestMessage(t *testing.T, e *env, text string) {
	t.Helper()
	storetest.CreateMessage(t, e.db, "351911111111", text, time.Now().Add(time.Hour))
}

type layoutPage struct{ name, path string }

// fillForLayout stores a little of everything, with long names and texts
// where a layout tends to break.
func fillForLayout(t *testing.T, e *env) []layoutPage {
	ctx := context.Background()
	now := time.Now().UTC()
	e.addContact("48601234567", "Żaneta Wójcik-Przybyszewska", "Europe/Warsaw", "Żan")
	e.addContact("351911111111", "Ana", "Europe/Lisbon")
	e.addContact("5511912345678", "<script>alert(1)</script>", "America/Sao_Paulo", "Zé", "José")
	long := "Reunião amanhã às 10h na sala grande do terceiro andar; tragam os relatórios impressos e o portátil carregado, por favor."
	var ids []string
	for i, status := range []string{vpslink.MessagePending, vpslink.MessagePending, vpslink.MessageSent, vpslink.MessageFailed, vpslink.MessageCancelled} {
		m := &vpslink.ScheduledMessage{ToPhone: []string{"48601234567", "351911111111", "5511912345678"}[i%3],
			Message: long, ScheduledAt: now.Add(time.Duration(i-2) * 3 * time.Hour), Status: status}
		if status == vpslink.MessageFailed {
			m.ErrorMessage = "not on WhatsApp"
		}
		if err := e.db.Update(ctx, func(tx *store.Tx) error { return tx.CreateMessage(ctx, m) }); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	delay := 5.0
	j := &vpslink.Job{Title: "Christmas greetings to the whole family and friends", Recipients: []string{"48601234567", "351911111111"},
		MessageParts:     []vpslink.MessagePart{{Text: "Merry Christmas", DelayAfterSeconds: &delay}, {Text: long}},
		ScheduledStartAt: now.Add(24 * time.Hour)}
	if err := e.db.CreateJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	tpl := &vpslink.Template{Name: "Birthday greeting for the whole extended family", Text: "Parabéns, {first_name|amigo}! " + long}
	if err := e.db.CreateTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	series := &vpslink.ScheduledMessage{ToPhone: "351911111111", Message: long, ScheduledAt: now.Add(48 * time.Hour),
		Recurrence: "FREQ=WEEKLY;BYDAY=MO,TH", TemplateID: &tpl.ID}
	if err := e.db.CreateMessage(ctx, series); err != nil {
		t.Fatal(err)
	}
	chat := "351911111111@s.whatsapp.net"
	// An unnamed group shows its long JID as its name.
	group := "120363025246125888-1700000000@g.us"
	b := store.WABatch{Chats: []store.WAChat{{ID: chat, Name: "Ana", UnreadCount: 2, LastMessageTime: now.Unix()},
		{ID: group, IsGroup: true, LastMessageTime: now.Add(-time.Hour).Unix()}}}
	for i := range 6 {
		b.Messages = append(b.Messages, store.WAMessage{ChatMessage: vpslink.ChatMessage{ChatID: chat,
			Message: fmt.Sprintf("message %d: %s", i, long), Timestamp: now.Add(time.Duration(i-6) * time.Minute).Unix(),
			MessageType: "text", WAMessageID: fmt.Sprintf("3EB0%04d", i), IsFromMe: i%2 == 0}})
	}
	if _, err := e.db.IngestWhatsApp(ctx, b); err != nil {
		t.Fatal(err)
	}
	return []layoutPage{
		{"dashboard", "/"},
		{"messages", "/messages"},
		{"messages-failed", "/messages?status=failed"},
		{"message", "/messages/" + ids[0]},
		{"message-sent", "/messages/" + ids[2]},
		{"schedule", "/messages/new"},
		{"contacts", "/contacts"},
		{"contact", "/contacts/48601234567"},
		{"contact-new", "/contacts/new"},
		{"contacts-import", "/contacts/import"},
		{"message-series", "/messages/" + series.ID},
		{"templates", "/templates"},
		{"template", "/templates/" + strconv.FormatInt(tpl.ID, 10)},
		{"template-new", "/templates/new"},
		{"jobs", "/jobs"},
		{"job", "/jobs/" + j.ID},
		{"job-new", "/jobs/new"},
		{"chats", "/chats"},
		{"chat", "/chats/" + url.PathEscape(chat)},
		{"chat-group", "/chats/" + url.PathEscape(group)},
		{"whatsapp", "/whatsapp"},
		{"backups", "/backups"},
		{"settings", "/settings"},
		{"notfound", "/messages/nope"},
	}
}

func jsArray(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = jsString(s)
	}
	return "[" + strings.Join(q, ",") + "]"
}
