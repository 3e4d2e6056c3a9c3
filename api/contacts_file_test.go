package api_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/contactfile"
)

// multipartBody is a form with one file field.
func multipartBody(t *testing.T, field, content string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile(field, "contacts.vcf")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	return buf.String(), mw.FormDataContentType()
}

func TestContactsImportExport(t *testing.T) {
	e := newEnv(t)
	vcf := "BEGIN:VCARD\nVERSION:4.0\nFN:Ünal\nTEL;TYPE=cell:+44 7700 900127\nBDAY:--0229\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:4.0\nFN:No phone\nEND:VCARD\n"
	body, ctype := multipartBody(t, "file", vcf)
	upload := func(query string) *resp {
		return e.do(req{method: http.MethodPost, path: "/api/contacts/import" + query, body: body, header: map[string]string{"Content-Type": ctype}})
	}

	var rep contactfile.Report
	upload("?dry_run=true").ok(t, http.StatusOK, &rep)
	if !rep.DryRun || rep.Added != 1 || rep.Skipped != 1 {
		t.Fatalf("dry run report = %+v", rep)
	}
	e.do(req{path: "/api/contacts/447700900127"}).fails(t, http.StatusNotFound, "NOT_FOUND", "")

	upload("").ok(t, http.StatusOK, &rep)
	if rep.Added != 1 || rep.Skipped != 1 || len(rep.Birthdays) != 1 || rep.Birthdays[0].Date != "--02-29" {
		t.Fatalf("report = %+v", rep)
	}
	e.do(req{path: "/api/contacts/447700900127"}).ok(t, http.StatusOK, nil)

	for format, want := range map[string]string{"vcf": "FN:Ünal", "csv": "+447700900127,Ünal"} {
		r := e.do(req{path: "/api/contacts/export?format=" + format})
		if r.code != http.StatusOK || !strings.Contains(string(r.body), want) ||
			!strings.Contains(r.header.Get("Content-Disposition"), "contacts."+format) {
			t.Errorf("export %s: %d %q %v", format, r.code, r.body, r.header)
		}
	}
	e.do(req{path: "/api/contacts/export?format=xml"}).fails(t, http.StatusBadRequest, "VALIDATION_ERROR", "format")
}

func TestContactsImport_Refused(t *testing.T) {
	e := newEnv(t)
	malformed, ctype := multipartBody(t, "file", "BEGIN:VCARD\nVERSION:3.0\nFN:A\nTEL:+44 7700 900127\nno colon here\nEND:VCARD\n")
	wrongField, ctype2 := multipartBody(t, "upload", "BEGIN:VCARD\nEND:VCARD\n")
	huge, ctype3 := multipartBody(t, "file", strings.Repeat("x", 9<<20))
	for _, tc := range []struct {
		name, body, ctype string
		code              int
		errCode, field    string
	}{
		{"malformed names the line", malformed, ctype, http.StatusBadRequest, "VALIDATION_ERROR", "file"},
		{"no file field", wrongField, ctype2, http.StatusBadRequest, "VALIDATION_ERROR", "file"},
		{"not multipart", `{"file": "x"}`, "application/json", http.StatusBadRequest, "VALIDATION_ERROR", "Content-Type"},
		{"too large", huge, ctype3, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(req{method: http.MethodPost, path: "/api/contacts/import", body: tc.body, header: map[string]string{"Content-Type": tc.ctype}})
			r.fails(t, tc.code, tc.errCode, tc.field)
			if tc.name == "malformed names the line" && !strings.Contains(string(r.body), "line 5") {
				t.Errorf("message does not name the line: %s", r.body)
			}
		})
	}
	if _, total, err := e.db.ListContacts(t.Context(), vpslink.ContactFilter{}); err != nil || total != 0 {
		t.Fatalf("refused uploads wrote %d contacts (%v)", total, err)
	}
}
