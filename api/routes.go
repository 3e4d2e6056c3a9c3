package api

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"github.com/vpslink/vpslink"
)

// routes builds the router. Every route here is documented in openapi.yaml;
// a test walks the router to keep the two in step.
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	notFound := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return vpslink.Errorf(vpslink.ENOTFOUND, "no route %s %s", r.Method, r.URL.Path)
	})
	r.NotFoundHandler = notFound
	r.MethodNotAllowedHandler = handlerFunc(s.methodNotAllowed)

	// HEAD is answered by every GET route; net/http drops the body.
	get := func(path string, h handlerFunc) { r.Handle(path, h).Methods(http.MethodGet, http.MethodHead) }
	post := func(path string, h handlerFunc) { r.Handle(path, s.idem.wrap(h)).Methods(http.MethodPost) }
	patch := func(path string, h handlerFunc) { r.Handle(path, h).Methods(http.MethodPatch) }
	put := func(path string, h handlerFunc) { r.Handle(path, h).Methods(http.MethodPut) }
	del := func(path string, h handlerFunc) { r.Handle(path, h).Methods(http.MethodDelete) }

	get("/healthz", s.healthz)
	get("/health", s.healthReport)
	r.Handle("/metrics", MetricsHandler(s.gatherer)).Methods(http.MethodGet, http.MethodHead)
	post("/scheduler/refresh", s.schedulerRefresh)
	post("/scheduler/stop", s.schedulerSwitch(s.scheduler.Stop, "Sending stopped"))
	post("/scheduler/start", s.schedulerSwitch(s.scheduler.Start, "Sending resumed"))
	post("/api/restore-review/done", s.endRestoreReview)

	get("/api/contacts", s.listContacts)
	post("/api/contacts", s.createContact)
	// Before {phone}, which would match them too. An upload is not replayed
	// by Idempotency-Key: a repeated import changes nothing anyway.
	r.Handle("/api/contacts/import", handlerFunc(s.importContacts)).Methods(http.MethodPost)
	get("/api/contacts/export", s.exportContacts)
	get("/api/contacts/{phone}", s.getContact)
	patch("/api/contacts/{phone}", s.updateContact)
	del("/api/contacts/{phone}", s.deleteContact)

	get("/api/messages", s.listMessages)
	post("/api/messages", s.createMessage)
	get("/api/messages/{id}", s.getMessage)
	patch("/api/messages/{id}", s.updateMessage)
	del("/api/messages/{id}", s.cancelMessage)
	post("/api/messages/{id}/resend", s.resendMessage)

	get("/api/jobs", s.listJobs)
	post("/api/jobs", s.createJob)
	get("/api/jobs/{id}", s.getJob)
	patch("/api/jobs/{id}", s.updateJob)
	del("/api/jobs/{id}", s.jobAction(s.db.CancelJob))
	post("/api/jobs/{id}/pause", s.jobAction(s.db.PauseJob))
	post("/api/jobs/{id}/resume", s.jobAction(s.db.ResumeJob))
	post("/api/jobs/{id}/cancel", s.jobAction(s.db.CancelJob))

	get("/api/chats", s.listChats)
	get("/api/groups", s.listGroups)
	get("/api/chats/{id}", s.getChat)
	post("/api/chats/{id}/read", s.markChatRead)

	get("/api/templates", s.listTemplates)
	post("/api/templates", s.createTemplate)
	post("/api/templates/preview", s.previewTemplate)
	get("/api/templates/{id}", s.getTemplate)
	patch("/api/templates/{id}", s.updateTemplate)
	del("/api/templates/{id}", s.deleteTemplate)

	get("/api/settings", s.getSettings)
	put("/api/settings", s.putSettings)

	get("/api/stats", s.stats)
	return r
}

// routeMethods are the methods a route may have, in the order Allow lists
// them.
var routeMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPatch, http.MethodDelete}

// methodNotAllowed answers a path that exists with a method it does not
// have: 405 with the methods it does have in Allow.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Allow", strings.Join(s.allowedMethods(r), ", "))
	return vpslink.Errorf(vpslink.EMETHOD, "%s is not allowed on %s", r.Method, r.URL.Path)
}

// allowedMethods lists the methods the router serves on r's path.
func (s *Server) allowedMethods(r *http.Request) []string {
	var allowed []string
	for _, m := range routeMethods {
		probe := r.Clone(r.Context())
		probe.Method = m
		var match mux.RouteMatch
		if s.router.Match(probe, &match) && match.MatchErr == nil {
			allowed = append(allowed, m)
		}
	}
	return allowed
}
