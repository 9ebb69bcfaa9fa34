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

/// The plpgsql function behind [`ensure_partitions_name`]: it creates the
/// range partitions of the current period (UTC) and the next ones, each under
/// `ACCESS EXCLUSIVE` locks on the parent and its default partition, first
/// moving the period's rows out of the default partition (user triggers off
/// while they move, see [`user_triggers_off`]). A row that a foreign key's
/// row references cannot move, as the delete half of the move fires the key's
/// `ON DELETE` action (cascading deletes, changed references, or a 23503
/// failure); rows that no row references move, which changes no referencing
/// row (see [`refuse_referenced_rows`], which looks row by row under the same
/// locks). While the default partition holds a referenced row of a period, the
/// call raises 23514 (as PostgreSQL refuses the partition, and as the migration
/// step does, see `create_partition_from_default`), naming the default
/// partition, the period, the referencing tables and how many of the rows they
/// reference. The call makes no partition then, not even those of the periods
/// before: it is one statement, and an error aborts it whole (a function cannot
/// commit part of its work). Making them and returning instead would hide the
/// refusal from a scheduler, which sees only errors; so the hint names the call
/// with the smaller `ahead` that makes them (`ensure_partitions('logs',
/// 'month', 2)`). With no row of the period there, the partition is created as
/// for any table.
pub(crate) fn ensure_partitions() -> Function {
    let body = r#"
DECLARE
    parent_schema text;
    parent_name text;
    key_type text;
    key_column text;
    default_part regclass;
    parent_rls boolean;
    parent_forced boolean;
    default_forced boolean := false;
    copy_columns text;
    first_day date;
    from_day date;
    to_day date;
    bound_from text;
    bound_to text;
    part_name text;
    has_rows boolean;
    refusal text;
    refusal_hint text;
    new_part regclass;
{trigger_variables}{reference_variables}    created integer := 0;
BEGIN
    IF period NOT IN ('day', 'month', 'year') THEN
        RAISE EXCEPTION 'period must be day, month or year, not %', period;
    END IF;
    SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity
    INTO parent_schema, parent_name, parent_rls, parent_forced
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = parent;
    SELECT format_type(a.atttypid, NULL), a.attname INTO key_type, key_column
    FROM pg_partitioned_table p
    JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = parent AND p.partstrat = 'r' AND p.partnatts = 1;
    IF key_type IS NULL THEN
        RAISE EXCEPTION '% is not range-partitioned on one column', parent;
    END IF;
    SELECT i.inhrelid::regclass, c.relforcerowsecurity INTO default_part, default_forced
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = parent AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO copy_columns
    FROM pg_attribute
    WHERE attrelid = parent AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
    first_day := date_trunc(period, now() AT TIME ZONE 'UTC')::date;
    FOR i IN 0 .. ahead - 1 LOOP
        from_day := (first_day + make_interval(days => CASE period WHEN 'day' THEN i ELSE 0 END,
                                               months => CASE period WHEN 'month' THEN i ELSE 0 END,
                                               years => CASE period WHEN 'year' THEN i ELSE 0 END))::date;
        to_day := (from_day + ('1 ' || period)::interval)::date;
        part_name := parent_name || '_' || to_char(from_day,
            CASE period WHEN 'day' THEN 'YYYY_MM_DD' WHEN 'month' THEN 'YYYY_MM' ELSE 'YYYY' END);
        IF octet_length(part_name) > 63 THEN
            RAISE EXCEPTION 'partition name % is longer than 63 bytes; shorten the table name', part_name;
        END IF;
        CONTINUE WHEN to_regclass(format('%I.%I', parent_schema, part_name)) IS NOT NULL;
        IF key_type = 'timestamp with time zone' THEN
            bound_from := (from_day::timestamp AT TIME ZONE 'UTC')::text;
            bound_to := (to_day::timestamp AT TIME ZONE 'UTC')::text;
        ELSE
            bound_from := from_day::text;
            bound_to := to_day::text;
        END IF;
        -- The locks CREATE TABLE ... PARTITION OF takes, taken before the default
        -- partition is read: no row of the period can land in it, or change,
        -- between the look, the copy and the delete (it would be deleted and not
        -- copied), and no weaker lock is upgraded later.
        EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', parent);
        IF default_part IS NOT NULL THEN
            EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', default_part);
        END IF;
        -- Rows of this period caught by the default partition move into the new one
        -- (PostgreSQL refuses the new partition while the default holds its rows).
        -- A forced default partition has no policy and hides its rows from its owner
        -- too: FORCE is lifted while they move (in this transaction only).
        IF default_forced THEN
            EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', default_part);
        END IF;
        has_rows := false;
        IF default_part IS NOT NULL THEN
            EXECUTE format('SELECT EXISTS (SELECT FROM %s WHERE %I >= %L AND %I < %L)',
                default_part, key_column, bound_from, key_column, bound_to) INTO has_rows;
        END IF;
        -- Rows that foreign keys reference cannot move: the delete half of a move
        -- fires those keys' ON DELETE action, user triggers off or not (CASCADE
        -- deletes the referencing rows, SET NULL and SET DEFAULT change them, NO
        -- ACTION and RESTRICT fail). Under the locks (no key is added, and no
        -- reference written, meanwhile), each key referencing the default
        -- partition, the parent or an ancestor is looked at row by row: a moving
        -- row no row references moves (the key's action then matches no row),
        -- and while one is referenced the call stops here. The exception aborts
        -- the whole call: the partitions it made for earlier periods are rolled
        -- back with it, and the hint names the call that makes those.
        IF has_rows THEN
            refusal := format('the default partition %s holds rows of the %s from %s to %s (UTC), which cannot move into its new partition %I.%I',
                default_part, period, from_day, to_day, parent_schema, part_name);
            refusal_hint := 'move the referenced rows out of the default partition by hand (minding the rows that reference them), then call ensure_partitions again. '
                || CASE WHEN i > 0 THEN format('Until then ensure_partitions(%L, %L, %s) makes the partitions of the periods before this one (a call that stops makes none). ', parent::text, period, i)
                        ELSE '' END
                || 'Create partitions further ahead (a larger ahead, run often enough) so rows never land in the default partition.';
{refuse_referenced}        END IF;
        -- User triggers that would fire are off while rows move (a move is no
        -- delete or insert to audit), each back in its own mode after.
        IF has_rows THEN
            EXECUTE format('CREATE TEMP TABLE pgarchitect_moving AS SELECT %s FROM %s WHERE %I >= %L AND %I < %L',
                copy_columns, default_part, key_column, bound_from, key_column, bound_to);
{default_triggers_off}            EXECUTE format('DELETE FROM %s WHERE %I >= %L AND %I < %L',
                default_part, key_column, bound_from, key_column, bound_to);
{triggers_back}        END IF;
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
            parent_schema, part_name, parent, bound_from, bound_to);
        IF has_rows THEN
            new_part := format('%I.%I', parent_schema, part_name)::regclass;
{new_triggers_off}            EXECUTE format('INSERT INTO %I.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM pgarchitect_moving',
                parent_schema, part_name, copy_columns, copy_columns);
{triggers_back}            DROP TABLE pgarchitect_moving;
        END IF;
        IF default_forced THEN
            EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', default_part);
        END IF;
        -- Queried by its own name, a partition has only its own row-level security:
        -- the parent's, with no policy, so that access sees and writes no rows.
        IF parent_rls THEN
            EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', parent_schema, part_name);
        END IF;
        IF parent_forced THEN
            EXECUTE format('ALTER TABLE %I.%I FORCE ROW LEVEL SECURITY', parent_schema, part_name);
        END IF;
        created := created + 1;
    END LOOP;
    RETURN created;
