//! `#[derive(Table)]` and `#[derive(PgEnum)]` without a database: the model each
//! derive builds, and the DDL a schema of derived tables emits.
//!
//! The tables use chrono, uuid, serde_json and rust_decimal columns: run with
//! `--all-features` (as `cargo test --workspace --all-features` does).
#![cfg(all(feature = "chrono", feature = "uuid", feature = "serde_json", feature = "rust_decimal"))]
#![allow(dead_code)] // The structs exist to be derived; their fields are never read.

mod derive_blog;

use chrono::{DateTime, Utc};
use derive_blog::*;
use pgarchitect::model::{
    Deferrable, Identity, IndexMethod, IndexTarget, NullsOrder, QualifiedName, ReferentialAction, SortOrder,
};
use pgarchitect::{model, PgEnum, PgType, Schema, SqlType, Table};

#[test]
fn table_names_and_keys() {
    assert_eq!(User::SCHEMA, "public");
    assert_eq!(User::NAME, "users");
    assert_eq!(User::PRIMARY_KEY, ["id"]);
    assert_eq!(PostTag::PRIMARY_KEY, ["post_id", "tag_id"]);
    assert_eq!(TagVote::SCHEMA, "app");
    // Default name: the struct name in snake_case, not pluralised.
    assert_eq!(TagVote::NAME, "tag_vote");
    assert_eq!(Category::NAME, "category");

    // The key types: one field's type, or a tuple in key order.
    fn key_type<T: Table<PrimaryKey = K>, K>() {}
    key_type::<User, i64>();
    key_type::<Tag, i32>();
    key_type::<PostTag, (i64, i32)>();
}

#[test]
fn columns_types_and_nullability() {
    let users = User::definition();
    assert_eq!(users.name, QualifiedName::public("users"));
    let col = |name: &str| users.find_column(name).unwrap_or_else(|| panic!("no column {name}")).clone();

    let names: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "uuid",
            "email",
            "username",
            "first_name",
            "status",
            "role",
            "login_count",
            "metadata",
            "created_at",
            "deleted_at"
        ],
        "skipped fields are not columns"
    );
    assert_eq!(col("id").ty, SqlType::BigInt);
    assert_eq!(col("id").identity, Some(Identity::Always));
    assert!(!col("id").nullable);
    assert_eq!(col("uuid").ty, SqlType::Uuid);
    assert_eq!(col("email").ty, SqlType::Varchar(Some(255)));
    assert_eq!(col("username").ty, SqlType::Varchar(Some(50)));
    assert!(!col("username").nullable);
    // With `sql_type`, nullability comes from the field type, as without.
    assert_eq!(col("first_name").ty, SqlType::Varchar(Some(100)));
    assert!(col("first_name").nullable);
    assert_eq!(col("status").ty, SqlType::Named(QualifiedName::public("user_status")));
    assert_eq!(col("status").default.as_deref(), Some("'active'"));
    assert_eq!(col("role").ty, SqlType::Named(QualifiedName::public("user_role")));
    assert_eq!(col("role").default.as_deref(), Some("'user'"));
    assert_eq!(col("metadata").ty, SqlType::Jsonb);
    assert_eq!(col("created_at").ty, SqlType::Timestamptz);
    assert!(col("deleted_at").nullable);

    let posts = Post::definition();
    let post_col = |name: &str| posts.find_column(name).unwrap_or_else(|| panic!("no column {name}")).clone();
    assert_eq!(post_col("id").identity, Some(Identity::ByDefault));
    // `r#type` renamed to `kind`; `default_text` is quoted and escaped.
    assert_eq!(post_col("kind").default.as_deref(), Some("'it''s a post'"));
    assert_eq!(post_col("total").generated.as_deref(), Some("price * quantity"));
    assert_eq!(post_col("price").ty, SqlType::Numeric(None));
    assert_eq!(post_col("tags_cache").ty, SqlType::Text.array());
}

#[test]
fn raw_identifiers_name_columns_without_prefix() {
    #[derive(Table)]
    struct Item {
        #[column(primary_key)]
        r#type: i32,
    }
    assert_eq!(Item::PRIMARY_KEY, ["type"]);
    assert_eq!(Item::definition().columns[0].name, "type");
}

