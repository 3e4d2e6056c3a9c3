package ui

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/vpslink/vpslink"
)

// settingRow is one setting on the settings page.
type settingRow struct {
	Name, Label, Hint, Value, Source string
	Bool, Checked                    bool
}

// settingSection is a group of settings under a heading.
type settingSection struct {
	Title string
	Rows  []settingRow
}

type settingsPage struct {
	Sections []settingSection
	Errors   formErrors
	Saved    bool
}

// settingText is how the page names a setting and what it says about it.
// A setting not listed shows its key, so a new one is never hidden.
var settingText = map[string]struct{ Label, Hint string }{
	"automatic_mode":        {"Automatic mode", "New broadcasts pace themselves with the humanization below."},
	"part_delay_seconds":    {"Delay between parts (s)", "The wait after each part of a broadcast that sets none."},
	"recipient_gap_seconds": {"Gap between recipients (s)", ""},
	"max_retries":           {"Retries", "How often a failed send is tried again."},
	"humanize":              {"Humanize", "Show “typing…” before each part, for as long as a person would type it."},
	"min_delay_seconds":     {"Shortest typing delay (s)", ""},
	"max_delay_seconds":     {"Longest typing delay (s)", ""},
	"typing_cps":            {"Typing speed (characters a second)", ""},
	"quiet_hours":           {"Quiet hours", "Broadcasts wait between these times, in each recipient's time zone."},
	"quiet_start":           {"Quiet from", "24-hour time, like 22:00."},
	"quiet_end":             {"Quiet until", "24-hour time, like 08:00."},
	"default_timezone":      {"Time zone of contacts without one", "Like Europe/Lisbon."},
	"quiet_for_messages":    {"Single messages wait too", ""},
	"max_sends_per_minute":  {"Sends a minute at most", "Messages and broadcasts together; 0 for no limit."},
}

// settingSections start at these settings, in the order the Settings type
// groups its fields.
var settingSections = map[string]string{
	"automatic_mode":       "Broadcast defaults",
	"humanize":             "Humanization",
	"quiet_hours":          "Quiet hours",
	"max_sends_per_minute": "Limits",
}

// settingsSections lists the settings with their values (or, after a
// refused save, the values typed) and where each comes from.
func settingsSections(s vpslink.Settings, sources map[string]string, typed map[string]string) []settingSection {
	values := s.SettingValues()
	var out []settingSection
	for _, name := range vpslink.SettingNames() {
		v := values[name]
		if t, ok := typed[name]; ok {
			v = t
		}
		text, ok := settingText[name]
		if !ok {
			text.Label = strings.ReplaceAll(name, "_", " ")
		}
		row := settingRow{Name: name, Label: text.Label, Hint: text.Hint, Source: sources[name]}
		if v == "true" || v == "false" {
			row.Bool, row.Checked = true, v == "true"
		} else {
			row.Value = strings.Trim(v, `"`)
		}
		if title, ok := settingSections[name]; ok || len(out) == 0 {
			out = append(out, settingSection{Title: title})
		}
		out[len(out)-1].Rows = append(out[len(out)-1].Rows, row)
	}
	return out
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request) {
	s, sources, err := h.db.Settings(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "settings", "Settings",
		settingsPage{Sections: settingsSections(s, sources, nil), Saved: r.URL.Query().Get("saved") == "1"})
}

// saveSettings saves the settings whose value the form changed, so the
// others keep coming from the configuration. The store checks them all
// together and saves none when one is bad.
func (h *Handler) saveSettings(w http.ResponseWriter, r *http.Request) {
	s, sources, err := h.db.Settings(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	current := s.SettingValues()
	changes := map[string]json.RawMessage{}
	typed := map[string]string{}
	for _, name := range vpslink.SettingNames() {
		v := strings.TrimSpace(r.PostFormValue(name))
		if current[name] == "true" || current[name] == "false" {
			v = "false"
			if r.PostFormValue(name) == "1" {
				v = "true"
			}
		}
		typed[name] = v
		if in := vpslink.SettingInput(v); string(in) != current[name] {
			changes[name] = in
		}
	}
	if len(changes) > 0 {
		if _, _, err := h.db.UpdateSettings(r.Context(), changes); err != nil {
			h.refuse(w, r, err, "settings", "Settings", func(errs formErrors) any {
				return settingsPage{Sections: settingsSections(s, sources, typed), Errors: errs}
			})
			return
		}
	}
	http.Redirect(w, r, "/settings?saved=1", http.StatusSeeOther)
}
