//! Objects pgarchitect provides ready-made: the `updated_at` trigger function, the
//! audit log and its trigger function, the partition maintenance function, and the
//! schema version table.

use crate::model::{
    CheckConstraint, Column, Function, Index, IndexKey, Partitioning, QualifiedName, Table, Volatility,
};
use crate::types::SqlType;

/// `public.set_updated_at()`, the trigger function behind [`Table::timestamps`].
pub fn set_updated_at_name() -> QualifiedName {
    QualifiedName::public("set_updated_at")
}

/// `public.audit_row_change()`, the trigger function behind [`Table::audited`].
pub fn audit_function_name() -> QualifiedName {
    QualifiedName::public("audit_row_change")
}

/// `public.ensure_partitions(parent regclass, period text, ahead integer)`.
pub fn ensure_partitions_name() -> QualifiedName {
    QualifiedName::public("ensure_partitions")
}

pub(crate) fn set_updated_at() -> Function {
    Function::trigger(set_updated_at_name(), "\nBEGIN\n    NEW.updated_at := now();\n    RETURN NEW;\nEND\n")
        .comment("Trigger function: sets updated_at to the transaction time on UPDATE")
}

pub(crate) fn ensure_partitions() -> Function {
    let body = r#"
DECLARE
    parent_schema text;
    parent_name text;
    key_type text;
    first_day date;
    from_day date;
    to_day date;
    part_name text;
    created integer := 0;
BEGIN
    IF period NOT IN ('day', 'month', 'year') THEN
        RAISE EXCEPTION 'period must be day, month or year, not %', period;
    END IF;
    SELECT n.nspname, c.relname INTO parent_schema, parent_name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = parent;
    SELECT format_type(a.atttypid, NULL) INTO key_type
    FROM pg_partitioned_table p
    JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = parent AND p.partstrat = 'r' AND p.partnatts = 1;
    IF key_type IS NULL THEN
        RAISE EXCEPTION '% is not range-partitioned on one column', parent;
    END IF;
    first_day := date_trunc(period, now() AT TIME ZONE 'UTC')::date;
    FOR i IN 0 .. ahead - 1 LOOP
        from_day := (first_day + make_interval(days => CASE period WHEN 'day' THEN i ELSE 0 END,
                                               months => CASE period WHEN 'month' THEN i ELSE 0 END,
                                               years => CASE period WHEN 'year' THEN i ELSE 0 END))::date;
        to_day := (from_day + ('1 ' || period)::interval)::date;
        part_name := parent_name || '_' || to_char(from_day,
            CASE period WHEN 'day' THEN 'YYYY_MM_DD' WHEN 'month' THEN 'YYYY_MM' ELSE 'YYYY' END);
        IF to_regclass(format('%I.%I', parent_schema, part_name)) IS NULL THEN
            EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                parent_schema, part_name, parent,
                CASE key_type WHEN 'timestamp with time zone' THEN (from_day::timestamp AT TIME ZONE 'UTC')::text ELSE from_day::text END,
                CASE key_type WHEN 'timestamp with time zone' THEN (to_day::timestamp AT TIME ZONE 'UTC')::text ELSE to_day::text END);
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END
"#;
    let mut f = Function::new(ensure_partitions_name(), "integer", "plpgsql", body)
        .arguments("parent regclass, period text, ahead integer DEFAULT 3")
        .comment("Creates the range partitions of parent for the current period (UTC) and the next ahead-1 periods; returns how many it created. Run it from pg_cron or a scheduler.");
    f.volatility = Some(Volatility::Volatile);
    f
}

/// The audit log table and what writes to it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditLog {
    /// The table rows are logged into.
    pub table: QualifiedName,
    /// How the log is partitioned (by `created_at`).
    pub partitioning: Partitioning,
}

impl Default for AuditLog {
    /// `public.audit_logs`, monthly partitions for the current and next two months
    /// (created when the DDL runs), and a default partition.
    fn default() -> Self {
        let mut partitioning = Partitioning::range(["created_at"]).with_default();
        partitioning.window = Some(crate::model::PeriodWindow {
            period: crate::model::Period::Month,
            from: crate::model::CivilDate { year: 2000, month: 1, day: 1 },
            count: 0,
            ahead: 3,
        });
        Self { table: QualifiedName::public("audit_logs"), partitioning }
    }
}