#[test]
fn doc_comments_become_comments() {
    let users = User::definition();
    assert_eq!(users.comment.as_deref(), Some("Core user accounts and authentication data."));
    assert_eq!(users.find_column("uuid").unwrap().comment.as_deref(), Some("Public-facing unique identifier, use this in APIs."));
    assert_eq!(users.find_column("email").unwrap().comment, None);
    // An explicit comment wins over the doc comment.
    assert_eq!(TagVote::definition().comment.as_deref(), Some("Tag votes"));
    assert_eq!(Tag::definition().comment, None);
    // Paragraphs are kept apart.
    assert_eq!(Role::definition().comment.as_deref(), Some("What a user may do.\nChecked by the API on every request."));
}

#[test]
fn constraints() {
    let users = User::definition();
    assert_eq!(users.primary_key.as_ref().unwrap().columns, ["id"]);
    assert_eq!(users.primary_key.as_ref().unwrap().name, None, "named by build()");
    let uniques: Vec<Vec<String>> = users.uniques.iter().map(|u| u.columns.clone()).collect();
    assert_eq!(uniques, [vec!["uuid".to_owned()], vec!["email".to_owned()], vec!["username".to_owned()]]);
    assert!(users.uniques.iter().all(|u| u.name.is_none()));

    assert_eq!(users.checks.len(), 2);
    let column_check = users.checks.iter().find(|c| c.column.is_some()).unwrap();
    assert_eq!(column_check.column.as_deref(), Some("login_count"));
    assert_eq!(column_check.expr, "login_count >= 0");
    assert_eq!(column_check.name, None);
    let table_check = users.checks.iter().find(|c| c.column.is_none()).unwrap();
    assert_eq!(table_check.name.as_deref(), Some("users_email_lowercase"));

    let posts = Post::definition();
    let unique = &posts.uniques[0];
    assert_eq!(unique.columns, ["author_id", "slug"]);
    assert_eq!(unique.name.as_deref(), Some("posts_author_slug_key"));

    let votes = TagVote::definition();
    assert_eq!(votes.uniques[0].columns, ["voter_id", "post_id", "tag_id"]);
    assert!(votes.uniques[0].nulls_not_distinct);
}

#[test]
fn foreign_keys() {
    let posts = Post::definition();
    let author = &posts.foreign_keys[0];
    assert_eq!(author.columns, ["author_id"]);
    assert_eq!(author.references, QualifiedName::public("users"));
    assert_eq!(author.referenced_columns, ["id"]);
    assert_eq!(author.on_delete, Some(ReferentialAction::Cascade));
    assert_eq!(author.on_update, None);
    assert_eq!(author.deferrable, Deferrable::No);
    let editor = &posts.foreign_keys[1];
    assert_eq!(editor.on_delete, Some(ReferentialAction::SetNull));
    assert_eq!(editor.on_update, Some(ReferentialAction::Cascade));
    assert_eq!(editor.deferrable, Deferrable::InitiallyDeferred);

    // To a composite key, with a nullable column (checked per column at compile time).
    let votes = TagVote::definition();
    let fk_on = |cols: &[&str]| votes.foreign_keys.iter().find(|fk| fk.columns == cols).unwrap();
    let to_post_tag = fk_on(&["post_id", "tag_id"]);
    assert_eq!(to_post_tag.columns, ["post_id", "tag_id"]);
    assert_eq!(to_post_tag.references, QualifiedName::public("post_tags"));
    assert_eq!(to_post_tag.referenced_columns, ["post_id", "tag_id"]);
    assert_eq!(to_post_tag.name.as_deref(), Some("tag_votes_post_tag_fkey"));
    // `references_column` names the referenced column explicitly.
    let voter = fk_on(&["voter_id"]);
    assert_eq!(voter.references, QualifiedName::public("users"));
    assert_eq!(voter.referenced_columns, ["id"]);

    let categories = Category::definition();
    assert_eq!(categories.foreign_keys[0].references, QualifiedName::public("category"));
}

