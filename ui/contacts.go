package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/vpslink/vpslink"
)

const contactPageSize = 50

type contactsPage struct {
	Query     string
	Favorites bool
	Tag       string // a tag the list is narrowed to
	Contacts  []*vpslink.Contact
	Pager     pager
}

func (h *Handler) contacts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := contactsPage{Query: strings.TrimSpace(q.Get("q")), Favorites: q.Get("favorites") == "1", Tag: strings.TrimSpace(q.Get("tag"))}
	f := vpslink.ContactFilter{Search: p.Query, Tag: p.Tag, Limit: contactPageSize}
	if p.Favorites {
		yes := true
		f.Favorite = &yes
	}
	var page, total int
	page, f.Offset = pageOf(r, contactPageSize)
	var err error
	if p.Contacts, total, err = h.db.ListContacts(r.Context(), f); err != nil {
		h.serverError(w, r, err)
		return
	}
	v := url.Values{"q": {p.Query}}
	if p.Favorites {
		v.Set("favorites", "1")
	}
	if p.Tag != "" {
		v.Set("tag", p.Tag)
	}
	p.Pager = newPager(page, contactPageSize, total, v.Encode())
	h.render(w, r, http.StatusOK, "contacts", "Contacts", p)
}

// pickerLimit is how many matches the schedule form's contact picker lists.
const pickerLimit = 8

// picks are the picker's matches: contacts, then the groups the account
// is in, each chosen by its phone or group JID.
type picks struct {
	Contacts []*vpslink.Contact
	Groups   []*vpslink.Chat
}

// pick is the recipient picker's list of matches for ?to_phone=, in the
// schedule form and the broadcast form alike.
func (h *Handler) pick(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("to_phone"))
	var p picks
	var err error
	p.Contacts, _, err = h.db.ListContacts(r.Context(), vpslink.ContactFilter{Search: q, Limit: pickerLimit})
	if err == nil {
		p.Groups, _, err = h.db.ListChats(r.Context(), vpslink.ChatFilter{Groups: true, Search: q, Limit: pickerLimit})
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.renderFragment(w, r, "schedule", "picks", p)
}

// contactForm is the add / edit form as typed. Aliases and tags are
// comma-separated; the store trims them and drops empty ones.
type contactForm struct {
	Existing bool
	Phone    string
	// PhoneProblem flags a stored phone kept as it was typed; the form
	// then lets the phone be corrected.
	PhoneProblem string
	Name         string
	Aliases      string
	Tags         string
	Favorite     bool
	Timezone     string
	Notes        string
	Errors       formErrors
}

type contactPage struct {
	Form     contactForm
	Messages []*vpslink.ScheduledMessage
	Total    int
}

func readContactForm(r *http.Request) contactForm {
	return contactForm{Phone: strings.TrimSpace(r.PostFormValue("phone")), Name: r.PostFormValue("name"),
		Aliases: r.PostFormValue("aliases"), Tags: r.PostFormValue("tags"),
		Favorite: r.PostFormValue("is_favorite") == "1", Timezone: strings.TrimSpace(r.PostFormValue("timezone")),
		Notes: r.PostFormValue("notes")}
}

// contactFormOf fills the form with a stored contact.
func contactFormOf(c *vpslink.Contact) contactForm {
	return contactForm{Existing: true, Phone: c.Phone, PhoneProblem: c.PhoneProblem, Name: c.Name, Aliases: strings.Join(c.Aliases, ", "),
		Tags: strings.Join(c.Tags, ", "), Favorite: c.IsFavorite, Timezone: c.Timezone, Notes: c.Notes}
}

func (h *Handler) newContact(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "contact", "New contact", contactPage{})
}

func (h *Handler) createContact(w http.ResponseWriter, r *http.Request) {
	f := readContactForm(r)
	c := &vpslink.Contact{Phone: f.Phone, Name: f.Name, Aliases: strings.Split(f.Aliases, ","), Tags: strings.Split(f.Tags, ","),
		IsFavorite: f.Favorite, Timezone: f.Timezone, Notes: f.Notes}
	if err := h.db.CreateContact(r.Context(), c); err != nil {
		h.refuseContact(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/contacts/"+url.PathEscape(c.Phone), http.StatusSeeOther)
}

func (h *Handler) refuseContact(w http.ResponseWriter, r *http.Request, f contactForm, err error) {
	h.refuse(w, r, err, "contact", f.Name, func(errs formErrors) any {
		f.Errors = errs
		return contactPage{Form: f}
	})
}

// contactMessagesShown is how many of a contact's messages its page lists.
const contactMessagesShown = 20

// contact shows the edit form and the contact's latest messages.
func (h *Handler) contact(w http.ResponseWriter, r *http.Request) {
	c, err := h.db.GetContact(r.Context(), r.PathValue("phone"))
	if err != nil {
		h.notFoundOr(w, r, err)
		return
	}
	p := contactPage{Form: contactFormOf(c)}
	if p.Messages, p.Total, err = h.db.ListMessages(r.Context(),
		vpslink.MessageFilter{To: c.Phone, Limit: contactMessagesShown}); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "contact", c.Name, p)
}

func (h *Handler) updateContact(w http.ResponseWriter, r *http.Request) {
	f := readContactForm(r)
	typed := f.Phone
	f.Existing, f.Phone = true, r.PathValue("phone")
	f.PhoneProblem = vpslink.PhoneProblem(f.Phone)
	aliases, tags := strings.Split(f.Aliases, ","), strings.Split(f.Tags, ",")
	u := vpslink.ContactUpdate{Name: &f.Name, Aliases: &aliases, Tags: &tags, IsFavorite: &f.Favorite,
		Timezone: &f.Timezone, Notes: &f.Notes}
	if f.PhoneProblem != "" && typed != "" && typed != f.Phone {
		u.Phone = &typed // only a flagged phone is editable: its correction
	}
	c, err := h.db.UpdateContact(r.Context(), f.Phone, u)
	if err != nil {
		h.refuseContact(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/contacts/"+url.PathEscape(c.Phone), http.StatusSeeOther)
}

// star flips a contact's favourite flag; htmx swaps in the new star.
func (h *Handler) star(w http.ResponseWriter, r *http.Request) {
	fav := r.PostFormValue("is_favorite") == "1"
	c, err := h.db.UpdateContact(r.Context(), r.PathValue("phone"), vpslink.ContactUpdate{IsFavorite: &fav})
	if err != nil {
		h.notFoundOr(w, r, err)
		return
	}
	if r.Header.Get("HX-Request") == "" {
		http.Redirect(w, r, "/contacts", http.StatusSeeOther)
		return
	}
	h.renderFragment(w, r, "contacts", "star-fragment", newStar(c, sessionFrom(r.Context()).csrf))
}

func (h *Handler) deleteContact(w http.ResponseWriter, r *http.Request) {
	phone := r.PathValue("phone")
	if err := h.db.DeleteContact(r.Context(), phone); err != nil {
		c, gerr := h.db.GetContact(r.Context(), phone)
		if gerr != nil {
			h.notFoundOr(w, r, gerr)
			return
		}
		h.refuseContact(w, r, contactFormOf(c), err)
		return
	}
	http.Redirect(w, r, "/contacts", http.StatusSeeOther)
}

// star is the favourite toggle of one contact.
type star struct {
	Phone, Name string
	IsFavorite  bool
	CSRF        string
}

func newStar(c *vpslink.Contact, csrf string) star {
	return star{Phone: c.Phone, Name: c.Name, IsFavorite: c.IsFavorite, CSRF: csrf}
}
