//! `string_enum!`: closed sets of words used in the model (kinds, levels, statuses), each with its
//! spelling in the file, so that the loader can list the allowed values and suggest the nearest.

/// A closed set of words with a fixed spelling.
pub trait StringEnum: Sized + Copy + 'static {
    /// Every value, in the order the format documents them.
    const ALL: &'static [Self];
    /// What the value is called in a model file.
    fn as_str(self) -> &'static str;
    /// The value spelled `text`, exactly.
    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == text)
    }
}

/// Declares a unit enum written as a string in model files.
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )*
        }

        impl $crate::StringEnum for $name {
            const ALL: &'static [Self] = &[$($name::$variant),*];
            fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::StringEnum::as_str(*self))
            }
        }
    };
}