#[test]
fn indexes() {
    let users = User::definition();
    let created = &users.indexes[0];
    assert_eq!(created.keys[0].target, IndexTarget::Column("created_at".into()));
    assert_eq!(created.keys[0].order, Some(SortOrder::Desc));
    assert_eq!(created.method, IndexMethod::BTree);
    assert_eq!(users.indexes[1].method, IndexMethod::Gin);
    let lower = &users.indexes[2];
    assert_eq!(lower.keys[0].target, IndexTarget::Expression("lower(username)".into()));
    assert!(lower.unique);
    assert_eq!(lower.predicate.as_deref(), Some("deleted_at IS NULL"));
    assert_eq!(lower.name.as_deref(), Some("idx_users_username_lower"));

    // A bare column `index` is a btree index on that column.
    let posts = Post::definition();
    assert_eq!(posts.indexes.len(), 1);
    assert_eq!(posts.indexes[0].keys[0].target, IndexTarget::Column("author_id".into()));
    assert_eq!(posts.indexes[0].name, None);

    let tags = Tag::definition();
    assert_eq!(tags.indexes[0].method, IndexMethod::Gin);
    assert_eq!(tags.indexes[0].keys[0].opclass.as_deref(), Some("gin_trgm_ops"));

    let votes = TagVote::definition();
    let voter = &votes.indexes[0];
    assert_eq!(voter.keys.len(), 2);
    assert!(voter.keys.iter().all(|k| k.order == Some(SortOrder::Desc) && k.nulls == Some(NullsOrder::Last)));
    assert_eq!(voter.include, ["weight"]);
    assert_eq!(voter.comment.as_deref(), Some("Votes of one user, newest first"));
}

#[test]
fn enums() {
    assert_eq!(UserStatus::NAME, "user_status");
    assert_eq!(UserStatus::SCHEMA, "public");
    assert_eq!(UserStatus::LABELS, ["active", "inactive", "suspended", "deleted"]);
    assert_eq!(Role::NAME, "user_role");
    assert_eq!(Role::LABELS, ["admin", "moderator", "user", "guest"]);
    let def = UserStatus::definition();
    assert_eq!(def.name, QualifiedName::public("user_status"));
    assert_eq!(def.values, UserStatus::LABELS);
    assert_eq!(def.comment.as_deref(), Some("Lifecycle of an account."));
    assert_eq!(<UserStatus as PgType>::sql_type(), SqlType::Named(QualifiedName::public("user_status")));
    const { assert!(!<UserStatus as PgType>::NULLABLE) };
    const { assert!(<Option<UserStatus> as PgType>::NULLABLE) };
}

#[test]
fn enum_rename_rules() {
    // Debug: with the `postgres-types` feature, PgEnum also implements `ToSql`, which needs it.
    #[derive(Debug, PgEnum)]
    #[pg_enum(schema = "app", rename_all = "SCREAMING_SNAKE_CASE", comment = "")]
    /// Ignored: `comment = ""` means no comment.
    enum OrderState {
        OnHold,
        Shipped,
        #[pg_enum(rename = "lost in transit")]
        Lost,
    }
    assert_eq!(OrderState::SCHEMA, "app");
    assert_eq!(OrderState::NAME, "order_state");
    assert_eq!(OrderState::LABELS, ["ON_HOLD", "SHIPPED", "lost in transit"]);
    assert_eq!(OrderState::definition().comment, None);

    #[derive(Debug, PgEnum)]
    #[pg_enum(rename_all = "kebab-case")]
    enum Kebab {
        FirstOne,
        SecondOne,
    }
    assert_eq!(Kebab::LABELS, ["first-one", "second-one"]);
}

#[test]
fn enums_are_registered_by_the_tables_that_use_them() {
    let schema = Schema::builder().table::<User>().build().unwrap();
    let enums: Vec<&str> = schema.enums().iter().map(|e| e.name.name.as_str()).collect();
    assert_eq!(enums, ["user_role", "user_status"]);

    // Two tables using one enum register it once.
    #[derive(Table)]
    struct Audit {
        #[column(primary_key)]
        id: i64,
        status: UserStatus,
        previous: Option<UserStatus>,
        history: Vec<UserStatus>,
    }
    let schema = Schema::builder().table::<User>().table::<Audit>().build().unwrap();
    assert_eq!(schema.enums().len(), 2);
    assert_eq!(
        schema.table(&QualifiedName::public("audit")).unwrap().find_column("history").unwrap().ty,
        SqlType::Named(QualifiedName::public("user_status")).array()
    );
}

