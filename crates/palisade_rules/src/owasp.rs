//! The OWASP API Security Top 10, 2023 and 2019 editions, as typed metadata. They are never
//! part of a rule's code, because the lists get revised.

use serde::{Serialize, Serializer};

macro_rules! top10 {
    ($name:ident, $edition:literal, $( $v:ident = $code:literal : $title:literal ),* $(,)?) => {
        #[doc = concat!("OWASP API Security Top 10 (", $edition, ") categories.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($v),* }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$v),*];

            /// The short code, like `API1`.
            pub fn code(self) -> &'static str {
                match self { $(Self::$v => $code),* }
            }

            /// The category's title.
            pub fn title(self) -> &'static str {
                match self { $(Self::$v => $title),* }
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": concat!("An OWASP API Security Top 10 (", $edition, ") category."),
                    "type": "string",
                    "enum": [$($code),*]
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

top10!(Owasp2023, "2023",
    Api1 = "API1": "Broken Object Level Authorization",
    Api2 = "API2": "Broken Authentication",
    Api3 = "API3": "Broken Object Property Level Authorization",
    Api4 = "API4": "Unrestricted Resource Consumption",
    Api5 = "API5": "Broken Function Level Authorization",
    Api6 = "API6": "Unrestricted Access to Sensitive Business Flows",
    Api7 = "API7": "Server Side Request Forgery",
    Api8 = "API8": "Security Misconfiguration",
    Api9 = "API9": "Improper Inventory Management",
    Api10 = "API10": "Unsafe Consumption of APIs",
);

top10!(Owasp2019, "2019",
    Api1 = "API1": "Broken Object Level Authorization",
    Api2 = "API2": "Broken User Authentication",
    Api3 = "API3": "Excessive Data Exposure",
    Api4 = "API4": "Lack of Resources & Rate Limiting",
    Api5 = "API5": "Broken Function Level Authorization",
    Api6 = "API6": "Mass Assignment",
    Api7 = "API7": "Security Misconfiguration",
    Api8 = "API8": "Injection",
    Api9 = "API9": "Improper Assets Management",
    Api10 = "API10": "Insufficient Logging & Monitoring",
);
