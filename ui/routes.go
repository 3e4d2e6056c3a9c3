package ui

import "net/http"

// routes maps the UI's paths. Everything but the login page and the
// static files needs a session; every POST needs the session's CSRF token.
func (h *Handler) routes() *http.ServeMux {
	m := http.NewServeMux()
	page := func(pattern string, fn http.HandlerFunc) { m.HandleFunc(pattern, h.requireSession(fn)) }

	m.HandleFunc("GET /static/", h.static.serve)
	// Browsers ask for it whatever the page says; unanswered here it would
	// reach the API and count as a failed sign-in.
	m.HandleFunc("GET /favicon.ico", h.static.serve)
	m.HandleFunc("GET /login", h.loginForm)
	m.HandleFunc("POST /login", h.login)
	page("POST /logout", h.logout)

	page("GET /{$}", h.dashboard)
	page("GET /ui/dashboard", h.dashboardLive)
	page("POST /ui/sending", h.emergencyStop)
	page("POST /ui/review", h.endReview)

	page("GET /messages", h.messages)
	page("GET /messages/new", h.newMessage)
	page("POST /messages", h.once.wrap(h.createMessage))
	page("GET /messages/{id}", h.message)
	page("POST /messages/{id}", h.updateMessage)
	page("POST /messages/{id}/cancel", h.cancelMessage)
	page("GET /ui/when", h.when)
	page("GET /ui/pick", h.pick)

	page("GET /contacts", h.contacts)
	page("GET /contacts/new", h.newContact)
	page("GET /contacts/import", h.contactsImportForm)
	// The limit comes first: the session check reads the form for its CSRF token.
	m.HandleFunc("POST /contacts/import", limitUpload(h.requireSession(h.importContacts)))
	page("GET /contacts/export/{format}", h.exportContacts)
	page("POST /contacts", h.createContact)
	page("GET /contacts/{phone}", h.contact)
	page("POST /contacts/{phone}", h.updateContact)
	page("POST /contacts/{phone}/star", h.star)
	page("POST /contacts/{phone}/delete", h.deleteContact)

	page("GET /jobs", h.jobs)
	page("GET /jobs/new", h.newJob)
	page("POST /jobs", h.once.wrap(h.createJob))
	page("GET /jobs/{id}", h.job)
	page("GET /jobs/{id}/live", h.jobLive)
	page("POST /jobs/{id}/{action}", h.jobAction)

	page("GET /templates", h.templates)
	page("GET /templates/new", h.newTemplate)
	page("POST /templates", h.createTemplate)
	page("GET /templates/{id}", h.template)
	page("POST /templates/{id}", h.updateTemplate)
	page("POST /templates/{id}/delete", h.deleteTemplate)
	page("GET /ui/template-preview", h.previewTemplate)
	page("GET /ui/template-text", h.templateText)
	page("GET /ui/template-part", h.templatePart)

	page("GET /chats", h.chats)
	page("GET /chats/{id}", h.chat)
	page("POST /chats/{id}/read", h.markChatRead)

	page("GET /whatsapp", h.whatsapp)
	page("GET /whatsapp/live", h.whatsappLive)
	page("POST /whatsapp/pair", h.pair)
	page("POST /whatsapp/unlink", h.unlink)
	page("GET /settings", h.settings)
	page("POST /settings", h.saveSettings)
	page("GET /backups", h.backups)
	page("POST /backups/now", h.backupNow)
	page("POST /backups/verify", h.verifyBackup)

	m.HandleFunc("/", h.requireSession(func(w http.ResponseWriter, r *http.Request) {
		h.render(w, r, http.StatusNotFound, "notfound", "Not found", "There is no page at "+r.URL.Path+".")
	}))
	return m
}