#[test]
fn ddl() {
    let ddl = schema().to_ddl();
    for expected in [
        "CREATE SCHEMA IF NOT EXISTS app;",
        "CREATE TYPE public.user_status AS ENUM ('active', 'inactive', 'suspended', 'deleted');",
        "CREATE TYPE public.user_role AS ENUM ('admin', 'moderator', 'user', 'guest');",
        "COMMENT ON TYPE public.user_status IS 'Lifecycle of an account.';",
        "CREATE TABLE public.users (",
        "    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,",
        "    uuid uuid DEFAULT gen_random_uuid() NOT NULL,",
        "    email varchar(255) NOT NULL,",
        "    username varchar(50) NOT NULL,",
        "    first_name varchar(100),",
        "    status public.user_status DEFAULT 'active' NOT NULL,",
        "    metadata jsonb DEFAULT '{}' NOT NULL,",
        "    deleted_at timestamptz,\n    CONSTRAINT users_pkey",
        "    CONSTRAINT users_pkey PRIMARY KEY (id),",
        "    CONSTRAINT users_email_key UNIQUE (email),",
        "    CONSTRAINT users_login_count_check CHECK (login_count >= 0),",
        "    CONSTRAINT users_email_lowercase CHECK (email = lower(email))",
        "CREATE INDEX idx_users_created_at ON public.users (created_at DESC);",
        "CREATE INDEX idx_users_metadata ON public.users USING gin (metadata);",
        "CREATE UNIQUE INDEX idx_users_username_lower ON public.users ((lower(username))) WHERE (deleted_at IS NULL);",
        "COMMENT ON TABLE public.users IS 'Core user accounts and authentication data.';",
        "COMMENT ON COLUMN public.users.uuid IS 'Public-facing unique identifier, use this in APIs.';",
        "    id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,",
        "    kind text DEFAULT 'it''s a post' NOT NULL,",
        "    total numeric GENERATED ALWAYS AS (price * quantity) STORED NOT NULL,",
        "    tags_cache text[] NOT NULL,",
        "CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.users (id) ON DELETE CASCADE",
        "CONSTRAINT posts_editor_id_fkey FOREIGN KEY (editor_id) REFERENCES public.users (id) ON DELETE SET NULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED",
        "CREATE INDEX idx_posts_author_id ON public.posts (author_id);",
        "CREATE INDEX idx_tags_slug_trgm ON public.tags USING gin (slug gin_trgm_ops);",
        "CONSTRAINT post_tags_pkey PRIMARY KEY (post_id, tag_id),",
        "CONSTRAINT post_tags_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES public.tags (id) ON DELETE RESTRICT",
        "CREATE TABLE app.tag_vote (",
        "CONSTRAINT tag_votes_post_tag_fkey FOREIGN KEY (post_id, tag_id) REFERENCES public.post_tags (post_id, tag_id) ON DELETE CASCADE",
        "UNIQUE NULLS NOT DISTINCT (voter_id, post_id, tag_id)",
        "CREATE INDEX idx_tag_votes_voter ON app.tag_vote (voter_id DESC NULLS LAST, created_at DESC NULLS LAST) INCLUDE (weight);",
        "COMMENT ON INDEX app.idx_tag_votes_voter IS 'Votes of one user, newest first';",
        "CONSTRAINT category_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.category (id) ON DELETE SET NULL",
    ] {
        assert!(ddl.contains(expected), "DDL lacks {expected:?}:\n{ddl}");
    }
    // Tables come after the tables they reference.
    let pos = |s: &str| ddl.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(pos("CREATE TABLE public.users (") < pos("CREATE TABLE public.posts ("));
    assert!(pos("CREATE TABLE public.posts (") < pos("CREATE TABLE public.post_tags ("));
    assert!(pos("CREATE TABLE public.post_tags (") < pos("CREATE TABLE app.tag_vote ("));
}

#[test]
fn an_invalid_sql_type_is_reported_by_build() {
    // Syntactically fine, so the derive accepts it; `build()` knows `text` takes no modifier.
    #[derive(Table)]
    struct Note {
        #[column(primary_key)]
        id: i64,
        #[column(sql_type = "text(20)")]
        body: String,
    }
    let err = Schema::builder().table::<Note>().build().unwrap_err();
    assert!(err.to_string().contains("note.body"), "{err}");
}

