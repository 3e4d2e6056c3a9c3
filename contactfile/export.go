package contactfile

import (
	"context"
	"fmt"
	"io"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// Export writes every contact, ordered by name, as format "vcf" or "csv".
func Export(ctx context.Context, db *store.DB, w io.Writer, format string) error {
	write := map[string]func(io.Writer, []*vpslink.Contact) error{"vcf": WriteVCard, "csv": WriteCSV}[format]
	if write == nil {
		return vpslink.FieldError("format", "must be vcf or csv, not %q", format)
	}
	var all []*vpslink.Contact
	for {
		page, total, err := db.ListContacts(ctx, vpslink.ContactFilter{Limit: store.MaxLimit, Offset: len(all)})
		if err != nil {
			return fmt.Errorf("export contacts: %w", err)
		}
		all = append(all, page...)
		if len(page) == 0 || len(all) >= total {
			break
		}
	}
	return write(w, all)
}