END
"#;
    let body = body
        .replace("{trigger_variables}", TRIGGER_VARIABLES)
        .replace("{reference_variables}", REFERENCE_VARIABLES)
        .replace(
            "{refuse_referenced}",
            &refuse_referenced_rows("default_part", "format('%I >= %L AND %I < %L', key_column, bound_from, key_column, bound_to)", "refusal", "refusal_hint", "            "),
        )
        .replace("{default_triggers_off}", &user_triggers_off("default_part", "            "))
        .replace("{new_triggers_off}", &user_triggers_off("new_part", "            "))
        .replace("{triggers_back}", &user_triggers_back("            "));
    let mut f = Function::new(ensure_partitions_name(), "integer", "plpgsql", body)
        .arguments("parent regclass, period text, ahead integer DEFAULT 3")
        .comment("Creates the range partitions of parent for the current period (UTC) and the next ahead-1 periods, moving rows of those periods out of the default partition (with triggers off while they move; a row that a foreign key's row references cannot move, as moving fires the key's ON DELETE action: while one waits there, it raises 23514 and the call makes no partition), and gives them the parent's row-level security (no policies: direct access sees no rows); returns how many it created. Run it from pg_cron or a scheduler.");
    f.volatility = Some(Volatility::Volatile);
    f
}