#[test]
fn extension_types_pass_through() {
    #[derive(Table)]
    struct Contact {
        #[column(primary_key)]
        id: i64,
        #[column(sql_type = "citext")]
        email: String,
        #[column(sql_type = "numeric(12, 2)")]
        balance: rust_decimal::Decimal,
        #[column(sql_type = "timestamp with time zone[]")]
        seen: Vec<DateTime<Utc>>,
    }
    let t = Contact::definition();
    assert_eq!(t.columns[1].ty, SqlType::Named(QualifiedName::unqualified("citext")));
    assert_eq!(t.columns[2].ty, SqlType::Numeric(Some((12, Some(2)))));
    assert_eq!(t.columns[3].ty, SqlType::Timestamptz.array());
}

#[test]
fn operational_attributes() {
    let sessions = Session::definition();
    assert_eq!(sessions.volume.as_deref(), Some("50M rows/year"));
    assert_eq!(sessions.retention.as_deref(), Some("90 days"));
    assert_eq!(sessions.allows[0].rule, "missing-foreign-key");
    assert!(sessions.rls.enabled && sessions.rls.forced);
    assert!(sessions.audited && sessions.soft_delete);
    let names: Vec<&str> = sessions.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "user_id", "device_id", "ip_hash", "created_at", "updated_at", "deleted_at"]);

    let select = &sessions.policies[0];
    assert_eq!(select.name, "sessions_own");
    assert_eq!(select.command, model::PolicyCommand::Select);
    assert!(select.permissive);
    assert_eq!(select.roles, ["app_user"]);
    assert_eq!(select.with_check, None);
    assert_eq!(select.comment.as_deref(), Some("Users see their own sessions"));
    // `isolate`: a missing, empty or malformed `app.user_id` hides every row instead of raising.
    assert_eq!(
        select.using.as_deref(),
        Some("user_id = CASE WHEN current_setting('app.user_id', true) ~ '^-?[0-9]{1,18}$' THEN current_setting('app.user_id', true)::bigint END")
    );
    let insert = &sessions.policies[1];
    assert_eq!(insert.command, model::PolicyCommand::Insert);
    assert!(!insert.permissive);
    assert_eq!(insert.using, None);

    let ip = sessions.find_column("ip_hash").unwrap();
    assert!(ip.personal_data);
    assert_eq!(ip.protection.as_deref(), Some("sha256 of the address"));
    assert_eq!(ip.allows[0].reason, "the hash is the value");

    let schema = Schema::builder().table::<User>().table::<Session>().build().unwrap_or_else(|e| panic!("{e}"));
    let report = schema.lint();
    for rule in ["unguarded-setting-cast", "current-setting-without-missing-ok"] {
        assert_eq!(report.of_rule(rule).count(), 0, "{rule}:\n{}", report.to_human());
    }
    let ddl = schema.to_ddl();
    for expected in ["ENABLE ROW LEVEL SECURITY", "FORCE ROW LEVEL SECURITY", "CREATE POLICY sessions_own ON public.sessions"] {
        assert!(ddl.contains(expected), "DDL lacks {expected:?}:\n{ddl}");
    }
}

#[test]
fn tables_declared_in_a_function_can_reference_each_other() {
    #[derive(Table)]
    struct Parent {
        #[column(primary_key)]
        id: uuid::Uuid,
    }
    #[derive(Table)]
    #[table(foreign_key(columns(parent_id, other_id), references = Pair))]
    struct Child {
        #[column(primary_key)]
        id: i64,
        #[column(references = Parent)]
        parent_id: Option<uuid::Uuid>,
        other_id: i32,
    }
    #[derive(Table)]
    #[table(primary_key(parent, other))]
    struct Pair {
        parent: uuid::Uuid,
        other: i32,
    }
    let schema = Schema::builder().table::<Parent>().table::<Child>().table::<Pair>().build().unwrap();
    let child = schema.table(&QualifiedName::public("child")).unwrap();
    assert_eq!(child.foreign_keys.len(), 2);
}

/// A field type the crate does not map, given a column type with `sql_type`.
struct Cents(i64);
type MaybeNote = Option<String>;
type Maybe<T> = Option<T>;
type MaybeCents = Option<Cents>;
type Tags = Vec<String>;
type MaybeTags = Option<Vec<String>>;