impl AuditLog {
    /// Sets the partitioning (its key must be `created_at`).
    pub fn partitioning(mut self, partitioning: Partitioning) -> Self {
        self.partitioning = partitioning;
        self
    }

    pub(crate) fn table(&self) -> Table {
        let mut t = Table::in_schema(self.table.schema.clone(), self.table.name.clone())
            .comment("Audit trail: one row per INSERT, UPDATE and DELETE on audited tables, written by a trigger")
            .column(Column::new("id", SqlType::BigInt).identity(crate::model::Identity::Always))
            .column(Column::new("table_name", SqlType::Text).comment("Schema-qualified name of the changed table"))
            .column(Column::new("record_id", SqlType::Text).nullable().comment("Primary key of the changed row (comma-separated for composite keys)"))
            .column(Column::new("action", SqlType::Varchar(Some(6))))
            .column(Column::new("old_data", SqlType::Jsonb).nullable().comment("Row before the change (UPDATE, DELETE)"))
            .column(Column::new("new_data", SqlType::Jsonb).nullable().comment("Row after the change (INSERT, UPDATE)"))
            .column(Column::new("changed_fields", SqlType::Text.array()).nullable().comment("Columns whose value changed (UPDATE)"))
            .column(Column::new("user_id", SqlType::BigInt).nullable().comment("Application user from the app.user_id setting, when set"))
            .column(Column::new("db_user", SqlType::Text).default_expr("current_user").comment("Database role that made the change"))
            .column(Column::new("created_at", SqlType::Timestamptz).default_expr("now()"))
            .primary_key(["id", "created_at"])
            .check(CheckConstraint::on_column("action", "action IN ('INSERT', 'UPDATE', 'DELETE')"))
            .index(Index::on(["table_name", "record_id"]).comment("History of one row"))
            .index(Index::with_keys([IndexKey::column("created_at").desc()]).comment("Recent changes first"))
            .partition_by(self.partitioning.clone())
            .allow("foreign-key-without-index", "the audit log has no foreign keys")
            .retention("decide per compliance requirement; drop old partitions to purge");
        t.allows.push(crate::model::LintAllow::new("missing-timestamps", "rows are immutable: created_at only"));
        t
    }

    pub(crate) fn function(&self) -> Function {
        let body = format!(
            r#"
DECLARE
    old_row jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
    app_user text := NULLIF(current_setting('app.user_id', true), '');
BEGIN
    IF TG_OP = 'UPDATE' AND old_row = new_row THEN
        RETURN NULL;
    END IF;
    INSERT INTO {table} (table_name, record_id, action, old_data, new_data, changed_fields, user_id)
    VALUES (
        TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME,
        (SELECT string_agg(coalesce(new_row, old_row) ->> key, ',' ORDER BY position)
           FROM unnest(TG_ARGV) WITH ORDINALITY AS k(key, position)),
        TG_OP,
        old_row,
        new_row,
        CASE WHEN TG_OP = 'UPDATE' THEN ARRAY(
            SELECT n.key FROM jsonb_each(new_row) AS n
            WHERE n.value IS DISTINCT FROM old_row -> n.key ORDER BY n.key) END,
        CASE WHEN app_user ~ '^-?[0-9]{{1,18}}$' THEN app_user::bigint END
    );
    RETURN NULL;
END
"#,
            table = self.table
        );
        let mut f = Function::trigger(audit_function_name(), body)
            .depends_on(self.table.clone())
            .comment("Trigger function: writes the changed row to the audit log; arguments are the primary key columns");
        f.security_definer = true;
        f.search_path = Some("pg_catalog, pg_temp".to_owned());
        f
    }
}

/// The brief's `schema_migrations` table, plus a checksum for migration runners.
pub(crate) fn version_table(schema: &str) -> Table {
    Table::in_schema(schema, "schema_migrations")
        .comment("Schema versions applied to this database, newest last")
        .column(Column::new("version", SqlType::Varchar(Some(50))))
        .column(Column::new("description", SqlType::Text).nullable())
        .column(Column::new("checksum", SqlType::Text).nullable().comment("Checksum of the applied script, to detect edits"))
        .column(Column::new("applied_by", SqlType::Text).default_expr("current_user"))
        .column(Column::new("applied_at", SqlType::Timestamptz).default_expr("now()"))
        .primary_key(["version"])
        .allow("missing-timestamps", "append-only: applied_at records when")
}
