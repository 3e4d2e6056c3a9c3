package ui

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/vpslink/vpslink"
)

// settingRow is one setting on the settings page.
type settingRow struct {
	Name, Label, Value, Source string
	Bool, Checked              bool
}

type settingsPage struct {
	Rows   []settingRow
	Errors formErrors
	Saved  bool
}

// settingsRows lists the settings with their values (or, after a refused
// save, the values typed) and where each comes from.
func settingsRows(s vpslink.Settings, sources map[string]string, typed map[string]string) []settingRow {
	values := s.SettingValues()
	var rows []settingRow
	for _, name := range vpslink.SettingNames() {
		v := values[name]
		if t, ok := typed[name]; ok {
			v = t
		}
		row := settingRow{Name: name, Label: strings.ReplaceAll(name, "_", " "), Source: sources[name]}
		if v == "true" || v == "false" {
			row.Bool, row.Checked = true, v == "true"
		} else {
			row.Value = strings.Trim(v, `"`)
		}
		rows = append(rows, row)
	}
	return rows
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request) {
	s, sources, err := h.db.Settings(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "settings", "Settings",
		settingsPage{Rows: settingsRows(s, sources, nil), Saved: r.URL.Query().Get("saved") == "1"})
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
				return settingsPage{Rows: settingsRows(s, sources, typed), Errors: errs}
			})
			return
		}
	}
	http.Redirect(w, r, "/settings?saved=1", http.StatusSeeOther)
}
