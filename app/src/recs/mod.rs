//! Personalized recommendations (issue #12), first part: the recommenders trained on
//! purchase history, their offline evaluation and the batch interface
//! (`server recs eval`, `server recommend`). Events, the trained model kept for serving,
//! placements and `/admin/recommendations` are still to come (README: "Recommendations").

#[cfg(feature = "ssr")]
pub mod eval;
#[cfg(feature = "ssr")]
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;