/// The `DECLARE` lines of the variables [`user_triggers_off`] and
/// [`user_triggers_back`] use.
pub(crate) const TRIGGER_VARIABLES: &str = "    pgarchitect_triggers_off text;\n    pgarchitect_triggers_back text;\n";

/// plpgsql statements, each line indented by `indent`, that switch off by name
/// the user triggers of `relation` (an SQL expression of type `regclass`) that
/// would fire in this session, while rows move between partitions: a move is no
/// delete or insert to audit. They keep in `pgarchitect_triggers_back` the
/// `ALTER TABLE` that [`user_triggers_back`] runs to give each trigger the mode
/// it had (`ENABLE`, `ENABLE ALWAYS` or `ENABLE REPLICA`), in the same
/// transaction. A trigger fires when it is `ALWAYS`, or `ENABLE`d (`REPLICA`)
/// while `session_replication_role` is not (is) `replica`; the others are not
/// touched, so a disabled trigger stays disabled. (`DISABLE TRIGGER USER` then
/// `ENABLE TRIGGER USER` would leave every one plain `ENABLE`d.) A row trigger
/// of the partitioned table is cloned to each partition, where it has a mode of
/// its own: it is one of the partition's triggers here. Internal triggers
/// (those of foreign keys) are left alone, as `DISABLE TRIGGER USER` leaves them.
/// (`session_replication_role` always exists: `missing_ok` only spares the call
/// the `current-setting-without-missing-ok` lint.)
pub(crate) fn user_triggers_off(relation: &str, indent: &str) -> String {
    format!(
        "{indent}SELECT 'ALTER TABLE ' || {relation}::text || ' ' || string_agg(format('DISABLE TRIGGER %I', tgname), ', ' ORDER BY tgname),
{indent}       'ALTER TABLE ' || {relation}::text || ' ' || string_agg(format('ENABLE %sTRIGGER %I', CASE tgenabled WHEN 'A' THEN 'ALWAYS ' WHEN 'R' THEN 'REPLICA ' ELSE '' END, tgname), ', ' ORDER BY tgname)
{indent}  INTO pgarchitect_triggers_off, pgarchitect_triggers_back
{indent}  FROM pg_trigger WHERE tgrelid = {relation} AND NOT tgisinternal
{indent}   AND tgenabled IN ('A', CASE current_setting('session_replication_role', true) WHEN 'replica' THEN 'R' ELSE 'O' END);
{indent}IF pgarchitect_triggers_off IS NOT NULL THEN
{indent}    EXECUTE pgarchitect_triggers_off;
{indent}END IF;
"
    )
}

/// plpgsql statements, indented by `indent`, that give the triggers
/// [`user_triggers_off`] switched off the mode each had.
pub(crate) fn user_triggers_back(indent: &str) -> String {
    format!("{indent}IF pgarchitect_triggers_back IS NOT NULL THEN\n{indent}    EXECUTE pgarchitect_triggers_back;\n{indent}END IF;\n")
}

