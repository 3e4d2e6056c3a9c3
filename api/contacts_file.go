package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/contactfile"
)

// maxUpload is the largest contact file accepted: phones export photos
// inside vCards, so such files are larger than any JSON body.
const maxUpload = 8 << 20

// bodyLimit is the size limit of r's body.
func bodyLimit(r *http.Request) int64 {
	if r.URL.Path == "/api/contacts/import" {
		return maxUpload
	}
	return maxBody
}

// importContacts reads the multipart field "file" (vCard or CSV) and imports
// it in one transaction; dry_run=true reports without writing.
func (s *Server) importContacts(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "dry_run", "format")
	dryRun, format := q.bool("dry_run"), q.str("format")
	if q.err != nil {
		return q.err
	}
	file, err := uploadedFile(r, "file")
	if err != nil {
		return err
	}
	cards, format, err := contactfile.Read(bytes.NewReader(file), format)
	if err != nil {
		return err
	}
	rep, err := contactfile.Import(r.Context(), s.db, cards, format, dryRun != nil && *dryRun)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: rep})
	return nil
}

// uploadedFile returns the content of a multipart/form-data file field.
func uploadedFile(r *http.Request, field string) ([]byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, vpslink.FieldError("Content-Type", "must be multipart/form-data with a %q file field", field)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, vpslink.FieldError(field, "is missing: upload the contact file in the %q field", field)
		} else if err != nil {
			return nil, uploadError(err)
		}
		if part.FormName() != field {
			continue
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, uploadError(err)
		}
		return data, nil
	}
}

func uploadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return vpslink.Errorf(vpslink.ETOOLARGE, "the contact file is larger than %d bytes", maxUpload)
	}
	return vpslink.FieldError("file", "cannot read the upload: %v", err)
}

// exportContacts writes every contact as vCard 4.0 (format=vcf, the
// default) or CSV (format=csv), as a download.
func (s *Server) exportContacts(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "format")
	format := q.str("format")
	if q.err != nil {
		return q.err
	}
	if format == "" {
		format = "vcf"
	}
	var buf bytes.Buffer
	if err := contactfile.Export(r.Context(), s.db, &buf, format); err != nil {
		return err
	}
	ctype := map[string]string{"vcf": "text/vcard; charset=utf-8", "csv": "text/csv; charset=utf-8"}[format]
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="contacts.`+format+`"`)
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	return err
}
