package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/vpslink/vpslink"
)

// templateForm is the add / edit form of a saved template as typed.
type templateForm struct {
	ID     int64 // set when editing
	Name   string
	Text   string
	Errors formErrors
}

// templates lists the saved templates.
func (h *Handler) templates(w http.ResponseWriter, r *http.Request) {
	list, err := h.db.ListTemplates(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "templates", "Templates", list)
}

// newTemplate shows the empty form.
func (h *Handler) newTemplate(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "template", "New template", templateForm{})
}

func readTemplateForm(r *http.Request) templateForm {
	return templateForm{Name: r.PostFormValue("name"), Text: r.PostFormValue("text")}
}

// createTemplate saves a new template; a refused form comes back as typed,
// the message next to its field, and nothing is stored.
func (h *Handler) createTemplate(w http.ResponseWriter, r *http.Request) {
	f := readTemplateForm(r)
	t := &vpslink.Template{Name: f.Name, Text: f.Text}
	if err := h.db.CreateTemplate(r.Context(), t); err != nil {
		h.refuse(w, r, err, "template", "New template", func(errs formErrors) any {
			f.Errors = templateErrors(errs)
			return f
		})
		return
	}
	http.Redirect(w, r, "/templates", http.StatusSeeOther)
}

// templateErrors puts a name conflict ("already exists") next to the name.
func templateErrors(errs formErrors) formErrors {
	if msg, ok := errs[""]; ok && strings.Contains(msg, "already exists") {
		return formErrors{"name": msg}
	}
	return errs
}

// template shows one template in its edit form, with a preview.
func (h *Handler) template(w http.ResponseWriter, r *http.Request) {
	t, err := h.templateOf(r)
	if err != nil {
		h.notFoundOr(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "template", t.Name, templateForm{ID: t.ID, Name: t.Name, Text: t.Text})
}

func (h *Handler) templateOf(r *http.Request) (*vpslink.Template, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, vpslink.Errorf(vpslink.ENOTFOUND, "template %q not found", r.PathValue("id"))
	}
	return h.db.GetTemplate(r.Context(), id)
}

func (h *Handler) updateTemplate(w http.ResponseWriter, r *http.Request) {
	t, err := h.templateOf(r)
	if err != nil {
		h.notFoundOr(w, r, err)
		return
	}
	f := readTemplateForm(r)
	f.ID = t.ID
	if err := h.db.UpdateTemplate(r.Context(), &vpslink.Template{ID: t.ID, Name: f.Name, Text: f.Text}); err != nil {
		h.refuse(w, r, err, "template", t.Name, func(errs formErrors) any {
			f.Errors = templateErrors(errs)
			return f
		})
		return
	}
	http.Redirect(w, r, "/templates", http.StatusSeeOther)
}

func (h *Handler) deleteTemplate(w http.ResponseWriter, r *http.Request) {
	t, err := h.templateOf(r)
	if err == nil {
		err = h.db.DeleteTemplate(r.Context(), t.ID)
	}
	if err != nil {
		h.notFoundOr(w, r, err)
		return
	}
	http.Redirect(w, r, "/templates", http.StatusSeeOther)
}

type templatePreview struct {
	Name, Text, Error string
}

// previewTemplate renders ?text= for the contact ?to= (a name, alias or
// phone), as the claim would fill it.
func (h *Handler) previewTemplate(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var p templatePreview
	if to := strings.TrimSpace(q.Get("to")); to != "" {
		c, err := h.db.ResolveRecipient(r.Context(), "to", to)
		if err == nil {
			p.Name = vpslink.RecipientOf(c).Name
			p.Text, err = vpslink.Render("text", q.Get("text"), vpslink.RecipientOf(c))
		}
		var ok bool
		if p.Error, ok = fieldMessage(err); !ok {
			h.serverError(w, r, err)
			return
		}
	}
	h.renderFragment(w, r, "template", "preview", p)
}

// templateChoices are the saved templates a form's picker offers; the
// form works without them, so a failure to read them leaves it empty.
func (h *Handler) templateChoices(ctx context.Context) []*vpslink.Template {
	list, err := h.db.ListTemplates(ctx)
	if err != nil {
		h.log.Warn("list templates for a picker", "err", err)
	}
	return list
}

// pickedTemplate is the saved template a picker's parameter names, nil
// when none is picked; an unknown one is an error of that parameter.
func (h *Handler) pickedTemplate(r *http.Request, param string) (*vpslink.Template, error) {
	id, err := templateRef(param, r.URL.Query().Get(param))
	if err != nil || id == nil {
		return nil, err
	}
	return h.db.TemplateRef(r.Context(), param, *id)
}
