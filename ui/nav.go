package ui

import (
	"html/template"
	"strings"
)

// navEntries are the pages of the main navigation, in order. A desktop
// shows them all in the sidebar; a phone's bottom bar holds the first
// phoneBar of them and a "More" menu the rest, so that any number of pages
// fits 360 px. Icon names a drawing in icons.
var navEntries = []navEntry{
	{"/", "Dashboard", "home"},
	{"/messages", "Messages", "messages"},
	{"/contacts", "Contacts", "contacts"},
	{"/jobs", "Jobs", "jobs"},
	{"/templates", "Templates", "templates"},
	{"/chats", "Chats", "chats"},
	{"/whatsapp", "WhatsApp", "phone"},
	{"/backups", "Backups", "backups"},
	{"/settings", "Settings", "settings"},
}

// phoneBar is how many entries a phone's bottom bar holds besides "More":
// five slots of 72 px at 360 px wide.
const phoneBar = 4

type navEntry struct{ Href, Label, Icon string }

type navItem struct {
	navEntry
	Active bool
	// Extra marks the entries a phone shows under "More" instead.
	Extra bool
}

// navigation is the main navigation as seen from path.
type navigation struct {
	Bar, More []navItem
	// MoreActive marks "More" when the page shown is one of its entries.
	MoreActive bool
}

func newNavigation(path string) navigation {
	var n navigation
	for i, e := range navEntries {
		it := navItem{navEntry: e, Active: path == e.Href || e.Href != "/" && strings.HasPrefix(path, e.Href+"/")}
		if i < phoneBar {
			n.Bar = append(n.Bar, it)
			continue
		}
		it.Extra = true
		n.More = append(n.More, it)
		n.MoreActive = n.MoreActive || it.Active
	}
	return n
}

// icons are 24 × 24 line drawings, stroked in the text colour by app.css.
// Inline SVG needs no request and no style attribute.
var icons = map[string]string{
	"home":      `<path d="M3 11l9-8 9 8M5 10v10h5v-6h4v6h5V10"/>`,
	"messages":  `<path d="M4 5h16v11H9l-5 4z"/><path d="M8 9h8M8 12h5"/>`,
	"contacts":  `<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 4-6 8-6s8 2 8 6"/>`,
	"groups":    `<circle cx="9" cy="8" r="3"/><path d="M3 20c0-3 3-5 6-5s6 2 6 5"/><circle cx="17" cy="9" r="2.5"/><path d="M16 14.5c3 0 5 2 5 4.5"/>`,
	"jobs":      `<path d="M3 10v4h4l6 5V5L7 10z"/><path d="M16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12"/>`,
	"templates": `<path d="M6 3h9l4 4v14H6z"/><path d="M14 3v5h5M9 13h7M9 17h5"/>`,
	"chats":     `<path d="M3 4h12v9H7l-4 3z"/><path d="M18 8h3v11l-3-2h-8v-2"/>`,
	"phone":     `<path d="M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z"/>`,
	"backups":   `<ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>`,
	"settings":  `<path d="M4 6h9m4 0h3M4 12h2m4 0h10M4 18h11m4 0h1"/><circle cx="15" cy="6" r="2"/><circle cx="8" cy="12" r="2"/><circle cx="17" cy="18" r="2"/>`,
	"more":      `<circle cx="5" cy="12" r="1"/><circle cx="12" cy="12" r="1"/><circle cx="19" cy="12" r="1"/>`,
	"plus":      `<path d="M12 5v14M5 12h14"/>`,
	"logout":    `<path d="M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10"/>`,
}

// icon is the drawing called name; a page without one of its own gets a
// plain dot rather than nothing, so the bar stays aligned.
func icon(name string) template.HTML {
	d, ok := icons[name]
	if !ok {
		d = `<circle cx="12" cy="12" r="3"/>`
	}
	return template.HTML(`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">` + d + `</svg>`)
}
