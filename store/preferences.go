package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vpslink/vpslink"
)

// preferencePrefix namespaces the user's settings in the settings table,
// apart from the keys vpslink keeps for itself (the emergency stop, the
// instance).
const preferencePrefix = "preference."

// Settings returns the settings in force: SettingsBase (from the
// configuration) with the saved values over it, and where each value comes from. A saved
// value that no longer parses or validates is skipped with base's value,
// so that a bad row never stops sending.
func (db *DB) Settings(ctx context.Context) (vpslink.Settings, map[string]string, error) {
	base := db.SettingsBase
	saved, err := db.savedPreferences(ctx)
	if err != nil {
		return base, nil, err
	}
	s, sources := applySaved(base, saved)
	return s, sources, nil
}

// UpdateSettings saves the changed settings (a JSON value each; null drops
// the saved value, so the configuration's applies again) after checking the
// result as a whole: nothing is saved when any value is bad.
func (db *DB) UpdateSettings(ctx context.Context, changes map[string]json.RawMessage) (vpslink.Settings, map[string]string, error) {
	base := db.SettingsBase
	saved, err := db.savedPreferences(ctx)
	if err != nil {
		return base, nil, err
	}
	for name, v := range changes {
		if string(v) == "null" {
			delete(saved, name)
			continue
		}
		probe := base
		if err := probe.SetValue(name, string(v)); err != nil {
			return base, nil, err
		}
		saved[name] = probe.SettingValues()[name] // normalised JSON
	}
	s := base
	for _, name := range vpslink.SettingNames() {
		if v, ok := saved[name]; ok {
			if err := s.SetValue(name, v); err != nil {
				return base, nil, err
			}
		}
	}
	if err := s.Validate(); err != nil {
		return base, nil, err
	}
	err = db.Update(ctx, func(tx *Tx) error {
		for name := range changes {
			key := preferencePrefix + name
			if v, ok := saved[name]; ok {
				if _, err := tx.setSetting(ctx, key, v); err != nil {
					return err
				}
			} else if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, key); err != nil {
				return fmt.Errorf("drop setting %s: %w", name, describe(err))
			}
		}
		return nil
	})
	if err != nil {
		return base, nil, err
	}
	s, sources := applySaved(base, saved)
	return s, sources, nil
}

func (db *DB) savedPreferences(ctx context.Context) (map[string]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE ?`, preferencePrefix+"%")
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", describe(err))
	}
	defer rows.Close()
	saved := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read settings: %w", describe(err))
		}
		saved[strings.TrimPrefix(k, preferencePrefix)] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read settings: %w", describe(err))
	}
	return saved, nil
}

// applySaved lays the saved values that still hold over base, one by one.
func applySaved(base vpslink.Settings, saved map[string]string) (vpslink.Settings, map[string]string) {
	s := base
	sources := map[string]string{}
	for _, name := range vpslink.SettingNames() {
		sources[name] = vpslink.SettingFromConfig
		v, ok := saved[name]
		if !ok {
			continue
		}
		probe := s
		if probe.SetValue(name, v) != nil || probe.Validate() != nil {
			continue
		}
		s, sources[name] = probe, vpslink.SettingFromSaved
	}
	return s, sources
}
