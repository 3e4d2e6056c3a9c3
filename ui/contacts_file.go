package ui

import (
	"bytes"
	"io"
	"net/http"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/contactfile"
)

// maxContactFile bounds an uploaded contact file; phones put photos inside
// vCards, so such files are larger than any form.
const maxContactFile = 8 << 20

type contactsImportPage struct {
	DryRun bool
	Errors formErrors
	Report *contactfile.Report
}

func (h *Handler) contactsImportForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "contacts-import", "Import contacts", contactsImportPage{DryRun: true})
}

// importContacts imports the uploaded file, or with dry_run only reports;
// a refused file shows the reason next to the file field and writes nothing.
func (h *Handler) importContacts(w http.ResponseWriter, r *http.Request) {
	p := contactsImportPage{DryRun: r.FormValue("dry_run") == "1"}
	rep, err := h.importUpload(r, p.DryRun)
	if err != nil {
		h.refuse(w, r, err, "contacts-import", "Import contacts", func(errs formErrors) any {
			p.Errors = errs
			return p
		})
		return
	}
	p.Report = rep
	h.render(w, r, http.StatusOK, "contacts-import", "Import contacts", p)
}

func (h *Handler) importUpload(r *http.Request, dryRun bool) (*contactfile.Report, error) {
	file, _, err := r.FormFile("file")
	if err != nil {
		return nil, vpslink.FieldError("file", "choose a vCard (.vcf) or CSV file")
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return nil, vpslink.FieldError("file", "cannot read the upload")
	}
	cards, format, err := contactfile.Read(bytes.NewReader(data), "")
	if err != nil {
		return nil, err
	}
	return contactfile.Import(r.Context(), h.db, cards, format, dryRun)
}

// limitUpload caps the import's body before the form (and its CSRF token)
// is parsed.
func limitUpload(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxContactFile {
			http.Error(w, "the contact file is larger than 8 MiB", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxContactFile)
		next(w, r)
	}
}

// exportContacts downloads every contact as vCard 4.0 or CSV.
func (h *Handler) exportContacts(w http.ResponseWriter, r *http.Request) {
	format := r.PathValue("format")
	var buf bytes.Buffer
	if err := contactfile.Export(r.Context(), h.db, &buf, format); err != nil {
		if vpslink.ErrorCode(err) == vpslink.EINVALID {
			http.NotFound(w, r)
			return
		}
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", map[string]string{"vcf": "text/vcard", "csv": "text/csv"}[format]+"; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="contacts.`+format+`"`)
	w.Write(buf.Bytes())
}
