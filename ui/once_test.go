package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/vpslink/vpslink"
)

var formTokenField = regexp.MustCompile(`name="form_token" value="([A-Z2-7]+)"`)

// formToken reads the token a create form carries.
func (e *env) formToken(path string) string {
	e.t.Helper()
	m := formTokenField.FindStringSubmatch(e.get(path).mustStatus(e.t, http.StatusOK).body)
	if m == nil {
		e.t.Fatalf("%s has no form token", path)
	}
	return m[1]
}

// A create form takes effect once: a repeat of its submission (a double
// click, a browser resending it) goes where the first went and creates
// nothing, also when both arrive at once; a refused one leaves its token
// free for the corrected form; a new form is a new message.
func TestCreateFormsTakeEffectOnce(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana", "")
	message := func(token, date string) url.Values {
		return url.Values{"to_phone": {"351911111111"}, "message": {"Happy new year"}, "date": {date},
			"time": {"00:00"}, "timezone": {"UTC"}, "form_token": {token}, "csrf": {e.csrf()}}
	}

	token := e.formToken("/messages/new")
	e.post("/messages", message(token, "2020-01-01")).mustStatus(t, http.StatusUnprocessableEntity)
	first := e.post("/messages", message(token, "2027-01-01")).mustStatus(t, http.StatusSeeOther).header.Get("Location")
	again := e.post("/messages", message(token, "2027-01-01")).mustStatus(t, http.StatusSeeOther).header.Get("Location")
	if again != first || len(e.messages("")) != 1 {
		t.Fatalf("a repeat went to %s (first %s) with %d messages", again, first, len(e.messages("")))
	}

	// Both clicks of a double click at once.
	token = e.formToken("/messages/new")
	body := message(token, "2027-01-02").Encode()
	var wg sync.WaitGroup
	status := make([]int, 2)
	for i := range status {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/messages", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if res, err := e.client.Do(req); err == nil {
				status[i] = res.StatusCode
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	if status[0] != http.StatusSeeOther || status[1] != http.StatusSeeOther || len(e.messages("")) != 2 {
		t.Fatalf("double click: %v, %d messages, want 2", status, len(e.messages("")))
	}

	e.post("/messages", message(e.formToken("/messages/new"), "2027-01-01")).mustStatus(t, http.StatusSeeOther)
	if n := len(e.messages("")); n != 3 {
		t.Fatalf("a new form made %d messages, want 3", n)
	}

	job := url.Values{"recipients": {"351911111111"}, "parts": {"one"}, "part_delay": {"0"}, "gap": {"10"},
		"retries": {"1"}, "date": {"2027-01-01"}, "time": {"09:00"}, "timezone": {"UTC"}, "form_token": {e.formToken("/jobs/new")}}
	for range 2 {
		e.post("/jobs", job).mustStatus(t, http.StatusSeeOther)
	}
	if jobs, _, err := e.db.ListJobs(context.Background(), vpslink.JobFilter{}); err != nil || len(jobs) != 1 {
		t.Fatalf("a repeated job form made %d jobs (%v)", len(jobs), err)
	}
}
