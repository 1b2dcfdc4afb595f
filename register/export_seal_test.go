package register

import (
	"context"
	"io/fs"

	"github.com/jackc/tern/v2/migrate"
)

// MigrateToForTest migrates s to schema version v only, so a test can write
// rows as an older version did and then migrate on.
func MigrateToForTest(ctx context.Context, s *Store, v int32) error {
	conn, err := s.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	m, err := migrate.NewMigrator(ctx, conn.Conn(), "ehc_schema_version")
	if err != nil {
		return err
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	if err := m.LoadMigrations(sub); err != nil {
		return err
	}
	return m.MigrateTo(ctx, v)
}
