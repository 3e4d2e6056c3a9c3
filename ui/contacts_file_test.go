package ui_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
)

// upload posts a contact file with the import form's fields.
func (e *env) upload(file string, dryRun bool) response {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", e.csrf())
	if dryRun {
		mw.WriteField("dry_run", "1")
	}
	fw, _ := mw.CreateFormFile("file", "contacts.vcf")
	fw.Write([]byte(file))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/contacts/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return e.do(req)
}

func TestContactsImportExport(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.get("/contacts").mustStatus(t, http.StatusOK).mustContain(t, `href="/contacts/import"`, `href="/contacts/export/vcf"`)
	e.get("/contacts/import").mustStatus(t, http.StatusOK).mustContain(t, `enctype="multipart/form-data"`, `<label for="file">`)

	vcf := "BEGIN:VCARD\nVERSION:3.0\nFN:<script>alert(1)</script>\nTEL;TYPE=CELL:+44 7700 900127\nBDAY:--12-24\nEND:VCARD\n"
	e.upload(vcf, true).mustStatus(t, http.StatusOK).mustContain(t, "Dry run: nothing written", "1 added")
	if _, total, _ := e.db.ListContacts(t.Context(), vpslink.ContactFilter{}); total != 0 {
		t.Fatal("the dry run wrote contacts")
	}
	res := e.upload(vcf, false).mustStatus(t, http.StatusOK).mustContain(t, "Imported", "&lt;script&gt;alert(1)&lt;/script&gt;", "--12-24")
	if strings.Contains(res.body, "<script>alert(1)") {
		t.Fatal("a name from the file is not escaped")
	}

	res = e.upload("BEGIN:VCARD\nVERSION:3.0\nFN:A\nbroken\nEND:VCARD\n", false).mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, `id="file-error"`, "line 4")

	res = e.get("/contacts/export/csv").mustStatus(t, http.StatusOK)
	if !strings.Contains(res.body, "+447700900127") || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %s %v", res.body, res.header)
	}
	e.get("/contacts/export/xml").mustStatus(t, http.StatusNotFound)
}
