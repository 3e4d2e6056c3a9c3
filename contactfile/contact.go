package contactfile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vpslink/vpslink"
)

// Contact turns the card into a contact under the domain's rules. Every
// number is normalised; the first mobile one (else the first one) becomes
// the primary phone, the next the secondary, and any further numbers are
// kept in the notes. Numbers the rules refuse are dropped when another
// number remains. notes says what was changed on the way; an error says why
// the card cannot become a contact.
func (c Card) Contact() (contact *vpslink.Contact, notes []string, err error) {
	type number struct {
		digits string
		mobile bool
	}
	var numbers []number
	for _, p := range c.Phones {
		digits, err := vpslink.NormalizePhone("phone", p.Number)
		if err != nil {
			notes = append(notes, fmt.Sprintf("number %q left out: %s", p.Number, vpslink.ErrorMessage(err)))
			continue
		}
		if conv := vpslink.PhoneConversion(p.Number, digits); conv != "" {
			notes = append(notes, "number "+conv)
		}
		if !slices.ContainsFunc(numbers, func(n number) bool { return n.digits == digits }) {
			numbers = append(numbers, number{digits, p.mobile()})
		}
	}
	if len(numbers) == 0 {
		if len(c.Phones) == 0 {
			return nil, notes, vpslink.FieldError("phone", "the card has no phone number")
		}
		return nil, notes, vpslink.FieldError("phone", "no number the phone rules accept: %s", strings.Join(notes, "; "))
	}
	if i := slices.IndexFunc(numbers, func(n number) bool { return n.mobile }); i > 0 {
		first := numbers[i]
		numbers = append([]number{first}, slices.Delete(numbers, i, i+1)...)
	}
	contact = &vpslink.Contact{
		Phone: numbers[0].digits, Name: c.Name, Aliases: c.Nickname, Tags: c.Categories,
		IsFavorite: c.Favorite, Timezone: c.Timezone, Notes: c.Note,
	}
	if len(numbers) > 1 {
		contact.SecondaryPhone = numbers[1].digits
	}
	if len(numbers) > 2 {
		var more []string
		for _, n := range numbers[2:] {
			more = append(more, "+"+n.digits)
		}
		contact.Notes = strings.TrimSpace(contact.Notes + "\nOther phones: " + strings.Join(more, ", "))
		if len(more) == 1 {
			notes = append(notes, "1 more number kept in the notes")
		} else {
			notes = append(notes, fmt.Sprintf("%d more numbers kept in the notes", len(more)))
		}
	}
	if strings.TrimSpace(contact.Name) == "" {
		contact.Name = "+" + contact.Phone
		notes = append(notes, "no name: named after the number")
	}
	if err := contact.Validate(); err != nil {
		return nil, notes, err
	}
	return contact, notes, nil
}
