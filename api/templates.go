package api

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/vpslink/vpslink"
)

// templateInput is the body of POST and PATCH /api/templates; PATCH keeps
// the fields it omits.
type templateInput struct {
	Name *string `json:"name"`
	Text *string `json:"text"`
}

// previewInput is the body of POST /api/templates/preview: a text, or a
// saved template by id, and the recipient (phone or JID) to fill it for.
type previewInput struct {
	Text       string `json:"text"`
	TemplateID int64  `json:"template_id"`
	Recipient  string `json:"recipient"`
}

func templateID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		return 0, vpslink.Errorf(vpslink.ENOTFOUND, "template %s not found", mux.Vars(r)["id"])
	}
	return id, nil
}

func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.ListTemplates(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: list})
	return nil
}

func (s *Server) createTemplate(w http.ResponseWriter, r *http.Request) error {
	var in templateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t := &vpslink.Template{}
	in.apply(t)
	if err := s.db.CreateTemplate(r.Context(), t); err != nil {
		return err
	}
	writeJSON(w, r, http.StatusCreated, success{Success: true, Data: t})
	return nil
}

func (in templateInput) apply(t *vpslink.Template) {
	if in.Name != nil {
		t.Name = *in.Name
	}
	if in.Text != nil {
		t.Text = *in.Text
	}
}

func (s *Server) getTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := templateID(r)
	if err != nil {
		return err
	}
	t, err := s.db.GetTemplate(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: t})
	return nil
}

func (s *Server) updateTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := templateID(r)
	if err != nil {
		return err
	}
	var in templateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.db.GetTemplate(r.Context(), id)
	if err != nil {
		return err
	}
	in.apply(t)
	if err := s.db.UpdateTemplate(r.Context(), t); err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: t})
	return nil
}

func (s *Server) deleteTemplate(w http.ResponseWriter, r *http.Request) error {
	if err := decodeEmpty(r); err != nil {
		return err
	}
	id, err := templateID(r)
	if err != nil {
		return err
	}
	if err := s.db.DeleteTemplate(r.Context(), id); err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true})
	return nil
}

// previewTemplate renders a text for one recipient as the scheduler would
// send it; a placeholder the recipient cannot fill is a 400 naming it.
func (s *Server) previewTemplate(w http.ResponseWriter, r *http.Request) error {
	var in previewInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.TemplateID != 0 {
		t, err := s.db.GetTemplate(r.Context(), in.TemplateID)
		if err != nil {
			return err
		}
		in.Text = t.Text
	}
	jid, err := vpslink.NormalizeRecipient("recipient", in.Recipient)
	if err != nil {
		return err
	}
	rcpt, err := s.db.Recipient(r.Context(), jid)
	if err != nil {
		return err
	}
	text, err := vpslink.Render("text", in.Text, rcpt)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: map[string]string{"recipient": jid, "text": text}})
	return nil
}