/// The `DECLARE` lines of the variables [`refuse_referenced_rows`] uses.
pub(crate) const REFERENCE_VARIABLES: &str = "    pgarchitect_key record;
    pgarchitect_sql text;
    pgarchitect_found boolean;
    pgarchitect_rows text;
    pgarchitect_names text[];
    pgarchitect_referenced bigint;
    pgarchitect_row_security text;
";

/// plpgsql statements, each line indented by `indent`, that raise 23514 when a
/// row of `relation` (an SQL expression of type `regclass`: a default
/// partition) that is about to move, those `condition` (a text expression: an
/// SQL condition over its columns) takes, is referenced by a foreign key: the
/// delete half of a move fires the key's `ON DELETE` action (CASCADE deletes the
/// referencing rows, SET NULL and SET DEFAULT change them, NO ACTION and
/// RESTRICT fail with 23503), user triggers off or not. Rows that no row
/// references move without changing any: the action's `DELETE` or `UPDATE` on
/// the referencing table matches nothing (PostgreSQL's internal triggers fire
/// for each deleted row, and only a superuser could switch them off, so the
/// referencing table's statement-level triggers for that `DELETE` or `UPDATE`
/// still fire, once per move, as for any delete of an unreferenced row; no row
/// trigger does), and a deferred key's check, at commit, finds the rows in
/// their new partition.
///
/// Each key is looked at once, by the constraint PostgreSQL made for it (not
/// its copies on partitions: `conparentid = 0`), when it references `relation`,
/// one of its ancestors (the partitioned table) or one of its own partitions: a
/// referencing row points at a moving row when each of its key columns equals
/// (by the key's own operators, `conpfeqop`) the moving row's referenced
/// column; a NULL in one of them references nothing (MATCH SIMPLE, and MATCH
/// FULL allows no other NULL). The referencing table is read whole, its
/// partitions included (a self-reference is a key like another). Row-level
/// security is off while it reads (`row_security`, this transaction only, set
/// back after): PostgreSQL checks a key as the referencing table's owner, past
/// its policies, so a policy that hid a referencing row would let it be
/// cascaded away unseen. Where a policy applies to the caller, or it may not
/// read the table, the read fails (42501) and the move is refused all the same,
/// with that reason. The message is `message` (a text expression) followed by
/// the referencing tables (schema-qualified, by their partitioned table for a
/// partition) and how
/// many moving rows they reference, its hint `hint`. The caller holds `ACCESS
/// EXCLUSIVE` on the partitioned table and `relation` from before the look to
/// the move, so no referencing row can be written meanwhile: PostgreSQL's check
/// of a new reference reads the partitioned table, and waits.
pub(crate) fn refuse_referenced_rows(relation: &str, condition: &str, message: &str, hint: &str, indent: &str) -> String {
    format!(
        "{indent}pgarchitect_names := ARRAY[]::text[];
{indent}pgarchitect_rows := NULL;
{indent}pgarchitect_row_security := current_setting('row_security', true);
{indent}PERFORM set_config('row_security', 'off', true);
{indent}FOR pgarchitect_key IN
{indent}    SELECT k.conrelid::regclass AS referencing,
{indent}           (SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
{indent}             WHERE c.oid = coalesce(pg_partition_root(k.conrelid), k.conrelid)) AS named,
{indent}           CASE WHEN k.confrelid IN (SELECT relid FROM pg_partition_ancestors({relation})) THEN {relation} ELSE k.confrelid::regclass END AS referenced,
{indent}           (SELECT string_agg(format('d.%I OPERATOR(%I.%s) r.%I', pk.attname, n.nspname, o.oprname, fk.attname), ' AND ' ORDER BY u.i)
{indent}              FROM unnest(k.confkey, k.conkey, k.conpfeqop) WITH ORDINALITY AS u(pk, fk, op, i)
{indent}              JOIN pg_attribute pk ON pk.attrelid = k.confrelid AND pk.attnum = u.pk
{indent}              JOIN pg_attribute fk ON fk.attrelid = k.conrelid AND fk.attnum = u.fk
{indent}              JOIN pg_operator o ON o.oid = u.op
{indent}              JOIN pg_namespace n ON n.oid = o.oprnamespace) AS matches
{indent}    FROM pg_constraint k
{indent}    WHERE k.contype = 'f' AND k.conparentid = 0
{indent}      AND k.confrelid IN (SELECT relid FROM pg_partition_ancestors({relation}) UNION SELECT relid FROM pg_partition_tree({relation}))
{indent}    ORDER BY 2, k.conname
{indent}LOOP
{indent}    pgarchitect_sql := format('SELECT d.tableoid, d.ctid FROM %s d WHERE (%s) AND EXISTS (SELECT FROM %s r WHERE %s)',
{indent}        pgarchitect_key.referenced, {condition}, pgarchitect_key.referencing, pgarchitect_key.matches);
{indent}    BEGIN
{indent}        EXECUTE format('SELECT EXISTS (%s)', pgarchitect_sql) INTO pgarchitect_found;
{indent}    EXCEPTION WHEN insufficient_privilege THEN
{indent}        RAISE EXCEPTION USING ERRCODE = 'check_violation',
{indent}            MESSAGE = {message} || format(': whether foreign keys of %s reference them cannot be checked (%s), and moving a referenced row fires their ON DELETE action', pgarchitect_key.named, SQLERRM),
{indent}            HINT = {hint};
{indent}    END;
{indent}    IF pgarchitect_found THEN
{indent}        pgarchitect_rows := concat_ws(' UNION ', pgarchitect_rows, pgarchitect_sql);
{indent}        IF NOT pgarchitect_key.named = ANY (pgarchitect_names) THEN
{indent}            pgarchitect_names := pgarchitect_names || pgarchitect_key.named;
{indent}        END IF;
{indent}    END IF;
{indent}END LOOP;
{indent}IF pgarchitect_rows IS NOT NULL THEN
{indent}    EXECUTE format('SELECT count(*) FROM (%s) m', pgarchitect_rows) INTO pgarchitect_referenced;
{indent}    RAISE EXCEPTION USING ERRCODE = 'check_violation',
{indent}        MESSAGE = {message} || format(': foreign keys of %s reference %s of them, and moving a row fires their ON DELETE action', array_to_string(pgarchitect_names, ', '), pgarchitect_referenced),
{indent}        HINT = {hint};
{indent}END IF;
{indent}PERFORM set_config('row_security', pgarchitect_row_security, true);
"
    )
}

