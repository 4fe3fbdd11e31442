#!/bin/sh
# PostgreSQL backup and restore for Izol (docs/backup.md). The files in the S3 bucket are not in the
# dump: the bucket is backed up by its provider (versioning, replication, lifecycle rules).
#
#   DATABASE_URL=postgres://… scripts/pg-backup.sh backup FILE.dump
#       pg_dump in its custom format (compressed, restorable table by table) to FILE.dump, through a
#       temporary name; writes FILE.dump.sha256 beside it.
#   DATABASE_URL=postgres://…/new_empty_db scripts/pg-backup.sh restore FILE.dump
#       checks FILE.dump.sha256 (when present) and that pg_restore can read the dump, refuses a
#       database that has tables already, restores in one transaction, then runs the audit
#       verification on the result (npm run audit:verify).
#
# Exit 0: done; 1: refused or failed (a restore leaves the database as it was); 2: bad arguments.
# pg_dump and pg_restore must be at least the server's major version (pg_dump --version).
set -eu

usage() {
  echo "usage: DATABASE_URL=postgres://… $0 backup FILE.dump | restore FILE.dump" >&2
  exit 2
}
[ $# -eq 2 ] || usage
command=$1
file=$2
case "${DATABASE_URL:-}" in
  postgres://* | postgresql://*) ;;
  *) echo "pg-backup: DATABASE_URL must be a postgres:// address (for SQLite use npm run backup)" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)

case "$command" in
  backup)
    if [ -e "$file" ]; then echo "pg-backup: $file exists already: choose another name" >&2; exit 1; fi
    pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$DATABASE_URL" || { rm -f "$file.partial"; echo "pg-backup: pg_dump failed" >&2; exit 1; }
    mv "$file.partial" "$file"
    (cd "$(dirname "$file")" && sha256sum "$(basename "$file")" > "$(basename "$file").sha256")
    echo "Backup written: $file ($(wc -c < "$file") bytes)"
    echo "  SHA-256: $(cut -d' ' -f1 "$file.sha256") (in $file.sha256)"
    echo "Restore it into a new, empty database with: DATABASE_URL=postgres://…/new_db $0 restore $file"
    ;;
  restore)
    [ -f "$file" ] || { echo "pg-backup: no dump at $file" >&2; exit 1; }
    if [ -f "$file.sha256" ]; then
      (cd "$(dirname "$file")" && sha256sum --check --status "$(basename "$file").sha256") || { echo "pg-backup: $file does not match $file.sha256: the dump is damaged, nothing restored" >&2; exit 1; }
    else
      echo "pg-backup: no $file.sha256 beside the dump: its checksum is not checked" >&2
    fi
    pg_restore --list "$file" > /dev/null || { echo "pg-backup: pg_restore cannot read $file: nothing restored" >&2; exit 1; }
    tables=$(psql --no-psqlrc --tuples-only --no-align --dbname="$DATABASE_URL" \
      --command="select count(*) from information_schema.tables where table_schema = current_schema()") || { echo "pg-backup: cannot reach the database" >&2; exit 1; }
    if [ "$tables" != "0" ]; then
      echo "pg-backup: the target database has $tables tables already: restore only into a new, empty database (createdb …)" >&2
      exit 1
    fi
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$file" || { echo "pg-backup: pg_restore failed; nothing was kept" >&2; exit 1; }
    echo "Restored $file."
    (cd "$here/.." && node --import tsx scripts/audit-verify.ts) || { echo "pg-backup: the restored database fails the audit verification: do not serve it" >&2; exit 1; }
    echo "Set DATABASE_URL to this database (and the same S3_*/STORAGE_* and DATA_ENCRYPTION_KEY) to serve it."
    ;;
  *) usage ;;
esac
