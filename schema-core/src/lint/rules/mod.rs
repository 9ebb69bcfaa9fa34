//! One file per rule: the check, and its `ok`/`err` tests at the bottom. The
//! registry below lists every rule sorted by id; `scripts/new-lint <rule-id>`
//! adds a rule's lines between the markers.

use super::Rule;

// new-lint: modules begin
mod boolean_index;
mod char_column;
mod circular_foreign_keys;
mod complex_column_without_comment;
mod cross_tenant_foreign_key;
mod current_setting_without_missing_ok;
mod default_without_not_null;
mod extension_in_public;
mod extension_requires_preload;
mod float_for_money;
mod foreign_key_without_index;
mod generic_column_name;
mod grant_without_default_privileges;
mod identifier_too_long;
mod int_primary_key;
mod json_column;
mod jsonb_without_gin_index;
mod missing_foreign_key;
mod missing_timestamps;
mod money_type;
mod multiple_permissive_policies;
mod naming_convention;
mod partition_not_covering_today;
mod partition_without_default;
mod policy_always_true;
mod policy_column_without_index;
mod policy_without_rls;
mod redundant_index;
mod regex_class_with_pipe;
mod reserved_keyword_name;
mod rls_not_forced;
mod rls_without_policies;
mod security_definer_without_search_path;
mod sensitive_column_unprotected;
mod serial_column;
mod set_null_on_not_null_column;
mod table_without_comment;
mod timestamp_without_time_zone;
mod unbounded_short_text;
mod undeclared_role;
mod unguarded_setting_cast;
mod unknown_lint;
mod unknown_role_in_expression;
mod unmarked_personal_data;
mod unused_enum;
mod unused_trigger_function;
mod updated_at_without_trigger;
mod uuid_generate_v4;
mod varchar_255;
mod view_bypasses_rls;
mod wide_table;
// new-lint: modules end

/// Every rule, sorted by id.
pub(crate) static RULES: &[Rule] = &[
    // new-lint: registry begin
    boolean_index::RULE,
    char_column::RULE,
    circular_foreign_keys::RULE,
    complex_column_without_comment::RULE,
    cross_tenant_foreign_key::RULE,
    current_setting_without_missing_ok::RULE,
    default_without_not_null::RULE,
    extension_in_public::RULE,
    extension_requires_preload::RULE,
    float_for_money::RULE,
    foreign_key_without_index::RULE,
    generic_column_name::RULE,
    grant_without_default_privileges::RULE,
    identifier_too_long::RULE,
    int_primary_key::RULE,
    json_column::RULE,
    jsonb_without_gin_index::RULE,
    missing_foreign_key::RULE,
    missing_timestamps::RULE,
    money_type::RULE,
    multiple_permissive_policies::RULE,
    naming_convention::RULE,
    partition_not_covering_today::RULE,
    partition_without_default::RULE,
    policy_always_true::RULE,
    policy_column_without_index::RULE,
    policy_without_rls::RULE,
    redundant_index::RULE,
    regex_class_with_pipe::RULE,
    reserved_keyword_name::RULE,
    rls_not_forced::RULE,
    rls_without_policies::RULE,
    security_definer_without_search_path::RULE,
    sensitive_column_unprotected::RULE,
    serial_column::RULE,
    set_null_on_not_null_column::RULE,
    table_without_comment::RULE,
    timestamp_without_time_zone::RULE,
    unbounded_short_text::RULE,
    undeclared_role::RULE,
    unguarded_setting_cast::RULE,
    unknown_lint::RULE,
    unknown_role_in_expression::RULE,
    unmarked_personal_data::RULE,
    unused_enum::RULE,
    unused_trigger_function::RULE,
    updated_at_without_trigger::RULE,
    uuid_generate_v4::RULE,
    varchar_255::RULE,
    view_bypasses_rls::RULE,
    wide_table::RULE,
    // new-lint: registry end
];
