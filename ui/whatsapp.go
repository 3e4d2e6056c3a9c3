package ui

import (
	"net/http"

	"github.com/vpslink/vpslink"
)

type whatsappPage struct {
	Sender  string
	State   string
	Reason  string
	CanPair bool // there is a client and it is not linked
	Pairing Pairing
	Error   string
	// Phone and PhoneError are a refused pairing-code request's number
	// and what is wrong with it.
	Phone, PhoneError string
}

// Polls says how often the page follows the connection: quickly while a
// link is made, slowly once linked (to show a reconnect), never while the
// link form waits for a number, which a swap would wipe.
func (p whatsappPage) Polls() string {
	switch {
	case p.Pairing.Active:
		return "every 2s"
	case p.State != "not used" && !p.CanPair:
		return "every 5s"
	}
	return ""
}

// whatsappData reads the connection and any pairing in progress.
func (h *Handler) whatsappData() whatsappPage {
	p := whatsappPage{Sender: h.sender, State: "not used"}
	if h.status.WhatsApp != nil {
		p.State, p.Reason = h.status.WhatsApp()
	}
	if h.whatsApp != nil {
		p.Pairing = h.whatsApp.Pairing()
		p.CanPair = p.State != "connected" && p.State != "disconnected"
	}
	return p
}

func (h *Handler) whatsapp(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "whatsapp", "WhatsApp", h.whatsappData())
}

// whatsappLive is the polled part: the state and the QR code, which
// WhatsApp replaces every 20 seconds or so.
func (h *Handler) whatsappLive(w http.ResponseWriter, r *http.Request) {
	h.renderFragment(w, r, "whatsapp", "walive", h.whatsappData())
}

// pair starts a link, with QR codes or, given a phone number, a code.
func (h *Handler) pair(w http.ResponseWriter, r *http.Request) {
	if h.whatsApp == nil {
		h.render(w, r, http.StatusConflict, "whatsapp", "WhatsApp", h.whatsappData())
		return
	}
	if err := h.whatsApp.Pair(r.PostFormValue("phone")); err != nil {
		p := h.whatsappData()
		p.Phone = r.PostFormValue("phone")
		errs, _ := fieldErrors(err)
		switch {
		case errs["phone"] != "":
			p.PhoneError = errs["phone"]
		case vpslink.ErrorCode(err) == vpslink.EINTERNAL:
			p.Error = err.Error() // the client's own errors say what to do and hold no secret
		default:
			p.Error = vpslink.ErrorMessage(err)
		}
		h.render(w, r, http.StatusUnprocessableEntity, "whatsapp", "WhatsApp", p)
		return
	}
	http.Redirect(w, r, "/whatsapp", http.StatusSeeOther)
}

func (h *Handler) unlink(w http.ResponseWriter, r *http.Request) {
	if h.whatsApp == nil {
		h.render(w, r, http.StatusConflict, "whatsapp", "WhatsApp", h.whatsappData())
		return
	}
	if err := h.whatsApp.Unlink(r.Context()); err != nil {
		p := h.whatsappData()
		p.Error = err.Error()
		h.render(w, r, http.StatusConflict, "whatsapp", "WhatsApp", p)
		return
	}
	http.Redirect(w, r, "/whatsapp", http.StatusSeeOther)
}
