package api

import (
	"encoding/json"
	"net/http"

	"github.com/vpslink/vpslink"
)

// settingsView is GET and PUT /api/settings: the settings in force and
// where each value comes from ("config" or "saved").
type settingsView struct {
	Settings vpslink.Settings  `json:"settings"`
	Sources  map[string]string `json:"sources"`
}

func (s *Server) getSettings(w http.ResponseWriter, r *http.Request) error {
	set, sources, err := s.db.Settings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: settingsView{set, sources}})
	return nil
}

// putSettings saves the settings the body names; the others keep their
// values. A null value drops the saved one, so the configuration's applies
// again. Nothing is saved when any value is bad.
func (s *Server) putSettings(w http.ResponseWriter, r *http.Request) error {
	var changes map[string]json.RawMessage
	if err := decode(r, &changes); err != nil {
		return err
	}
	set, sources, err := s.db.UpdateSettings(r.Context(), changes)
	if err != nil {
		return err
	}
	s.scheduler.Notify() // a new rate cap or quiet window changes the plan
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: settingsView{set, sources}})
	return nil
}