/// Why the audit log's row images need no GIN index.
const NOT_SEARCHED: &str = "read by primary key lookups of one row's history (table_name, record_id), never searched by content";

/// The audit log table and what writes to it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditLog {
    /// The table rows are logged into.
    pub table: QualifiedName,
    /// How the log is partitioned (by `created_at`).
    pub partitioning: Partitioning,
    /// Expected volume of the log (`"2M rows/month"`), recorded on its table; left
    /// unset, the design review asks for it.
    pub volume: Option<String>,
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
        Self { table: QualifiedName::public("audit_logs"), partitioning, volume: None }
    }
}

impl AuditLog {
    /// Sets the partitioning (its key must be `created_at`).
    pub fn partitioning(mut self, partitioning: Partitioning) -> Self {
        self.partitioning = partitioning;
        self
    }

    /// Records the expected volume of the log (the audit table's `volume`).
    pub fn volume(mut self, volume: impl Into<String>) -> Self {
        self.volume = Some(volume.into());
        self
    }

    pub(crate) fn table(&self) -> Table {
        let mut t = Table::in_schema(self.table.schema.clone(), self.table.name.clone())
            .comment("Audit trail: one row per INSERT, UPDATE and DELETE on audited tables, written by a trigger")
            .column(Column::new("id", SqlType::BigInt).identity(crate::model::Identity::Always))
            .column(Column::new("table_name", SqlType::Text).comment("Schema-qualified, quoted name of the changed table (the partitioned table for a partition)"))
            .column(Column::new("record_id", SqlType::Text).nullable().comment("Primary key of the changed row: its value as text, or jsonb_build_array(key columns)::text for a composite key"))
            .column(Column::new("action", SqlType::Varchar(Some(6))))
            .column(
                Column::new("old_data", SqlType::Jsonb)
                    .nullable()
                    .comment("Row before the change (UPDATE, DELETE)")
                    .allow("jsonb-without-gin-index", NOT_SEARCHED),
            )
            .column(
                Column::new("new_data", SqlType::Jsonb)
                    .nullable()
                    .comment("Row after the change (INSERT, UPDATE)")
                    .allow("jsonb-without-gin-index", NOT_SEARCHED),
            )
            .column(Column::new("changed_fields", SqlType::Text.array()).nullable().comment("Columns whose value changed (UPDATE)"))
            .column(
                Column::new("user_id", SqlType::BigInt)
                    .nullable()
                    .comment("Application user from the app.user_id setting, when set")
                    .allow(
                        "missing-foreign-key",
                        "taken from the app.user_id session setting, not a reference; audit rows must outlive the users they name",
                    ),
            )
            .column(Column::new("db_user", SqlType::Text).default_expr("current_user").comment("Database role that made the change (the SET ROLE role, else the login)"))
            .column(Column::new("created_at", SqlType::Timestamptz).default_expr("now()"))
            .primary_key(["id", "created_at"])
            .check(CheckConstraint::on_column("action", "action IN ('INSERT', 'UPDATE', 'DELETE')"))
            .index(Index::on(["table_name", "record_id"]).comment("History of one row"))
            .index(Index::with_keys([IndexKey::column("created_at").desc()]).comment("Recent changes first"))
            .partition_by(self.partitioning.clone())
            .allow("foreign-key-without-index", "the audit log has no foreign keys")
            .retention("decide per compliance requirement; drop old partitions to purge");
        t.allows.push(crate::model::LintAllow::new("missing-timestamps", "rows are immutable: created_at only"));
        t.volume = self.volume.clone();
        t
    }