/// With `sql_type` (or `varchar`), nullability comes from the field's type as the
/// compiler resolves it, as without: an alias of `Option<_>` is nullable, a type
/// that is not an `Option` (even one wrapping it) is NOT NULL.
#[test]
fn nullability_with_sql_type_follows_the_type_through_aliases() {
    struct WrapsOption(Option<i64>);
    #[derive(Table)]
    struct Nullability {
        #[column(primary_key)]
        id: i64,
        #[column(sql_type = "varchar(20)")]
        written: Option<String>,
        #[column(sql_type = "varchar(20)")]
        qualified: std::option::Option<String>,
        #[column(sql_type = "varchar(20)")]
        alias: MaybeNote,
        #[column(varchar = 20)]
        varchar_alias: MaybeNote,
        #[column(sql_type = "varchar(20)")]
        generic_alias: Maybe<String>,
        #[column(sql_type = "varchar(20)")]
        not_null: String,
        #[column(sql_type = "bigint")]
        user_type: Cents,
        #[column(sql_type = "bigint")]
        option_of_user_type: Option<Cents>,
        #[column(sql_type = "bigint")]
        alias_of_user_type: MaybeCents,
        #[column(sql_type = "bigint")]
        wraps_option: WrapsOption,
        #[column(sql_type = "text[]")]
        vec: Vec<String>,
        #[column(sql_type = "text[]")]
        vec_alias: Tags,
        #[column(sql_type = "text[]")]
        option_of_vec: Option<Vec<String>>,
        #[column(sql_type = "text[]")]
        option_of_vec_alias: MaybeTags,
        #[column(sql_type = "bigint[]")]
        vec_of_user_type: Vec<Cents>,
        #[column(sql_type = "bigint[]")]
        option_of_vec_of_user_type: Maybe<Vec<Cents>>,
        // Without `sql_type`, as before: from `PgType::NULLABLE`.
        mapped_alias: MaybeNote,
        mapped_vec_alias: Tags,
    }
    let table = Nullability::definition();
    let nullable: Vec<(&str, bool)> = table.columns.iter().map(|c| (c.name.as_str(), c.nullable)).collect();
    assert_eq!(
        nullable,
        [
            ("id", false),
            ("written", true),
            ("qualified", true),
            ("alias", true),
            ("varchar_alias", true),
            ("generic_alias", true),
            ("not_null", false),
            ("user_type", false),
            ("option_of_user_type", true),
            ("alias_of_user_type", true),
            ("wraps_option", false),
            ("vec", false),
            ("vec_alias", false),
            ("option_of_vec", true),
            ("option_of_vec_alias", true),
            ("vec_of_user_type", false),
            ("option_of_vec_of_user_type", true),
            ("mapped_alias", true),
            ("mapped_vec_alias", false),
        ]
    );
    // A mapped type that is not an `Option` but nullable by its `PgType` (`&T`
    // forwards `T`'s) is nullable with `sql_type` too.
    #[derive(Table)]
    struct Borrowed<'a> {
        #[column(primary_key)]
        id: i64,
        #[column(sql_type = "varchar(20)")]
        note: &'a Option<String>,
        #[column(sql_type = "varchar(20)")]
        name: &'a str,
    }
    let borrowed = Borrowed::definition();
    assert!(borrowed.find_column("note").unwrap().nullable);
    assert!(!borrowed.find_column("name").unwrap().nullable);

    let ddl = Schema::builder().table::<Nullability>().build().unwrap_or_else(|e| panic!("{e}")).to_ddl();
    assert!(ddl.contains("alias varchar(20),"), "{ddl}");
    assert!(ddl.contains("user_type bigint NOT NULL,"), "{ddl}");
    assert!(ddl.contains("alias_of_user_type bigint,"), "{ddl}");
}

type MaybeUserId = Option<i64>;

