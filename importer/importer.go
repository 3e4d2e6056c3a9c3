// Package importer moves the legacy Node.js app's JSON files (contacts,
// scheduled messages, jobs and chat history, as written by its three
// generations) into the SQLite store, in one transaction, accounting for
// every record in a Report.
package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/internal/progress"
	"github.com/vpslink/vpslink/store"
)

// Source is where the legacy files are: a directory or an S3 prefix.
type Source interface {
	// Open opens a legacy file by name and returns its size (-1 when
	// unknown); a missing file is an error matching fs.ErrNotExist.
	Open(ctx context.Context, name string) (io.ReadCloser, int64, error)
	String() string
}

// The legacy file names. scheduled.json and scheduled-messages.json are
// two generations' names for the same data; both are read when both exist.
const (
	contactsFile = "contacts.json"
	jobsFile     = "jobs.json"
	chatsFile    = "chats.json"
)

var scheduledFiles = []string{"scheduled.json", "scheduled-messages.json"}

// maxSmallFile bounds the files that are read whole (all but chats.json,
// which is streamed).
const maxSmallFile = 256 << 20

// Options change how Run works.
type Options struct {
	// DryRun does everything but commit.
	DryRun bool
	// Progress, when set, receives a progress bar per file.
	Progress io.Writer
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// Run imports the legacy files of src into db in one transaction: either
// every record is accounted for and committed, or nothing is written. The
// small files are read and checked before the transaction starts; chats.json
// is streamed inside it.
func Run(ctx context.Context, db *store.DB, src Source, opt Options) (*Report, error) {
	rep := &Report{Source: src.String(), DryRun: opt.DryRun}
	contacts, err := load(ctx, src, contactsFile, opt, parseContacts)
	if err != nil {
		return nil, err
	}
	var scheduled []*loaded[vpslink.ScheduledMessage]
	for _, name := range scheduledFiles {
		s, err := load(ctx, src, name, opt, parseScheduled)
		if err != nil {
			return nil, err
		}
		scheduled = append(scheduled, s)
	}
	jobs, err := load(ctx, src, jobsFile, opt, parseJobs)
	if err != nil {
		return nil, err
	}
	dedupe([]*loaded[vpslink.Contact]{contacts}, mergeContact)
	dedupe(scheduled, replace)
	dedupe([]*loaded[vpslink.Job]{jobs}, replace)
	chats, size, err := src.Open(ctx, chatsFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", chatsFile, err)
	}
	if chats != nil {
		defer chats.Close()
	}
	if chats == nil && contacts.missing() && scheduled[0].missing() && scheduled[1].missing() && jobs.missing() {
		return nil, fmt.Errorf("no legacy files (%s, %s, %s, %s) in %s", contactsFile, scheduledFiles[0], jobsFile, chatsFile, src)
	}

	err = db.Update(ctx, func(tx *store.Tx) error {
		rep.Files = nil
		f := contacts.report(rep, "contacts")
		err := apply(f, contacts, func(c *vpslink.Contact) (store.ImportResult, error) {
			return tx.ImportContact(ctx, c)
		})
		if err != nil {
			return err
		}
		for _, s := range scheduled {
			f := s.report(rep, "scheduled messages")
			err := apply(f, s, func(m *vpslink.ScheduledMessage) (store.ImportResult, error) {
				res, created, err := tx.ImportMessage(ctx, m)
				if created {
					f.ContactsCreated++
				}
				return res, err
			})
			if err != nil {
				return err
			}
		}
		f = jobs.report(rep, "jobs")
		if err := apply(f, jobs, func(j *vpslink.Job) (store.ImportResult, error) { return tx.ImportJob(ctx, j) }); err != nil {
			return err
		}
		chatReport, msgReport := newFileReport(chatsFile, "chats"), newFileReport(chatsFile, "chat messages")
		rep.Files = append(rep.Files, chatReport, msgReport)
		if chats == nil {
			chatReport.Missing, msgReport.Missing = true, true
		} else if err := importChats(ctx, tx, src, progress.Reader(chats, chatsFile, size, opt.Progress), chatReport, msgReport); err != nil {
			return err
		}
		if rep.Database, err = tx.TableCounts(ctx); err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	return rep, nil
}

// loaded is one small file, parsed; p is nil when the file does not exist.
type loaded[T any] struct {
	name string
	p    *parsed[T]
}

func (l *loaded[T]) missing() bool { return l.p == nil }

// report adds the file's report to rep.
func (l *loaded[T]) report(rep *Report, records string) *FileReport {
	f := newFileReport(l.name, records)
	f.Missing = l.missing()
	if !f.Missing {
		if w := l.p.warning(); w != "" {
			f.warn(l.name, "%s", w)
		}
	}
	rep.Files = append(rep.Files, f)
	return f
}

// load reads and parses a small legacy file. Errors name the file and the
// line and column of the problem.
func load[T any](ctx context.Context, src Source, name string, opt Options, parse func([]byte) (*parsed[T], error)) (*loaded[T], error) {
	l := &loaded[T]{name: name}
	rc, size, err := src.Open(ctx, name)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(progress.Reader(rc, name, size, opt.Progress), maxSmallFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxSmallFile {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, maxSmallFile>>20)
	}
	if l.p, err = parse(data); err != nil {
		return nil, locate(name, err, func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	}
	return l, nil
}

// apply upserts the records of a parsed file and accounts for each in f.
func apply[T any](f *FileReport, l *loaded[T], upsert func(*T) (store.ImportResult, error)) error {
	if l.missing() {
		return nil
	}
	for i := range l.p.items {
		it := &l.p.items[i]
		f.Read++
		for _, w := range it.warnings {
			f.warn(it.ref, "%s", w)
		}
		if it.skip != "" {
			f.skip(it.ref, "%s", it.skip)
			continue
		}
		if it.mergedInto != "" {
			f.Merged++
			f.warn(it.ref, "same key %s as %s; merged into it", it.key, it.mergedInto)
			continue
		}
		res, err := upsert(&it.value)
		if err != nil {
			return fmt.Errorf("%s %s: %w", f.File, it.ref, err)
		}
		f.count(it.ref, res)
	}
	return nil
}