    pub(crate) fn function(&self) -> Function {
        let body = format!(
            r#"
DECLARE
    old_row jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
    app_user text := NULLIF(current_setting('app.user_id', true), '');
    -- current_user is this function's owner (SECURITY DEFINER); the `role` setting
    -- still names the role the session acts as.
    acting_role text := CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END;
    logged_table text;
BEGIN
    IF TG_OP = 'UPDATE' AND old_row = new_row THEN
        RETURN NULL;
    END IF;
    -- A partition's changes are logged under its partitioned table.
    SELECT format('%I.%I', n.nspname, c.relname) INTO logged_table
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = coalesce(pg_partition_root(TG_RELID), TG_RELID);
    INSERT INTO {table} (table_name, record_id, action, old_data, new_data, changed_fields, user_id, db_user)
    VALUES (
        logged_table,
        -- One key column: its value. Several: a JSON array of them (joining them
        -- with a separator would be ambiguous once a value holds it).
        CASE WHEN TG_NARGS = 1 THEN coalesce(new_row, old_row) ->> TG_ARGV[0]
             ELSE (SELECT jsonb_agg(coalesce(new_row, old_row) -> key ORDER BY position)
                     FROM unnest(TG_ARGV) WITH ORDINALITY AS k(key, position))::text END,
        TG_OP,
        old_row,
        new_row,
        CASE WHEN TG_OP = 'UPDATE' THEN ARRAY(
            SELECT n.key FROM jsonb_each(new_row) AS n
            WHERE n.value IS DISTINCT FROM old_row -> n.key ORDER BY n.key) END,
        CASE WHEN app_user ~ '^-?[0-9]{{1,18}}$' THEN app_user::bigint END,
        acting_role
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_triggers_go_off_by_name_and_come_back_in_their_own_mode() {
        assert_eq!(
            user_triggers_off("r", "  "),
            "  SELECT 'ALTER TABLE ' || r::text || ' ' || string_agg(format('DISABLE TRIGGER %I', tgname), ', ' ORDER BY tgname),
         'ALTER TABLE ' || r::text || ' ' || string_agg(format('ENABLE %sTRIGGER %I', CASE tgenabled WHEN 'A' THEN 'ALWAYS ' WHEN 'R' THEN 'REPLICA ' ELSE '' END, tgname), ', ' ORDER BY tgname)
    INTO pgarchitect_triggers_off, pgarchitect_triggers_back
    FROM pg_trigger WHERE tgrelid = r AND NOT tgisinternal
     AND tgenabled IN ('A', CASE current_setting('session_replication_role', true) WHEN 'replica' THEN 'R' ELSE 'O' END);
  IF pgarchitect_triggers_off IS NOT NULL THEN
      EXECUTE pgarchitect_triggers_off;
  END IF;
"
        );
        assert_eq!(user_triggers_back("  "), "  IF pgarchitect_triggers_back IS NOT NULL THEN\n      EXECUTE pgarchitect_triggers_back;\n  END IF;\n");
    }

    #[test]
    fn ensure_partitions_moves_rows_with_each_user_trigger_off_and_back_in_its_mode() {
        let body = ensure_partitions().body;
        assert!(!body.contains("TRIGGER USER"), "{body}");
        assert!(!body.contains('{'), "every placeholder filled: {body}");
        assert!(body.contains("    new_part regclass;\n    pgarchitect_triggers_off text;\n    pgarchitect_triggers_back text;\n"), "{body}");
        // In order: the default partition's triggers off, its rows deleted, its
        // triggers back; the partition created; its (cloned) triggers off, the
        // rows inserted, its triggers back.
        let at = |what: &str, from: usize| from + body[from..].find(what).unwrap_or_else(|| panic!("{what} after byte {from}: {body}"));
        let off_default = at(&user_triggers_off("default_part", "            "), 0);
        let delete = at("EXECUTE format('DELETE FROM %s", off_default);
        let back_default = at(&user_triggers_back("            "), delete);
        let create = at("EXECUTE format('CREATE TABLE %I.%I PARTITION OF", back_default);
        let off_new = at(&user_triggers_off("new_part", "            "), create);
        let insert = at("EXECUTE format('INSERT INTO %I.%I", off_new);
        let back_new = at(&user_triggers_back("            "), insert);
        assert!(at("DROP TABLE pgarchitect_moving;", back_new) > back_new);
        assert!(body[create..off_new].contains("new_part := format('%I.%I', parent_schema, part_name)::regclass;"), "{body}");
    }

    #[test]
    fn ensure_partitions_moves_no_row_a_foreign_key_references() {
        let body = ensure_partitions().body;
        let at = |what: &str| body.find(what).unwrap_or_else(|| panic!("{what}: {body}"));
        // Under the locks, once the default partition is known to hold rows of the
        // period, and before any of them is copied or deleted.
        let refuse = refuse_referenced_rows("default_part", "format('%I >= %L AND %I < %L', key_column, bound_from, key_column, bound_to)", "refusal", "refusal_hint", "            ");
        let look = at(&refuse);
        assert!(at("LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', default_part") < look);
        assert!(at("INTO has_rows;") < look);
        assert!(look < at("CREATE TEMP TABLE pgarchitect_moving") && look < at("EXECUTE format('DELETE FROM %s"));
        assert!(body[..look].ends_with("        IF has_rows THEN\n            refusal := format('the default partition %s holds rows of the %s from %s to %s (UTC), which cannot move into its new partition %I.%I',\n                default_part, period, from_day, to_day, parent_schema, part_name);\n            refusal_hint := 'move the referenced rows out of the default partition by hand (minding the rows that reference them), then call ensure_partitions again. '\n                || CASE WHEN i > 0 THEN format('Until then ensure_partitions(%L, %L, %s) makes the partitions of the periods before this one (a call that stops makes none). ', parent::text, period, i)\n                        ELSE '' END\n                || 'Create partitions further ahead (a larger ahead, run often enough) so rows never land in the default partition.';\n"), "{body}");
        assert!(body[look + refuse.len()..].starts_with("        END IF;\n"), "{body}");
        assert!(body.contains(&format!("    new_part regclass;\n{TRIGGER_VARIABLES}{REFERENCE_VARIABLES}    created integer := 0;\n")), "{body}");
        assert!(ensure_partitions().comment.is_some_and(|c| c.contains("a row that a foreign key's row references cannot move, as moving fires the key's ON DELETE action: while one waits there, it raises 23514 and the call makes no partition")));
    }

    #[test]
    fn referenced_rows_are_looked_for_key_by_key_with_row_level_security_off() {
        let s = refuse_referenced_rows("rel", "cond", "msg", "hint", "  ");
        assert!(s.lines().all(|l| l.starts_with("  ")), "{s}");
        let at = |what: &str| s.find(what).unwrap_or_else(|| panic!("{what}: {s}"));
        // Each key once (not its copies on partitions), on the relation, its ancestors or its partitions.
        assert!(s.contains("    WHERE k.contype = 'f' AND k.conparentid = 0\n        AND k.confrelid IN (SELECT relid FROM pg_partition_ancestors(rel) UNION SELECT relid FROM pg_partition_tree(rel))\n"), "{s}");
        // Column by column, with the key's own operators; a NULL equals nothing.
        assert!(s.contains("format('d.%I OPERATOR(%I.%s) r.%I', pk.attname, n.nspname, o.oprname, fk.attname), ' AND ' ORDER BY u.i)"), "{s}");
        assert!(s.contains("FROM unnest(k.confkey, k.conkey, k.conpfeqop) WITH ORDINALITY AS u(pk, fk, op, i)"), "{s}");
        assert!(s.contains("format('SELECT d.tableoid, d.ctid FROM %s d WHERE (%s) AND EXISTS (SELECT FROM %s r WHERE %s)',\n          pgarchitect_key.referenced, cond, pgarchitect_key.referencing, pgarchitect_key.matches);"), "{s}");
        // Row-level security off around the reads (set back after), a read refused is a refusal.
        let off = at("  PERFORM set_config('row_security', 'off', true);\n");
        assert!(at("  pgarchitect_row_security := current_setting('row_security', true);\n") < off && off < at("  FOR pgarchitect_key IN\n"));
        assert!(s.ends_with("  PERFORM set_config('row_security', pgarchitect_row_security, true);\n"), "{s}");
        assert!(s.contains("      EXCEPTION WHEN insufficient_privilege THEN\n          RAISE EXCEPTION USING ERRCODE = 'check_violation',\n              MESSAGE = msg || format(': whether foreign keys of %s reference them cannot be checked (%s)"), "{s}");
        // The rows referenced counted once, whichever keys reference them.
        assert!(s.contains("      pgarchitect_rows := concat_ws(' UNION ', pgarchitect_rows, pgarchitect_sql);"), "{s}");
        assert!(s.contains("      EXECUTE format('SELECT count(*) FROM (%s) m', pgarchitect_rows) INTO pgarchitect_referenced;\n      RAISE EXCEPTION USING ERRCODE = 'check_violation',\n          MESSAGE = msg || format(': foreign keys of %s reference %s of them, and moving a row fires their ON DELETE action', array_to_string(pgarchitect_names, ', '), pgarchitect_referenced),\n          HINT = hint;"), "{s}");
        assert!(!s.contains('{') && !s.contains('}'), "{s}");
    }

    #[test]
    fn audit_log_records_volume_and_its_lint_exceptions() {
        let t = AuditLog::default().table();
        assert_eq!(t.volume, None, "no placeholder: the design review asks for it");
        assert_eq!(AuditLog::default().volume("2M rows/month").table().volume.as_deref(), Some("2M rows/month"));
        let allowed = |column: &str, rule: &str| {
            t.find_column(column).is_some_and(|c| c.allows.iter().any(|a| a.rule == rule && !a.reason.is_empty()))
        };
        assert!(allowed("old_data", "jsonb-without-gin-index"));
        assert!(allowed("new_data", "jsonb-without-gin-index"));
        assert!(allowed("user_id", "missing-foreign-key"));
    }
}