/// `set_null` and typed foreign keys accept a field whose type is an alias of
/// `Option<_>`, with or without `sql_type`; the column is nullable.
#[test]
fn foreign_keys_through_an_alias_of_option() {
    #[derive(Table)]
    struct Owner {
        #[column(primary_key)]
        id: i64,
    }
    #[derive(Table)]
    #[table(primary_key(a, b))]
    struct Pair {
        a: i64,
        b: i64,
    }
    #[derive(Table)]
    #[table(foreign_key(columns(a, b), references = Pair, on_delete = "set_null"))]
    struct Belongs {
        #[column(primary_key)]
        id: i64,
        #[column(references = Owner, on_delete = "set_null", on_update = "set_null")]
        owner_id: MaybeUserId,
        #[column(sql_type = "bigint", references = Owner, on_delete = "set_null")]
        typed_owner_id: MaybeUserId,
        a: MaybeUserId,
        b: Maybe<i64>,
    }
    let table = Belongs::definition();
    for column in ["owner_id", "typed_owner_id", "a", "b"] {
        assert!(table.find_column(column).unwrap().nullable, "{column}");
    }
    let actions: Vec<(Vec<String>, Option<ReferentialAction>)> = table.foreign_keys.iter().map(|fk| (fk.columns.clone(), fk.on_delete)).collect();
    assert_eq!(actions.len(), 3);
    assert!(actions.iter().all(|(_, a)| *a == Some(ReferentialAction::SetNull)), "{actions:?}");
    Schema::builder().table::<Owner>().table::<Pair>().table::<Belongs>().build().unwrap_or_else(|e| panic!("{e}"));
}

/// A primary key field that is an alias of `Option<_>`: the derive cannot see
/// it, but the column is nullable, so the schema refuses it.
#[test]
fn a_primary_key_through_an_alias_of_option_is_refused_by_the_schema() {
    #[derive(Table)]
    struct Keyed {
        #[column(primary_key, sql_type = "bigint")]
        id: MaybeUserId,
    }
    assert!(Keyed::definition().columns[0].nullable);
    let errors = Schema::builder().table::<Keyed>().build().unwrap_err();
    assert!(errors.iter().any(|e| matches!(e, pgarchitect::SchemaError::NullablePrimaryKeyColumn { column, .. } if column == "id")), "{errors}");
}

// ---- user review (session 2026-12-02) ----

/// Countries, allowed `int-primary-key` the way the lint pages say.
#[derive(Table)]
#[table(name = "countries", allow(rule = "int-primary-key", reason = "fewer than 300 countries"))]
struct Country {
    #[column(primary_key)]
    id: i32,
    #[column(sql_type = "char(2)", allow(rule = "char-column", reason = "ISO 3166 codes"))]
    code: String,
}

/// Every lint page (and the index) shows the derive's allow as the derive parses
/// it: `allow(rule = "...", reason = "...")`. The pages said `allow(lint = ...)`,
/// which does not compile ("Unknown field: `lint`").
#[test]
fn lint_pages_show_the_derive_allow_that_compiles() {
    let schema = Schema::builder().table::<Country>().build().unwrap();
    let report = schema.lint();
    assert!(report.diagnostics.iter().all(|d| d.rule != "int-primary-key"), "{report}");
    assert!(report.allowed.iter().any(|a| a.diagnostic.rule == "int-primary-key" && a.reason == "fewer than 300 countries"));
    assert!(report.allowed.iter().any(|a| a.diagnostic.rule == "char-column" && a.reason == "ISO 3166 codes"), "{report}");

    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/lints");
    let mut pages = 0;
    for entry in std::fs::read_dir(&docs).unwrap() {
        let path = entry.unwrap().path();
        let page = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        assert!(!page.contains("allow(lint ="), "{name} shows `allow(lint = ...)`, which the derive refuses");
        if let Some(id) = name.strip_suffix(".md").filter(|_| page.contains("with the derive, `#[table(allow(")) {
            let written = format!("with the derive, `#[table(allow(rule = \"{id}\", reason = \"...\"))]`");
            assert!(page.contains(&written), "{name} lacks {written}");
            pages += 1;
        }
    }
    assert!(pages >= 40, "only {pages} pages show the derive's allow");
    let index = std::fs::read_to_string(docs.join("README.md")).unwrap();
    assert!(index.contains("`#[table(allow(rule = \"rule-id\", reason = \"...\"))]`"));
    let scaffold = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/new-lint")).unwrap();
    assert!(scaffold.contains(r#"\`#[table(allow(rule = "$id", reason = "..."))]\`"#), "scripts/new-lint writes the old syntax");
}
