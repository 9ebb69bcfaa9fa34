//! Parser and checker tests without a compiler run: `parse_quote!` inputs, error counts and messages.

use syn::parse_quote;

/// The messages of every error `validate::table` reports for `input`.
fn table_errors(input: syn::DeriveInput) -> Vec<String> {
    match super::table(&input).1 {
        None => Vec::new(),
        Some(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

fn enum_errors(input: syn::DeriveInput) -> Vec<String> {
    match super::pg_enum(&input).1 {
        None => Vec::new(),
        Some(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

fn assert_one(errors: &[String], needle: &str) {
    assert_eq!(errors.len(), 1, "expected one error containing {needle:?}, got {errors:#?}");
    assert!(errors[0].contains(needle), "{:?} does not contain {needle:?}", errors[0]);
}

#[test]
fn a_valid_table_has_no_errors() {
    let (table, errors) = super::table(&parse_quote! {
        /// Accounts.
        #[table(name = "users", index(columns(email), method = "gin"))]
        struct User {
            #[column(primary_key, identity)]
            id: i64,
            #[column(varchar = 255, unique)]
            email: String,
            #[column(skip)]
            cache: Vec<u8>,
        }
    });
    assert!(errors.is_none());
    assert_eq!(table.name, "users");
    assert_eq!(table.comment.as_deref(), Some("Accounts."));
    assert_eq!(table.columns.len(), 2);
    assert_eq!(table.primary_key.columns, ["id"]);
    assert_eq!(table.uniques[0].columns, ["email"]);
}

#[test]
fn defaults_names_from_idents() {
    let (table, _) = super::table(&parse_quote! {
        struct HTTPRequestLog { #[column(primary_key)] r#type: i64 }
    });
    assert_eq!(table.name, "http_request_log");
    assert_eq!(table.schema, "public");
    assert_eq!(table.columns[0].name, "type");
}

#[test]
fn unknown_keys_suggest_the_right_one() {
    let errors = table_errors(parse_quote! {
        struct User { #[column(primay_key)] id: i64 }
    });
    // The misspelled field is not known to be the key, so "no primary key" is not reported.
    assert_one(&errors, "Did you mean `primary_key`?");
}

#[test]
fn every_mistake_is_reported_at_once() {
    let errors = table_errors(parse_quote! {
        #[table(name = "", index(columns(emial)))]
        struct User {
            #[column(primary_key, identity, default = "0")]
            id: i64,
            #[column(uniqe)]
            email: String,
            #[column(sql_type = "varchar(", varchar = 10)]
            username: String,
            #[column(on_delete = "cascade")]
            team_id: i64,
        }
    });
    assert_eq!(errors.len(), 7, "{errors:#?}");
}

#[test]
fn conflicts() {
    let cases: Vec<(syn::DeriveInput, &str)> = vec![
        (
            parse_quote!(
                struct T {
                    #[column(primary_key, identity, default = "1")]
                    id: i64,
                }
            ),
            "`default` conflicts with `identity`",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key, identity, generated = "1")]
                    id: i64,
                }
            ),
            "`generated` conflicts with `identity`",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key)]
                    id: i64,
                    #[column(generated = "1", default = "2")]
                    x: i64,
                }
            ),
            "`default` conflicts with `generated`",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key)]
                    id: i64,
                    #[column(default = "'a'", default_text = "a")]
                    x: String,
                }
            ),
            "`default_text` and `default`",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key)]
                    id: i64,
                    #[column(varchar = 5, sql_type = "text")]
                    x: String,
                }
            ),
            "`varchar` and `sql_type`",
        ),
        (
            parse_quote!(
                #[table(primary_key(a, id))]
                struct T {
                    a: i64,
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "declared twice",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key)]
                    a: i64,
                    #[column(primary_key)]
                    b: i64,
                }
            ),
            "primary_key(a, b)",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key)]
                    id: Option<i64>,
                }
            ),
            "cannot be NULL",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key)]
                    id: i64,
                    #[column(on_update = "cascade")]
                    u: i64,
                }
            ),
            "`on_update` only applies to a foreign key",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key)]
                    id: i64,
                    x: i64,
                    #[column(name = "x")]
                    y: i64,
                }
            ),
            "two fields map to the column `x`",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key)]
                    id: i64,
                    #[column(skip, index)]
                    x: i64,
                }
            ),
            "`index` has no effect",
        ),
        (
            parse_quote!(
                #[table(index(name = "i"))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "this index has no keys",
        ),
        (
            parse_quote!(
                #[table(index(columns(id), method = "gin", unique))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "only btree indexes can be unique",
        ),
        (
            parse_quote!(
                #[table(index(columns(id), nulls_not_distinct))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "only applies to a `unique` index",
        ),
        (
            parse_quote!(
                #[table(index(columns(id), method = "hash", order = "desc"))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "`order` only applies to btree",
        ),
    ];
    for (input, needle) in cases {
        assert_one(&table_errors(input), needle);
    }
}

#[test]
fn malformed_values() {
    let cases: Vec<(syn::DeriveInput, &str)> = vec![
        (
            parse_quote!(
                struct T {
                    #[column(primary_key = true)]
                    id: i64,
                }
            ),
            "`primary_key` takes no value",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key, name = 5)]
                    id: i64,
                }
            ),
            "`name` takes a string literal",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key, varchar = "x")]
                    id: String,
                }
            ),
            "`varchar` takes a positive integer",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key, varchar = 0)]
                    id: String,
                }
            ),
            "between 1 and 10485760",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key, sql_type = "text;")]
                    id: String,
                }
            ),
            "cannot contain `;`",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key, sql_type = "")]
                    id: String,
                }
            ),
            "the type is empty",
        ),
        (
            parse_quote!(
                #[table(index(columns(id), method = "btre"))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "did you mean `btree`?",
        ),
        (
            parse_quote!(
                struct T {
                    #[column(primary_key, references = U, on_delete = "cascde")]
                    id: i64,
                }
            ),
            "did you mean `cascade`?",
        ),
        (
            parse_quote!(
                #[table(name = "")]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "the table name is empty",
        ),
        (
            parse_quote!(
                #[table(schema = "s234567890123456789012345678901234567890123456789012345678901234")]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "64 bytes long",
        ),
        (
            parse_quote!(
                #[table(unique(columns(id), name = ""))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "the constraint name is empty",
        ),
        (
            parse_quote!(
                #[table(name = "users")]
                #[table(name = "people")]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "Duplicate field `name`",
        ),
    ];
    for (input, needle) in cases {
        assert_one(&table_errors(input), needle);
    }
}

#[test]
fn field_references() {
    assert_one(
        &table_errors(parse_quote!(
            #[table(primary_key(tenant, id))]
            struct T {
                tenant_id: i64,
                id: i64,
            }
        )),
        "did you mean `tenant_id`?",
    );
    assert_one(
        &table_errors(parse_quote!(
            #[table(unique(columns(c)))]
            struct T {
                #[column(primary_key)]
                id: i64,
                #[column(skip)]
                c: i64,
            }
        )),
        "`#[column(skip)]`, so it is not a column",
    );
    // Renamed columns are referred to by their field.
    let (table, errors) = super::table(&parse_quote! {
        #[table(primary_key(user), index(columns(user), include(r#type)))]
        struct T { #[column(name = "user_id")] user: i64, #[column(name = "kind")] r#type: String }
    });
    assert!(errors.is_none());
    assert_eq!(table.primary_key.columns, ["user_id"]);
    assert_eq!(table.indexes[0].columns, ["user_id"]);
    assert_eq!(table.indexes[0].include, ["kind"]);
}

#[test]
fn shapes() {
    assert_one(
        &table_errors(parse_quote!(
            struct T(i64);
        )),
        "needs a struct with named fields",
    );
    assert_one(
        &table_errors(parse_quote!(
            struct T;
        )),
        "a unit struct has none",
    );
    assert_one(
        &table_errors(parse_quote!(
            enum T {
                A,
            }
        )),
        "use `#[derive(PgEnum)]`",
    );
    assert_one(
        &table_errors(parse_quote!(
            struct T<X> {
                #[column(primary_key)]
                id: X,
            }
        )),
        "does not support generic structs",
    );
    assert_one(
        &table_errors(parse_quote!(
            struct T {
                x: i64,
            }
        )),
        "table `t` has no primary key",
    );
    assert!(table_errors(parse_quote!(
        struct T<'a> {
            #[column(primary_key)]
            id: &'a str,
        }
    ))
    .is_empty());
}

#[test]
fn enums() {
    let (e, errors) = super::pg_enum(&parse_quote! {
        /// States.
        #[pg_enum(rename_all = "SCREAMING_SNAKE_CASE")]
        enum OrderState { OnHold, #[pg_enum(rename = "gone")] Lost }
    });
    assert!(errors.is_none());
    assert_eq!(e.name, "order_state");
    assert_eq!(e.comment.as_deref(), Some("States."));
    let labels: Vec<&str> = e.variants.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["ON_HOLD", "gone"]);

    assert_one(
        &enum_errors(parse_quote!(
            enum E {
                A(i32),
                B,
            }
        )),
        "variant `A` carries data",
    );
    assert_one(
        &enum_errors(parse_quote!(
            enum E {}
        )),
        "has no variants",
    );
    assert_one(
        &enum_errors(parse_quote!(
            struct E;
        )),
        "needs a fieldless enum",
    );
    assert_one(
        &enum_errors(parse_quote!(
            enum E {
                A,
                #[pg_enum(rename = "a")]
                B,
            }
        )),
        "both have the label `a`",
    );
    assert_one(
        &enum_errors(parse_quote!(
            #[pg_enum(rename_all = "snake")]
            enum E {
                A,
            }
        )),
        "did you mean `snake_case`?",
    );
    assert_one(
        &enum_errors(parse_quote!(
            #[pg_enum(nmae = "e")]
            enum E {
                A,
            }
        )),
        "Did you mean `name`?",
    );
}

#[test]
fn operational_attributes() {
    let (table, errors) = super::table(&parse_quote! {
        #[table(
            volume = "1M rows", retention = "1 year", timestamps, soft_delete, audited, row_level_security = "forced",
            allow(rule = "missing-timestamps", reason = "immutable"),
            policy(name = "own", command = "select", using = "owner = current_user", roles("app"), restrictive)
        )]
        struct T {
            #[column(primary_key)]
            id: i64,
            #[column(personal_data, protection = "hashed", allow(rule = "a", reason = "b"), allow(rule = "c", reason = "d"))]
            email: String,
        }
    });
    assert!(errors.is_none());
    assert_eq!(table.volume.as_deref(), Some("1M rows"));
    assert!(table.timestamps && table.soft_delete && table.audited);
    assert_eq!(table.rls, Some(crate::ir::Rls::Forced));
    assert_eq!(table.policies[0].roles, ["app"]);
    assert!(table.policies[0].restrictive);
    assert_eq!(table.columns[1].allows.len(), 2);
    assert!(table.columns[1].personal_data);

    assert_one(
        &table_errors(parse_quote!(
            #[table(policy(name = "p", command = "insert", using = "true"))]
            struct T {
                #[column(primary_key)]
                id: i64,
            }
        )),
        "an `insert` policy takes only `with_check`",
    );
    assert_one(
        &table_errors(parse_quote!(
            #[table(policy(name = "p"))]
            struct T {
                #[column(primary_key)]
                id: i64,
            }
        )),
        "this policy needs `using",
    );
    assert_one(
        &table_errors(parse_quote!(
            #[table(allow(rule = "x", reason = ""))]
            struct T {
                #[column(primary_key)]
                id: i64,
            }
        )),
        "`reason` is empty",
    );
    assert_one(
        &table_errors(parse_quote!(
            #[table(row_level_security = "force")]
            struct T {
                #[column(primary_key)]
                id: i64,
            }
        )),
        "did you mean `forced`?",
    );
}

fn domain_errors(input: syn::DeriveInput) -> Vec<String> {
    match super::domain(&input).1 {
        None => Vec::new(),
        Some(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn partitioning() {
    use crate::ir::{Bound, ListValue, PartitionStrategy, Period};
    let (table, errors) = super::table(&parse_quote! {
        #[table(
            primary_key(id, created_at),
            partition(range(created_at), monthly(from = "2026-01-31", count = 3, ahead = 2), default_partition),
            index(columns(created_at, id), unique)
        )]
        struct T {
            id: i64,
            #[column(name = "created")]
            created_at: i64,
        }
    });
    assert!(errors.is_none());
    let p = table.partitioning.unwrap();
    assert_eq!((p.strategy, p.columns.as_slice()), (PartitionStrategy::Range, &["created".to_owned()][..]));
    let w = p.window.unwrap();
    assert_eq!((w.period, w.from, w.count, w.ahead), (Period::Month, (2026, 1, 31), 3, 2));
    assert!(p.default_partition);

    let (table, errors) = super::table(&parse_quote! {
        #[table(partition(list(region), values(name = "t_eu", values("'eu'"), labels("uk"))))]
        struct T {
            #[column(primary_key)]
            region: String,
        }
    });
    assert!(errors.is_none());
    let p = table.partitioning.unwrap();
    let Bound::List(values) = &p.partitions[0].bound else { panic!("a list bound") };
    assert!(matches!(&values[..], [ListValue::Sql(a), ListValue::Label(b)] if a == "'eu'" && b == "uk"));

    let (table, errors) = super::table(&parse_quote! {
        #[table(partition(hash(id), modulus = 8))]
        struct T {
            #[column(primary_key)]
            id: i64,
        }
    });
    assert!(errors.is_none());
    assert_eq!(table.partitioning.unwrap().modulus, Some(8));

    let cases: Vec<(syn::DeriveInput, &str)> = vec![
        (
            parse_quote!(
                #[table(partition(default_partition))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "needs the partition key",
        ),
        (
            parse_quote!(
                #[table(partition(range(id), hash(id), modulus = 2))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "partitioned one way",
        ),
        (
            parse_quote!(
                #[table(partition(hash(id)))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "add `modulus = 8`",
        ),
        (
            parse_quote!(
                #[table(partition(range(id), modulus = 2))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "`modulus` is the number of hash partitions",
        ),
        (
            parse_quote!(
                #[table(partition(hash(id), modulus = 2, default_partition))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "cannot have a DEFAULT partition",
        ),
        (
            parse_quote!(
                #[table(partition(list(id), daily(ahead = 1)))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "creates range partitions over time",
        ),
        (
            parse_quote!(
                #[table(partition(range(id), yearly(from = "2025-02-29", count = 1)))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "a day that does not exist",
        ),
        (
            parse_quote!(
                #[table(partition(range(idd)))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "did you mean `id`?",
        ),
        (
            parse_quote!(
                #[table(partition(range(at)))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                    at: i64,
                }
            ),
            "replace `#[column(primary_key)]` with a composite key on the struct: `#[table(primary_key(id, at))]`",
        ),
        (
            parse_quote!(
                #[table(primary_key(id, at), partition(range(at)))]
                struct T {
                    id: i64,
                    at: i64,
                    #[column(unique)]
                    email: String,
                }
            ),
            "`#[table(unique(columns(email, at)))]`",
        ),
    ];
    for (input, needle) in cases {
        assert_one(&table_errors(input), needle);
    }
}

#[test]
fn triggers() {
    use crate::ir::{ForEach, TriggerEvent, TriggerTiming};
    let (table, errors) = super::table(&parse_quote! {
        #[table(trigger(
            name = "t_audit", timing = "after", events("insert", "update"), update_of(name),
            for_each = "row", when = "NEW.name <> ''", function = "Audit.\"Log\"", arguments("x")
        ))]
        struct T {
            #[column(primary_key)]
            id: i64,
            #[column(name = "label")]
            name: String,
        }
    });
    assert!(errors.is_none(), "{:?}", errors.map(|e| e.to_string()));
    let t = &table.triggers[0];
    assert_eq!((t.timing, t.for_each), (TriggerTiming::After, ForEach::Row));
    assert_eq!(t.events, [(TriggerEvent::Insert, vec![]), (TriggerEvent::Update, vec!["label".to_owned()])]);
    assert_eq!(t.function, ("audit".to_owned(), "Log".to_owned()));

    let cases: Vec<(syn::DeriveInput, &str)> = vec![
        (
            parse_quote!(
                #[table(trigger(name = "t", timing = "after", events("truncate"), function = "f"))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "add `for_each = \"statement\"`",
        ),
        (
            parse_quote!(
                #[table(trigger(name = "t", timing = "instead_of", events("insert"), function = "f"))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "`instead_of` triggers are for views",
        ),
        (
            parse_quote!(
                #[table(trigger(name = "t", timing = "after", events(), function = "f"))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "`events(...)` is empty",
        ),
        (
            parse_quote!(
                #[table(trigger(name = "t", timing = "after", events("delete"), when = "NEW.id > 0", function = "f"))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "cannot use NEW",
        ),
        (
            parse_quote!(
                #[table(trigger(name = "t", timing = "after", events("delet"), function = "f"))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "did you mean `delete`?",
        ),
        (
            parse_quote!(
                #[table(trigger(name = "t", timing = "after", events("delete"), function = "f(x)"))]
                struct T {
                    #[column(primary_key)]
                    id: i64,
                }
            ),
            "without `()`",
        ),
    ];
    for (input, needle) in cases {
        assert_one(&table_errors(input), needle);
    }
}

#[test]
fn full_text_and_isolation() {
    let (table, errors) = super::table(&parse_quote! {
        #[table(
            full_text(config = "english", source(title, weight = "a"), source(body)),
            isolate(column = owner, setting = "app.user_id", command = "select")
        )]
        struct Doc {
            #[column(primary_key)]
            id: i64,
            title: String,
            body: Option<String>,
            #[column(sql_type = "uuid")]
            owner: String,
        }
    });
    assert!(errors.is_none());
    let ft = &table.full_text[0];
    assert_eq!(ft.column, "search_vector");
    assert_eq!(ft.sources, [("title".to_owned(), 'A'), ("body".to_owned(), 'D')]);
    let iso = &table.isolations[0];
    assert_eq!(iso.name, "doc_owner_isolation");
    assert!(matches!(&iso.column_type, crate::ir::ColumnType::Sql { text, .. } if text == "uuid"));

    assert_one(
        &table_errors(parse_quote!(
            #[table(isolate(column = id, setting = "user_id"))]
            struct T {
                #[column(primary_key)]
                id: i64,
            }
        )),
        "has no prefix",
    );
    assert_one(
        &table_errors(parse_quote!(
            #[table(full_text(config = "english", source(id, weight = "Z")))]
            struct T {
                #[column(primary_key)]
                id: i64,
            }
        )),
        "unknown weight",
    );
}

#[test]
fn domains() {
    let (d, errors) = super::domain(&parse_quote! {
        /// Email.
        #[domain(check = "VALUE <> ''", check(name = "c", expr = "length(VALUE) < 300"), not_null, default = "''")]
        struct EmailAddress(String);
    });
    assert!(errors.is_none());
    assert_eq!((d.schema.as_str(), d.name.as_str()), ("public", "email_address"));
    assert_eq!(d.comment.as_deref(), Some("Email."));
    assert_eq!(d.checks.len(), 2);
    assert_eq!(d.checks[1].name.as_deref(), Some("c"));
    assert!(d.not_null && d.inner.is_some() && d.sql_type.is_none());

    assert_one(
        &domain_errors(parse_quote!(
            struct E {
                v: String,
            }
        )),
        "needs a tuple struct with one field",
    );
    assert_one(
        &domain_errors(parse_quote!(
            struct E(String, i32);
        )),
        "exactly one field",
    );
    assert_one(
        &domain_errors(parse_quote!(
            #[domain(sql_type = "text(")]
            struct E(String);
        )),
        "invalid `sql_type`",
    );
    assert_one(
        &domain_errors(parse_quote!(
            #[domain(chek = "VALUE > 0")]
            struct E(i32);
        )),
        "Did you mean `check`?",
    );
    assert_eq!(
        domain_errors(parse_quote!(
            #[domain(chek = "x", sql_type = "(")]
            struct E(Option<i32>);
        ))
        .len(),
        3,
        "every mistake at once"
    );
}

/// `set_null` on a field not written `Option<_>` is left to the compiler (the
/// type may be an alias of `Option`): one check per field.
#[test]
fn set_null_on_a_field_not_written_option_is_checked_by_the_compiler() {
    let (table, errors) = super::table(&parse_quote! {
        #[table(foreign_key(columns(a, b), references = P, on_delete = "set_null"))]
        struct T {
            #[column(primary_key)]
            id: i64,
            #[column(references = U, on_delete = "set_null", on_update = "set_null")]
            alias: MaybeId,
            #[column(references = U, on_delete = "set_null")]
            written: Option<i64>,
            #[column(references = U, on_delete = "cascade")]
            plain: i64,
            a: Option<i64>,
            b: MaybeId,
        }
    });
    assert!(errors.is_none());
    let checked: Vec<(String, usize)> = table
        .foreign_keys
        .iter()
        .map(|fk| (fk.columns.join(", "), fk.set_null_checks.len()))
        .collect();
    assert_eq!(checked, [("alias".to_owned(), 1), ("written".to_owned(), 0), ("plain".to_owned(), 0), ("a, b".to_owned(), 1)]);
    let b = &table.foreign_keys[3].set_null_checks[0].0;
    assert_eq!(quote::quote!(#b).to_string(), "MaybeId");
}

// ---- tenant keys (session 2026-12-02) ----

/// `on_delete_set_columns(parent)` limits ON DELETE SET NULL to that column, so
/// only it must be an `Option<_>`; the NOT NULL tenant column is kept.
#[test]
fn on_delete_set_columns_limit_the_set_null_check() {
    let (table, errors) = super::table(&parse_quote! {
        #[table(foreign_key(columns(tenant_id, parent), references = P, references_columns("tenant_id", "id"),
                            on_delete = "set_null", on_delete_set_columns(parent)))]
        #[table(foreign_key(columns(tenant_id, other), references = P, references_columns("tenant_id", "id"),
                            on_delete = "set_null", on_update = "set_null", on_delete_set_columns(other)))]
        struct T {
            #[column(primary_key)]
            id: i64,
            tenant_id: i64,
            #[column(name = "parent_id")]
            parent: MaybeId,
            other: Option<i64>,
        }
    });
    assert!(errors.is_none());
    let fks: Vec<(Vec<String>, usize)> = table.foreign_keys.iter().map(|fk| (fk.on_delete_set_columns.clone(), fk.set_null_checks.len())).collect();
    // The column's name, not the field's; ON UPDATE SET NULL still needs tenant_id nullable.
    assert_eq!(fks, [(vec!["parent_id".to_owned()], 1), (vec!["other".to_owned()], 1)]);
    let checked = &table.foreign_keys[0].set_null_checks[0].0;
    assert_eq!(quote::quote!(#checked).to_string(), "MaybeId");
    let checked = &table.foreign_keys[1].set_null_checks[0].0;
    assert_eq!(quote::quote!(#checked).to_string(), "i64");
}

#[test]
fn on_delete_set_columns_mistakes() {
    let errors = table_errors(parse_quote! {
        #[table(foreign_key(columns(tenant_id, parent_id), references = P, on_delete = "set_null", on_delete_set_columns(id)))]
        struct T {
            #[column(primary_key)]
            id: i64,
            tenant_id: i64,
            parent_id: Option<i64>,
        }
    });
    assert_one(&errors, "`id` is not one of this foreign key's `columns(tenant_id, parent_id)`");
    let errors = table_errors(parse_quote! {
        #[table(foreign_key(columns(tenant_id, parent_id), references = P, on_delete = "set_null", on_delete_set_columns(parent_id, parent_id)))]
        struct T {
            #[column(primary_key)]
            id: i64,
            tenant_id: i64,
            parent_id: Option<i64>,
        }
    });
    assert_one(&errors, "`parent_id` is listed twice");
    for action in [quote::quote!(on_delete = "cascade",), quote::quote!()] {
        let input: syn::DeriveInput = parse_quote! {
            #[table(foreign_key(columns(tenant_id, parent_id), references = P, #action on_delete_set_columns(parent_id)))]
            struct T {
                #[column(primary_key)]
                id: i64,
                tenant_id: i64,
                parent_id: Option<i64>,
            }
        };
        assert_one(&table_errors(input), "add `on_delete = \"set_null\"` (or `\"set_default\"`)");
    }
}

/// `index(columns(a, b(order = "desc")))`: each column key with its own options.
#[test]
fn index_keys_have_their_own_options() {
    let (table, errors) = super::table(&parse_quote! {
        #[table(
            index(columns(tenant_id, created_at(order = "desc", nulls = "last")), include(name)),
            index(columns(name(opclass = "text_pattern_ops"), tenant_id), order = "desc")
        )]
        struct Event {
            #[column(primary_key)]
            id: i64,
            tenant_id: i64,
            #[column(name = "at")]
            created_at: i64,
            name: String,
        }
    });
    assert!(errors.is_none(), "{:?}", errors.map(|e| e.to_string()));
    let keys = |i: &crate::ir::Index| -> Vec<String> {
        i.columns
            .iter()
            .zip(&i.column_keys)
            .map(|(c, k)| format!("{c} {:?} {:?} {:?}", k.opclass, k.order, k.nulls))
            .collect()
    };
    // Field idents resolve to column names; a key without options has none of its own.
    assert_eq!(keys(&table.indexes[0]), ["tenant_id None None None", "at None Some(Desc) Some(Last)"]);
    assert_eq!(table.indexes[0].order, None);
    assert_eq!(keys(&table.indexes[1]), ["name Some(\"text_pattern_ops\") None None", "tenant_id None None None"]);
    // The index-wide order stays index-wide (for every key).
    assert_eq!(table.indexes[1].order, Some(crate::ir::Order::Desc));
    // A column's own index has one key, without options of its own.
    let (table, _) = super::table(&parse_quote! {
        struct T { #[column(primary_key, index(order = "desc"))] id: i64 }
    });
    assert_eq!(table.indexes[0].column_keys.len(), 1);
    assert_eq!(table.indexes[0].column_keys[0].order, None);
}

#[test]
fn index_key_mistakes() {
    let t = |attr: proc_macro2::TokenStream| -> Vec<String> {
        table_errors(parse_quote! {
            #[table(#attr)]
            struct T {
                #[column(primary_key)]
                id: i64,
                created_at: i64,
                name: String,
            }
        })
    };
    let cases: Vec<(proc_macro2::TokenStream, &str)> = vec![
        (quote::quote!(index(columns(created_at(ordr = "desc")))), "Unknown field: `ordr`. Did you mean `order`?"),
        (quote::quote!(index(columns(created_at(order = "descending")))), "unknown sort order `descending`"),
        (quote::quote!(index(columns(created_at(nulls = "lst")))), "did you mean `last`?"),
        (quote::quote!(index(columns(created_a(order = "desc")))), "no field `created_a` in `T`; did you mean `created_at`?"),
        (quote::quote!(index(columns(created_at(order = "desc")), order = "asc")), "`order` is given both for this key and for the whole index"),
        (quote::quote!(index(columns(name(opclass = "a")), opclass = "b")), "`opclass` is given both for this key"),
        (quote::quote!(index(columns(created_at(nulls = "first")), method = "hash")), "`nulls` only applies to btree"),
        (quote::quote!(index(columns(created_at()))), "`created_at()` gives the key no options"),
        (quote::quote!(index(columns(created_at = "desc"))), "a key's options go in parentheses"),
        (quote::quote!(index(columns("created_at"))), "`columns(...)` lists Rust field names"),
        (quote::quote!(index(columns(name(opclass = " ")))), "`opclass` is empty"),
    ];
    for (attr, needle) in cases {
        assert_one(&t(attr), needle);
    }
    // Options of other keys are fine beside the index-wide ones they do not repeat.
    assert!(t(quote::quote!(index(columns(name(opclass = "text_pattern_ops"), created_at), order = "desc"))).is_empty());
}
